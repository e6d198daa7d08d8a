// This file does the cron chores after an upload: move or delete the finished file (the log file: log-file.ts).
import { constants } from 'node:fs';
import { access, open, realpath, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ownDirHolding } from '../confine.js';
import { ExitCode, usageError, VuploadError } from '../errors.js';
import type { Env } from '../paths.js';
import type { StateJournal } from '../state/store.js';
import {
  dropHeld,
  type HeldFile,
  HeldInTheWay,
  holdFile,
  NotUploaded,
  release,
  whyNotUploaded,
} from './held-file.js';
import { recordStep, Step } from './journal.js';
import { errno, type MoveOps, placeInDir, placeLink, realOps, sameInode, unlinkIfThere } from './place.js';

export type { MoveOps } from './place.js';

export interface HousekeepingResult {
  action: 'moved' | 'deleted' | 'kept';
  /** Where the file is now (its old path when kept or deleted). */
  path: string;
  /** The file was a symbolic link: the link was moved (re-aimed) or deleted, the file it leads to stays. */
  link?: boolean;
}

/** Housekeeping refused to act on the file (exit 1): it is not what was uploaded, or it is gone. */
function leftInPlace(message: string, hint?: string): VuploadError {
  return new VuploadError('leftInPlace', ExitCode.api, message, hint ? { hint } : {});
}

/**
 * `--move-to` / `--delete-after`, only when `complete` (the upload and every step asked for succeeded), and only on
 * a file that is proven to be `content`, the uploaded content as journaled (issue 29, item 1): the file is taken
 * away from its name first and hashed in full there (src/unattended/held-file.ts says why); anything else is given
 * its name back, the step recorded as failed (`changed`), and a leftInPlace error (exit 1) says why. Recorded in
 * the journal as the step `moved` (detail: the new path) or `deleted` (detail: the path deleted).
 *
 * Crash order, each durable change after the one before: the file is renamed to its private name; (move) it gets
 * its name in the target folder (placeInDir: a link, or a whole copy); the step is recorded; the private name is
 * unlinked. Killed before the step is recorded, the next run on the file puts it back (restoreHeld) and does it all
 * again, finding its own name in the target instead of making a second one; killed after, the same, with the step
 * recorded twice; killed after the unlink, the journal already holds the step.
 */
export async function afterUpload(input: {
  file: string;
  videoId: string;
  /** The uploaded content as journaled: its content hash (`xxh3-128:<hex>`, `sha256:<hex>`) and size. */
  content: { contentHash: string; size?: number };
  /** The journal the step goes to: the state directory's steps.jsonl, or a state store's. */
  stateDir?: string;
  journal?: Pick<StateJournal, 'recordStep'>;
  complete: boolean;
  moveTo?: string;
  deleteAfter?: boolean;
  now?: () => number;
  ops?: MoveOps;
}): Promise<HousekeepingResult> {
  if (input.moveTo !== undefined && input.deleteAfter) {
    throw usageError('--move-to and --delete-after cannot be used together.');
  }
  const { stateDir } = input;
  const record = async (step: Parameters<StateJournal['recordStep']>[0]): Promise<void> => {
    if (input.journal) return input.journal.recordStep(step);
    if (stateDir === undefined) throw new Error('afterUpload: give stateDir or journal');
    return recordStep({ stateDir, ...step });
  };
  const journal = { videoId: input.videoId, now: input.now };
  if (!input.complete || (input.moveTo === undefined && !input.deleteAfter))
    return { action: 'kept', path: input.file };
  const step = input.moveTo !== undefined ? Step.moved : Step.deleted;
  const verb = input.moveTo !== undefined ? 'moved' : 'deleted';
  const failed = (reason: string) => record({ ...journal, step, ok: false, reason }).catch(() => {});
  const ops = input.ops ?? realOps;
  const source = resolve(input.file);
  const name = basename(source);
  const notUploaded = async (why: string, path: string) => {
    await failed('changed');
    const where =
      path === source ? '' : ` under the name ${basename(path)}, since ${name} was taken meanwhile`;
    return leftInPlace(
      `${name} was left where it is${where}: it is not the content uploaded as ${input.videoId} (${why}: it ` +
        `was changed or replaced after the upload), so it was not ${verb}.`,
      'Its content was not uploaded: run the same command again to upload it as a video of its own.',
    );
  };
  let file: HeldFile;
  try {
    file = await holdFile(source, ops);
  } catch (error) {
    if (error instanceof NotUploaded) throw await notUploaded(error.why, error.path);
    await failed(errno(error) ?? 'error');
    if (error instanceof HeldInTheWay)
      throw leftInPlace(
        `${name} was left where it is: ${error.held} is in the way, left by a vupload that was stopped while ` +
          `moving or deleting an earlier ${name}, so nothing was ${verb}.`,
        `Give that file its name back (rename it to ${name} once the name is free, or to another name), then run the same command again.`,
      );
    if (errno(error) === 'ENOENT')
      throw leftInPlace(`${name} was not there any more after the upload, so nothing was ${verb}.`);
    throw error;
  }
  const why = await whyNotUploaded(file, input.content).catch(async (error: unknown) => {
    await release(file, ops);
    await failed(errno(error) ?? 'error');
    throw error;
  });
  if (why !== undefined) throw await notUploaded(why, await release(file, ops));
  let placed: string | undefined;
  try {
    if (input.moveTo !== undefined) {
      const what = { from: file.held, source };
      placed = file.isLink
        ? await placeLink(what, input.moveTo, file)
        : await placeInDir(what, input.moveTo, ops);
    }
    // The detail says where the file went, or which file was deleted (a later run tells its own from a copy's).
    await record({ ...journal, step, ok: true, detail: placed ?? source });
    await dropHeld(file, ops);
    const result: HousekeepingResult = placed
      ? { action: 'moved', path: placed }
      : { action: 'deleted', path: input.file };
    return file.isLink ? { ...result, link: true } : result;
  } catch (error) {
    // The file goes back to its name, in one place, as the failure recorded next says: a second name of the same
    // inode (or a link made here) is dropped. A copy on another device is left for the re-run to find.
    if (placed && (file.isLink || (await sameInode(file.held, placed))))
      await unlinkIfThere(placed, ops).catch(() => {});
    await release(file, ops).catch(() => {});
    await failed(errno(error) ?? 'error');
    throw error;
  }
}

