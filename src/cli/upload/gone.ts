// This file settles files that housekeeping took away from their names: put back after a kill, or done for good.
import { lstat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Provider } from '../../providers/contract.js';
import type { CliContext, GlobalOptions } from '../context.js';
import type { Output } from '../output.js';
import { stateStore } from '../state.js';
import { alreadyUploadedOutcome, type UploadOutcome } from './outcome.js';

/**
 * Puts `file` back if a run killed during its --move-to / --delete-after left it under its private name
 * (src/unattended/held-file.ts), before anything looks at the file; says so on stderr. The state store (for the
 * content's lock) is opened only when there is such a file.
 */
export async function putBackHeld(
  file: string,
  ctx: CliContext,
  globals: GlobalOptions,
  out: Output,
): Promise<void> {
  const { heldPath, restoreHeld } = await import('../../unattended/held-file.js');
  const held = heldPath(file);
  const path = await restoreHeld(file, async () => (await stateStore(ctx, globals, out)).locks);
  if (path === undefined) return;
  if (path === file)
    out.info(
      `Put ${basename(file)} back: a vupload stopped while moving or deleting it had left it as ${basename(held)}.`,
    );
  else
    out.warn(
      `${basename(held)}, left by a vupload stopped while moving or deleting ${basename(file)}, was put back as ` +
        `${basename(path)}, since ${basename(file)} is another file now.`,
    );
}

/** A file that is not there because vupload uploaded it and then moved or deleted it (issue 29, item 9). */
export interface HousekeptEntry {
  file: string;
  outcome: UploadOutcome;
  /** What stderr says about it. */
  note: string;
}

export function isHousekept(value: unknown): value is HousekeptEntry {
  return typeof value === 'object' && value !== null && 'note' in value && 'outcome' in value;
}

/**
 * When `file` is missing (checked here): the journal's latest upload of that path by this profile and provider, if
 * its latest `moved` or `deleted` step succeeded. Such an entry of a re-run (a batch killed halfway and run again)
 * is done: it is reported as already uploaded, not as a missing file. Undefined otherwise, or when the journal
 * cannot be read (the missing file is then reported as before).
 */
export async function housekeptEarlier(
  file: string,
  ctx: CliContext,
  globals: GlobalOptions,
  provider: Provider,
): Promise<HousekeptEntry | undefined> {
  const missing = await lstat(file).then(
    () => false,
    (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
  );
  if (!missing) return undefined;
  const history = await stateStore(ctx, globals)
    .then((store) => store.journal.listHistory())
    .catch(() => undefined);
  // The journal's account (Provider.account); a provider that cannot say without a login matches nothing.
  const account = provider.account
    ? await provider.account({ ctx, globals }).catch(() => undefined)
    : globals.profile;
  const item = history
    ?.filter((h) => h.file === file && h.profile === account && h.provider === provider.name)
    .at(-1);
  // The steps are the video's: a copy with the same content, found uploaded, records its own move on them too.
  const done = item?.steps.find(
    (s) =>
      s.ok &&
      ((s.step === 'moved' && s.detail !== undefined && isMovedName(basename(s.detail), basename(file))) ||
        (s.step === 'deleted' && (s.detail === undefined || s.detail === file))),
  );
  if (!item || !done) return undefined;
  const where = done.step === 'moved' ? `moved it to ${done.detail}` : 'deleted it';
  return {
    file,
    outcome: {
      ...alreadyUploadedOutcome(provider, { ...item, file, seconds: 0 }, { ctx, globals }),
      housekeeping: done.step === 'moved' ? (done.detail ?? '') : 'deleted',
    },
    note:
      `${basename(file)} is not there: vupload uploaded it as ${item.id} on ${item.time} and ${where} ` +
      `(${done.time}); nothing sent.`,
  };
}

/** `talk.mp4` moved is `talk.mp4`, or `talk-N.mp4` where that name was taken (src/unattended/place.ts). */
function isMovedName(moved: string, name: string): boolean {
  if (moved === name) return true;
  const ext = extname(name);
  const stem = ext ? name.slice(0, -ext.length) : name;
  return (
    moved.startsWith(`${stem}-`) &&
    moved.endsWith(ext) &&
    /^\d+$/.test(moved.slice(stem.length + 1, moved.length - ext.length))
  );
}
