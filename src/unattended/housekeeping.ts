// This file does the cron chores after an upload: move or delete the finished file, and keep a plain log file.
import { constants } from 'node:fs';
import {
  access,
  copyFile,
  type FileHandle,
  link,
  mkdir,
  open,
  realpath,
  stat,
  unlink,
} from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { recordStep, Step } from './journal.js';

/** The file-system calls a move makes, replaceable in tests (e.g. a link() that fails with EXDEV). */
export interface MoveOps {
  link: (from: string, to: string) => Promise<void>;
  copyFile: (from: string, to: string, mode: number) => Promise<void>;
  unlink: (path: string) => Promise<void>;
}

const realOps: MoveOps = { link, copyFile, unlink };
const errno = (error: unknown) => (error as NodeJS.ErrnoException).code;

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

/**
 * Moves `file` into `dir` (created if missing) and returns its new path. Never overwrites: an existing name gets a
 * `-1`, `-2`, … suffix. On one file system a hard link plus unlink is an atomic no-overwrite rename; across devices
 * (EXDEV) or where hard links are refused, the file is copied exclusively, fsynced, and only then unlinked.
 */
export async function moveAfterUpload(file: string, dir: string, ops: MoveOps = realOps): Promise<string> {
  const source = resolve(file);
  const targetDir = resolve(dir);
  if (dirname(source) === targetDir) return source;
  await mkdir(targetDir, { recursive: true });
  let copy = false;
  for (let n = 0; n < 10_000; n += 1) {
    const target = join(targetDir, candidate(basename(source), n));
    try {
      if (copy) await ops.copyFile(source, target, constants.COPYFILE_EXCL);
      else await ops.link(source, target);
    } catch (error) {
      const code = errno(error);
      if (code === 'EEXIST') continue;
      if (!copy && (code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP' || code === 'EMLINK')) {
        copy = true;
        n -= 1; // try the same name again, by copying
        continue;
      }
      // A failed copy may leave a partial target (created by us, exclusively): remove it.
      if (copy) await ops.unlink(target).catch(() => {});
      throw error;
    }
    if (copy) await fsync(target);
    await fsync(targetDir);
    await ops.unlink(source);
    return target;
  }
  throw new Error(`too many files named like ${basename(source)} in ${targetDir}`);
}

/** Deletes the uploaded file; false if it was gone already. */
export async function deleteAfterUpload(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (error) {
    if (errno(error) === 'ENOENT') return false;
    throw error;
  }
}

export interface HousekeepingResult {
  action: 'moved' | 'deleted' | 'kept';
  /** Where the file is now (its old path when kept or deleted). */
  path: string;
}

/**
 * `--move-to` / `--delete-after`, only when `complete` (the upload and every step asked for succeeded), recorded in
 * the journal as the step `moved` (detail: the new path) or `deleted`. Anything else keeps the file where it is.
 */
export async function afterUpload(input: {
  file: string;
  videoId: string;
  stateDir: string;
  complete: boolean;
  moveTo?: string;
  deleteAfter?: boolean;
  now?: () => number;
  ops?: MoveOps;
}): Promise<HousekeepingResult> {
  if (input.moveTo !== undefined && input.deleteAfter) {
    throw usageError('--move-to and --delete-after cannot be used together.');
  }
  const journal = { stateDir: input.stateDir, videoId: input.videoId, now: input.now };
  if (!input.complete || (input.moveTo === undefined && !input.deleteAfter))
    return { action: 'kept', path: input.file };
  const step = input.moveTo !== undefined ? Step.moved : Step.deleted;
  try {
    if (input.moveTo !== undefined) {
      const path = await moveAfterUpload(input.file, input.moveTo, input.ops);
      await recordStep({ ...journal, step, ok: true, detail: path });
      return { action: 'moved', path };
    }
    await deleteAfterUpload(input.file);
    await recordStep({ ...journal, step, ok: true });
    return { action: 'deleted', path: input.file };
  } catch (error) {
    await recordStep({ ...journal, step, ok: false, reason: errno(error) ?? 'error' }).catch(() => {});
    throw error;
  }
}

// CSI sequences (colours, cursor moves) and OSC sequences (titles, hyperlinks).
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** `--log-file FILE`: appends `<ISO time> <line>` per line, plain text, in the order written. */
export class LogFile {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly now: () => number,
  ) {}

  /** Opens (creating) the file for appending; a path that cannot be opened is a usage error. */
  static async open(path: string, options: { now?: () => number } = {}): Promise<LogFile> {
    try {
      return new LogFile(path, await open(path, 'a'), options.now ?? Date.now);
    } catch (error) {
      throw usageError(`Cannot open the log file ${path} (${errno(error) ?? error}).`);
    }
  }

  /** Appends `message`, one timestamped line per line of it, with ANSI codes removed. */
  write(message: string): Promise<void> {
    const time = new Date(this.now()).toISOString();
    const lines = message
      .replace(ANSI, '')
      .split(/\r?\n/)
      .filter((line) => line !== '');
    const text = (lines.length > 0 ? lines : ['']).map((line) => `${time} ${line}\n`).join('');
    // A failed write must not stop the later ones: chain on the settled queue.
    this.queue = this.queue.catch(() => {}).then(() => this.handle.appendFile(text, 'utf8'));
    return this.queue;
  }

  async close(): Promise<void> {
    await this.queue.catch(() => {});
    await this.handle.close();
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
