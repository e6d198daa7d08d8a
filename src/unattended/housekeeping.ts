// This file does the cron chores after an upload: move or delete the finished file (the log file: log-file.ts).
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import {
  access,
  copyFile,
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  realpath,
  rename,
  stat,
  unlink,
} from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import type { StateJournal } from '../state/store.js';
import { recordStep, Step } from './journal.js';

/** The file-system calls a move makes, replaceable in tests (e.g. a link() that fails with EXDEV). */
export interface MoveOps {
  link: (from: string, to: string) => Promise<void>;
  copyFile: (from: string, to: string, mode: number) => Promise<void>;
  unlink: (path: string) => Promise<void>;
  rename?: (from: string, to: string) => Promise<void>;
}

const realOps: Required<MoveOps> = { link, copyFile, unlink, rename };
const errno = (error: unknown) => (error as NodeJS.ErrnoException).code;
/** Errors of link() that mean "no hard link here" (another device, or a file system without them): copy instead. */
const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EMLINK', 'EOPNOTSUPP']);

/** `talk.mp4`, then `talk-1.mp4`, `talk-2.mp4`, … */
function candidate(name: string, n: number): string {
  if (n === 0) return name;
  const ext = extname(name);
  return `${ext ? name.slice(0, -ext.length) : name}-${n}${ext}`;
}

async function fsync(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // Directories cannot be opened for fsync everywhere; the data itself was synced before.
  } finally {
    await handle?.close();
  }
}