/** Whether two folders are the same one (through symbolic links too, when both exist). */
async function sameFolder(a: string, b: string): Promise<boolean> {
  if (resolve(a) === resolve(b)) return true;
  try {
    return (await realpath(a)) === (await realpath(b));
  } catch {
    return false;
  }
}

/** `dir` itself if it exists, else its nearest existing ancestor; a file on the way is reported as the culprit. */
async function nearestExisting(dir: string): Promise<{ path: string; isFolder: boolean }> {
  let path = resolve(dir);
  for (;;) {
    try {
      return { path, isFolder: (await stat(path)).isDirectory() };
    } catch (error) {
      const code = errno(error);
      const parent = dirname(path);
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === path) throw error;
      path = parent;
    }
  }
}

async function writable(dir: string): Promise<string | undefined> {
  try {
    await access(dir, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (error) {
    return errno(error) ?? 'error';
  }
}

/**
 * Whether a file can be created in `dir` and removed again: a probe, created exclusively. Permission bits say little
 * (root may write everywhere, yet nothing can be created in /proc): only trying tells. The probe has one fixed name,
 * so a run killed before removing it leaves one empty file at most, which the next probe removes and creates again.
 */
async function takesFiles(dir: string): Promise<string | undefined> {
  const probe = join(dir, '.vupload-probe');
  for (let attempt = 0; ; attempt += 1) {
    try {
      await (await open(probe, 'wx', 0o600)).close();
      await unlink(probe).catch(() => {});
      return undefined;
    } catch (error) {
      // Left by a killed run, or another vupload probing right now: either way files are created there.
      if (errno(error) === 'EEXIST' && attempt < 3) await unlink(probe).catch(() => {});
      else return errno(error) === 'EEXIST' ? undefined : (errno(error) ?? 'error');
    }
  }
}

/**
 * Checks, before anything is sent, that `--move-to` / `--delete-after` will be possible once the upload is done
 * (issue 11): the target folder exists as a folder or can be created, is writable and takes a file (a probe is
 * created and removed: /proc passes every permission check as root, issue 29 item 12), and is not inside vupload's
 * config or state directory (issue 29 item 7). Throws a usage error (exit 2) naming the flag; the function it
 * returns checks each file the same way: its folder must be writable (the file is renamed and unlinked in it) and,
 * for `--move-to`, must not be the target (the file would stay where it is).
 */
export async function preflightHousekeeping(
  options: { moveTo?: string; deleteAfter?: boolean },
  env: Env,
): Promise<(file: string) => Promise<void>> {
  const { moveTo, deleteAfter } = options;
  if (moveTo === undefined && !deleteAfter) return async () => {};
  const flag = moveTo !== undefined ? `--move-to ${moveTo}` : '--delete-after';
  if (moveTo !== undefined) {
    const found = await nearestExisting(moveTo).catch((error: unknown) => {
      throw usageError(`${flag}: cannot look at the folder (${errno(error) ?? error}).`);
    });
    const target = resolve(moveTo);
    if (!found.isFolder) {
      throw usageError(
        found.path === target
          ? `${flag}: that is a file, not a folder.`
          : `${flag}: ${found.path} is a file, so the folder cannot be created.`,
        'Give a folder to move uploaded files into.',
      );
    }
    const own = await ownDirHolding(target, env);
    if (own) {
      throw usageError(
        `${flag}: is inside vupload's ${own.what} directory (${own.dir}), which holds its ` +
          `${own.what === 'config' ? 'logins and client secrets' : 'sessions and journal'}, not videos. Nothing was sent.`,
        'Give a folder outside it.',
      );
    }
    const denied = await writable(found.path);
    if (denied) {
      throw usageError(
        found.path === target
          ? `${flag}: the folder is not writable (${denied}).`
          : `${flag}: the folder cannot be created in ${found.path} (${denied}).`,
      );
    }
    const refused = await takesFiles(found.path);
    if (refused) {
      throw usageError(
        found.path === target
          ? `${flag}: no file can be created in that folder (${refused}).`
          : `${flag}: the folder cannot be created in ${found.path}: no file can be created there (${refused}).`,
        'Give a folder on a disk that vupload may write to.',
      );
    }
  }
  return async (file) => {
    const folder = dirname(resolve(file));
    if (moveTo !== undefined && (await sameFolder(folder, moveTo))) {
      throw usageError(
        `${flag}: ${file} is in that folder already, so it would stay where it is.`,
        'Give another folder.',
      );
    }
    const denied = await writable(folder);
    if (denied) {
      throw usageError(
        `${flag}: ${file} could not be removed after the upload: its folder ${folder} is not writable (${denied}).`,
      );
    }
  };
}
