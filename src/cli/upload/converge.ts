// This file applies the re-run rule "the command describes the video" (issue 27, item 3): content uploaded before
// whose recorded metadata differs in fields the command sets is updated to them, once, and the update is journaled.

import type { Provider, ProviderRun } from '../../providers/contract.js';
import type { StateJournal } from '../../state/store.js';
import {
  afterUpdate,
  describeChange,
  flattenFields,
  type MetadataChange,
  metadataChanges,
  type RecordedMetadata,
  type WantedMetadata,
} from '../../unattended/recorded-metadata.js';
import type { Output } from '../output.js';
import type { UploadPlan } from './prepare.js';

/** How the command's metadata compares with what the journal recorded for the video. */
export type Convergence =
  /** Every field the command sets has the recorded value (or it sets none). */
  | { kind: 'same' }
  /** The upload was recorded by a vupload that kept no metadata: nothing can be compared. */
  | { kind: 'unknown' }
  | { kind: 'differs'; recorded: RecordedMetadata; wanted: WantedMetadata; changes: MetadataChange[] };

export type Differs = Extract<Convergence, { kind: 'differs' }>;

/**
 * Compares the fields the plan sets itself (not its defaults) with `recorded`: what the upload, or the last update
 * by a re-run, set. Never with what the server holds now: an edit made in YouTube Studio (or with `vupload update`)
 * is not undone by a cron line that did not change.
 */
export function compareWithRecorded(plan: UploadPlan, recorded: RecordedMetadata | undefined): Convergence {
  if (plan.given.length === 0) return { kind: 'same' };
  if (!recorded) return { kind: 'unknown' };
  const wanted: WantedMetadata = {
    fields: flattenFields(plan.resource),
    given: plan.given,
    ...(plan.templates ? { templates: plan.templates } : {}),
  };
  const changes = metadataChanges(recorded, wanted);
  return changes.length === 0 ? { kind: 'same' } : { kind: 'differs', recorded, wanted, changes };
}

export interface ConvergeContext {
  provider: Provider;
  videoId: string;
  /** False with --no-update: the difference is only reported. */
  update: boolean;
  out: Output;
  run: Pick<ProviderRun, 'ctx' | 'globals' | 'out' | 'session'>;
  /** Before the update is sent: the lock is held (again) and its quota counted. */
  prepare(cost: number): Promise<void>;
  /** Gives back units counted in `prepare` that the update did not spend. */
  unspent(units: number): Promise<void>;
  /** Where the update is recorded (an `updated` step holding the metadata the video carries after it). */
  journal: StateJournal;
}

/** For --json: the changes made (`updated`), or those left as they are (`notUpdated`). */
export type ConvergeOutcome = { updated: MetadataChange[] } | { notUpdated: MetadataChange[] };

/**
 * Updates the fields that differ, or says why not (--no-update; a provider that cannot). The update comes first and
 * its journal record after it: a run killed in between updates again next time, which changes nothing more (the
 * provider's update is idempotent), and records it then.
 */
export async function converge(differs: Differs, c: ConvergeContext): Promise<ConvergeOutcome> {
  const { changes } = differs;
  const lines = changes.map((change) => `  ${describeChange(change)}`).join('\n');
  if (!c.update) {
    c.out.info(
      `${c.videoId} carries other metadata than this command sets (as recorded); not updated (--no-update):\n${lines}`,
    );
    return { notUpdated: changes };
  }
  const updater = c.provider.update;
  if (!updater) {
    c.out.warn(
      `${c.videoId} carries other metadata than this command sets (as recorded), and vupload cannot change the ` +
        `metadata of a ${c.provider.title} video; change it on ${c.provider.videoUrl(c.videoId, c.run)}:\n${lines}`,
    );
    return { notUpdated: changes };
  }
  await c.prepare(updater.cost);
  const values = Object.fromEntries(changes.map((change) => [change.field, change.after]));
  const spent = await updater.apply(c.run, c.videoId, values);
  if (spent < updater.cost) await c.unspent(updater.cost - spent);
  const { Step } = await import('../../unattended/journal.js');
  await c.journal.recordStep({
    videoId: c.videoId,
    step: Step.updated,
    ok: true,
    now: c.run.ctx.now,
    detail: JSON.stringify(afterUpdate(differs.recorded, differs.wanted, changes)),
  });
  c.out.info(`Updated ${c.videoId} to the metadata this command sets:\n${lines}`);
  return { updated: changes };
}