async function unlinkIfThere(path: string, ops: MoveOps): Promise<boolean> {
  try {
    await ops.unlink(path);
    return true;
  } catch (error) {
    if (errno(error) === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Places `file` in `dir` (created if missing) under its own name, or `-1`, `-2`, … when that name is taken by other
 * content, and returns the new path; the source stays. Never overwrites. A name that already holds this file (the
 * same inode, or the same bytes: what a run killed after placing it left) is taken as the place, so a re-run
 * finishes an interrupted move instead of making a second copy. On one file system the file gets a second name
 * (link); across devices (EXDEV), or where hard links are refused, it is copied to a temp file in `dir`, fsynced,
 * and linked to its name (renamed where even that has no hard links), so the name never holds a partial copy.
 */
export async function placeInDir(file: string, dir: string, ops: MoveOps = realOps): Promise<string> {
  const source = resolve(file);
  const targetDir = resolve(dir);
  if (dirname(source) === targetDir) return source;
  await mkdir(targetDir, { recursive: true });
  const tag = createHash('sha256').update(source).digest('hex').slice(0, 8);
  const temp = join(targetDir, `.${basename(source)}.vupload-${tag}.partial`);
  let copy = false;
  let copied = false;
  let lookedAgain = 0;
  let found = false;
  try {
    for (let n = 0; n < 10_000; n += 1) {
      const target = join(targetDir, candidate(basename(source), n));
      const taken = await lstat(target).catch((error: unknown) => {
        if (errno(error) === 'ENOENT') return undefined;
        throw error;
      });
      if (taken) {
        if (!(await sameFile(source, target))) continue;
        found = true;
        await fsync(targetDir); // the name a killed run made may not be durable yet
        return target;
      }
      try {
        if (!copy) {
          await ops.link(source, target);
        } else {
          if (!copied) {
            await unlinkIfThere(temp, ops); // a partial copy of a killed run
            await ops.copyFile(source, temp, constants.COPYFILE_EXCL);
            await fsync(temp);
            copied = true;
          }
          await linkOrRename(temp, target, ops);
        }
      } catch (error) {
        const code = errno(error);
        if (code === 'EEXIST' && lookedAgain++ < 100) {
          n -= 1; // the name was taken meanwhile: look at it again
          continue;
        }
        if (!copy && code !== undefined && NO_LINK.has(code)) {
          copy = true;
          n -= 1; // try the same name again, by copying
          continue;
        }
        throw error;
      }
      await fsync(targetDir);
      return target;
    }
    throw new Error(`too many files named like ${basename(source)} in ${targetDir}`);
  } finally {
    // Also when an earlier run's copy was found in place: it may have been killed before removing its temp file.
    if (copy || found) await unlinkIfThere(temp, ops).catch(() => {});
  }
}

/** link(temp, target); where the file system has no hard links, a rename after the caller saw no `target`. */
async function linkOrRename(temp: string, target: string, ops: MoveOps): Promise<void> {
  try {
    await ops.link(temp, target);
  } catch (error) {
    const code = errno(error);
    if (code === undefined || !NO_LINK.has(code)) throw error;
    // No no-overwrite primitive here: the name was free a moment ago, and the per-content lock keeps other runs
    // of this file away; only an unrelated writer of the same name in the same instant could be replaced.
    await (ops.rename ?? rename)(temp, target);
  }
}

/** The same file: one inode under two names, or two regular files with the same bytes (a copy across devices). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([lstat(a), lstat(b)]);
  if (x.dev === y.dev && x.ino === y.ino) return true;
  if (!x.isFile() || !y.isFile() || x.size !== y.size) return false;
  const [p, q] = await Promise.all([open(a, 'r'), open(b, 'r')]);
  try {
    const size = 1024 * 1024;
    const [bufA, bufB] = [Buffer.alloc(size), Buffer.alloc(size)];
    for (let offset = 0; offset < x.size; offset += size) {
      const [ra, rb] = await Promise.all([p.read(bufA, 0, size, offset), q.read(bufB, 0, size, offset)]);
      if (
        ra.bytesRead !== rb.bytesRead ||
        !bufA.subarray(0, ra.bytesRead).equals(bufB.subarray(0, rb.bytesRead))
      )
        return false;
      if (ra.bytesRead === 0) break;
    }
    return true;
  } finally {
    await Promise.all([p.close(), q.close()]);
  }
}

/** Moves `file` into `dir` (placeInDir, then the source is removed) and returns its new path. */
export async function moveAfterUpload(file: string, dir: string, ops: MoveOps = realOps): Promise<string> {
  const target = await placeInDir(file, dir, ops);
  if (target !== resolve(file)) await unlinkIfThere(resolve(file), ops);
  return target;
}

/** Deletes the uploaded file; false if it was gone already. */
export async function deleteAfterUpload(file: string, ops: MoveOps = realOps): Promise<boolean> {
  return unlinkIfThere(file, ops);
}

export interface HousekeepingResult {
  action: 'moved' | 'deleted' | 'kept';
  /** Where the file is now (its old path when kept or deleted). */
  path: string;
}

/**
 * `--move-to` / `--delete-after`, only when `complete` (the upload and every step asked for succeeded), recorded in
 * the journal as the step `moved` (detail: the new path) or `deleted`. Anything else keeps the file where it is.
 *
 * Crash order: the step is recorded once the file is durably in its new place (moved) or right before the unlink
 * (deleted), and the source is unlinked last. Killed at any point, the same command again converges: the file is
 * still at the source, so the re-run finds the upload in the journal, finds its copy in the target (placeInDir),
 * records the step and unlinks the source; killed after the unlink, the journal already holds the step.
 */
export async function afterUpload(input: {
  file: string;
  videoId: string;
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
  const ops = input.ops ?? realOps;
  const source = resolve(input.file);
  let placed: string | undefined;
  try {
    if (input.moveTo !== undefined) placed = await placeInDir(source, input.moveTo, ops);
    await record({ ...journal, step, ok: true, ...(placed ? { detail: placed } : {}) });
    if (placed !== source) await unlinkIfThere(source, ops);
    return placed ? { action: 'moved', path: placed } : { action: 'deleted', path: input.file };
  } catch (error) {
    // The source stays (it could not be removed, or the step not recorded): drop the second name of the same
    // inode, so the file is in one place, as the failure recorded next says. A copy is left for the re-run to find.
    if (placed && placed !== source && (await sameInode(source, placed))) {
      await unlinkIfThere(placed, ops).catch(() => {});
    }
    await record({ ...journal, step, ok: false, reason: errno(error) ?? 'error' }).catch(() => {});
    throw error;
  }
}

async function sameInode(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([lstat(a).catch(() => undefined), lstat(b).catch(() => undefined)]);
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
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
 * Checks, before anything is sent, that `--move-to` / `--delete-after` will be possible once the upload is done
 * (issue 11): the target folder exists as a folder or can be created, and is writable. Throws a usage error (exit 2)
 * naming the flag; the function it returns checks each file the same way: its folder must be writable (the file is
 * unlinked from it) and, for `--move-to`, must not be the target (the file would stay where it is).
 */
export async function preflightHousekeeping(options: {
  moveTo?: string;
  deleteAfter?: boolean;
}): Promise<(file: string) => Promise<void>> {
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
    const denied = await writable(found.path);
    if (denied) {
      throw usageError(
        found.path === target
          ? `${flag}: the folder is not writable (${denied}).`
          : `${flag}: the folder cannot be created in ${found.path} (${denied}).`,
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
