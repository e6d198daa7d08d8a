// This file is what an upload job does once its video exists: metadata update, steps, housekeeping, watch's report.
import type { ConfirmedPrevious } from '../../unattended/journal.js';
import type { Differs } from './converge.js';
import type { Job } from './job.js';
import type { UploadOutcome } from './outcome.js';

/** What the work after the upload needs of its job. */
type After = Pick<
  Job,
  | 'plan'
  | 'provider'
  | 'ctx'
  | 'globals'
  | 'out'
  | 'options'
  | 'store'
  | 'account'
  | 'label'
  | 'quota'
  | 'relocked'
  | 'login'
  | 'holdLock'
>;

/** Brings an uploaded video's metadata to what the command sets (converge.ts); the outcome says what changed. */
export async function convergeMetadata(job: After, outcome: UploadOutcome, differs: Differs): Promise<void> {
  const { converge } = await import('./converge.js');
  const result = await converge(differs, {
    provider: job.provider,
    videoId: outcome.id,
    update: job.options.update !== false,
    out: job.out,
    run: { ctx: job.ctx, globals: job.globals, out: job.out, session: () => job.login() },
    journal: job.store.journal,
    prepare: async (cost) => {
      await job.holdLock();
      if (job.quota.counting && cost > 0) await job.quota.reserve(cost, `update ${outcome.id}`);
    },
    unspent: (units) => job.quota.spent(-units),
  });
  Object.assign(outcome, result);
  const title = 'updated' in result ? result.updated.find((c) => c.field === 'snippet.title') : undefined;
  if (typeof title?.after === 'string') outcome.title = title.after;
}

/** The provider's steps not yet done (playlists, captions …), each recorded in the journal as it ends. */
export async function steps(
  job: After,
  outcome: UploadOutcome,
  done: ReadonlySet<string>,
  fresh: boolean,
): Promise<void> {
  if (job.provider.steps.wanted(job.plan).some((s) => !done.has(s))) await job.holdLock();
  await job.provider.steps.run(job.plan, outcome.id, outcome, {
    ctx: job.ctx,
    globals: job.globals,
    out: job.out,
    session: () => job.login(),
    done,
    fresh: fresh && !job.relocked,
    locks: job.store.locks,
    record: (step, ok, detail) =>
      job.store.journal.recordStep({
        videoId: outcome.id,
        step,
        ok,
        now: job.ctx.now,
        ...(detail ? { detail } : {}),
      }),
    spent: (units) => job.quota.spent(units),
  });
}

/**
 * --move-to / --delete-after act only on a file whose whole content is a recorded, finished upload (issue 11):
 * never on a match by samples alone; and only once the file on disk is proven to be that content (afterUpload).
 */
export async function housekeeping(
  job: After,
  outcome: UploadOutcome,
  skipped: Exclude<ConfirmedPrevious, { kind: 'none' }> | undefined,
): Promise<void> {
  if (!job.options.moveTo && !job.options.deleteAfter) return;
  await job.holdLock();
  const contentHash = outcome.contentHash;
  const recorded =
    contentHash !== undefined &&
    (await job.store.journal.isRecordedUpload({
      account: job.account,
      provider: job.provider.name,
      contentHash,
      videoId: outcome.id,
    }));
  if (!recorded || contentHash === undefined) {
    const why =
      skipped?.kind === 'sampleOnly'
        ? 'its earlier upload was recorded without a content hash, so it cannot be confirmed to be this file'
        : 'its content is not a recorded, finished upload';
    job.out.warn(`${job.label} was left where it is: ${why}.`);
    return;
  }
  const { afterUpload } = await import('../../unattended/housekeeping.js');
  // The file on disk now is proven to be this content before it is moved or deleted (issue 29, item 1).
  const kept = await afterUpload({
    file: job.plan.file,
    videoId: outcome.id,
    content: { contentHash, size: outcome.bytes },
    journal: job.store.journal,
    complete: true,
    ...(job.options.moveTo ? { moveTo: job.options.moveTo } : {}),
    deleteAfter: Boolean(job.options.deleteAfter),
    now: job.ctx.now,
  });
  outcome.housekeeping = kept.action === 'deleted' ? 'deleted' : kept.path;
  const link = kept.link ? ' (a symbolic link; the file it leads to stays where it is)' : '';
  if (kept.action === 'moved') job.out.info(`Moved ${job.label} to ${kept.path}${link}.`);
  if (kept.action === 'deleted') job.out.info(`Deleted ${job.plan.file}${link}.`);
}

/**
 * With `report` (watch): prints a new upload's result, or one a killed run recorded but never printed, then
 * records that it did. A kill between the two prints it again in a later run (the same id twice, never none); a
 * store that cannot take the record now is only warned about, with the same effect.
 */
export async function reportIfOwed(
  job: After,
  outcome: UploadOutcome,
  skipped: Exclude<ConfirmedPrevious, { kind: 'none' }> | undefined,
  done: ReadonlySet<string>,
): Promise<void> {
  if (!job.options.report) return;
  const { Step } = await import('../../unattended/journal.js');
  if (skipped && !(skipped.previous.entry.awaitsReport && !done.has(Step.reported))) return;
  job.options.report(outcome);
  await job.store.journal
    .recordStep({ videoId: outcome.id, step: Step.reported, ok: true, now: job.ctx.now })
    .catch((failure: unknown) => {
      if (!job.store.isUnreachable(failure)) throw failure;
      job.out.warn(`could not record that ${outcome.id} was reported: ${(failure as Error).message}`);
    });
}
