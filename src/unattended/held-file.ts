// This file takes an uploaded file away from its name before --move-to / --delete-after act on it, proves that what
// it took is the uploaded content, and puts it back when it is not (or when a run was killed holding it).
import { createHash } from 'node:crypto';
import { type FileHandle, lstat, open, readdir, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { LockStore } from '../state/store.js';
import { hashHandle } from '../upload/content-hash.js';
import { fingerprintFile } from '../upload/fingerprint.js';
import { errno, type MoveOps, putBack, realOps, sameInode, unlinkIfThere } from './place.js';

/*
 * Why a private name (issue 29, item 1). The file at a path when the upload ends need not be the file that was
 * uploaded: another one may have been renamed over it, or it may have been edited in place with its size and
 * modification time kept. Checking first and then unlinking or linking the path leaves a gap in which the path can
 * be swapped again, and there is no unlink-if-this-inode call. rename() is the one atomic way to take a name away,
 * so housekeeping first renames the file to a private name next to it (same folder, so same file system), then
 * opens it there, checks that the handle is the inode it renamed, and hashes the handle in full. Only what is held
 * under the private name is then linked into --move-to or unlinked; whatever is found at the path later is left
 * alone. A file that is not the uploaded content is given its name back (never over another file).
 *
 * A kill while a file is held leaves it under the private name: the next run on the same file (upload, batch) or
 * the next watcher of its folder puts it back before anything else, under the lock of its content, so a live
 * vupload still holding it is never disturbed.
 */

/** The private names begin so: a dotfile (hidden from shell globs and never picked up by `vupload watch`). */
export const HELD_PREFIX = '.vupload-held.';
const NAME_MAX = 255;

/** The private name of `source` while housekeeping holds it, in the same folder. */
export function heldPath(source: string): string {
  const name = `${HELD_PREFIX}${basename(source)}`;
  if (Buffer.byteLength(name) <= NAME_MAX) return join(dirname(source), name);
  // Too long to carry the name: a hash of the path, which the same command finds again (a watcher cannot).
  return join(
    dirname(source),
    `${HELD_PREFIX}#${createHash('sha256').update(source).digest('hex').slice(0, 32)}`,
  );
}

export interface HeldFile {
  /** Where the file was, and gets back if it is not the uploaded content. */
  source: string;
  /** The private name it is held under. */
  held: string;
  /** Opened after the rename: the content that was proven (for a symbolic link, the file it leads to). */
  handle: FileHandle;
  dev: number;
  ino: number;
  /** The source was a symbolic link: the link itself is held (and moved or deleted), not the file it leads to. */
  isLink: boolean;
}

/** A file that housekeeping took, found not to be what was uploaded, and gave back: why, in words. */
export class NotUploaded extends Error {
  constructor(
    readonly why: string,
    /** Where the file is now: its own name, or `-1`… when that was taken meanwhile. */
    readonly path: string,
  ) {
    super(why);
  }
}

/** The private name is taken already: a vupload stopped while holding another file of that name left it. */
export class HeldInTheWay extends Error {
  constructor(readonly held: string) {
    super(`${held} is in the way`);
  }
}

/**
 * Takes `source` away from its name (rename to heldPath) and opens it there. Throws NotUploaded (the file put back)
 * when what was taken is neither a regular file nor a link to one; ENOENT when nothing is there; HeldInTheWay.
 */
export async function holdFile(source: string, ops: MoveOps = realOps): Promise<HeldFile> {
  const held = heldPath(source);
  // A file held by a killed run (the caller restored what it could first) is never replaced by this rename.
  if (await lstat(held).catch(() => undefined)) throw new HeldInTheWay(held);
  await (ops.rename ?? rename)(source, held);
  let handle: FileHandle | undefined;
  try {
    const taken = await lstat(held);
    if (!taken.isFile() && !taken.isSymbolicLink()) throw new Error('it is not a file any more');
    handle = await open(held, 'r');
    const opened = await handle.stat();
    if (!opened.isFile()) throw new Error('it is not a file any more');
    // The handle is the inode that was renamed (a link's target is whatever it leads to, checked by its hash).
    if (taken.isFile() && (taken.dev !== opened.dev || taken.ino !== opened.ino))
      throw new Error('it was replaced while it was being opened');
    return { source, held, handle, dev: opened.dev, ino: opened.ino, isLink: taken.isSymbolicLink() };
  } catch (error) {
    await handle?.close();
    const path = await putBack(held, source, ops);
    throw new NotUploaded((error as Error).message, path);
  }
}

/**
 * Whether the held file is exactly the content recorded as `contentHash` (and `size` bytes): hashed in full through
 * the handle taken after the rename, so the bytes compared are those of the file that will be moved or deleted. A
 * process that still had the file open from before could write into it afterwards; no other can reach it by name.
 * Returns why not, or undefined.
 */
export async function whyNotUploaded(
  file: HeldFile,
  expected: { contentHash: string; size?: number },
): Promise<string | undefined> {
  const { size } = await file.handle.stat();
  if (expected.size !== undefined && size !== expected.size)
    return `it has ${size} bytes, the upload had ${expected.size}`;
  const { hash, bytes } = await hashHandle(file.handle, expected.contentHash);
  if (expected.size !== undefined && bytes !== expected.size)
    return `it has ${bytes} bytes, the upload had ${expected.size}`;
  return hash === expected.contentHash ? undefined : 'its content differs';
}

/** Gives a held file its name back (or `-1`… if taken) and closes it; returns where it is. */
export async function release(file: HeldFile, ops: MoveOps = realOps): Promise<string> {
  await file.handle.close().catch(() => {});
  try {
    return await putBack(file.held, file.source, ops);
  } catch (error) {
    // Put back already, by another vupload that took this for a killed run's leftover (restoreHeld).
    if (errno(error) === 'ENOENT' && !(await lstat(file.held).catch(() => undefined))) return file.source;
    throw error;
  }
}

/** Removes the held name for good (after the step was recorded): the file is deleted, or lives on in --move-to. */
export async function dropHeld(file: HeldFile, ops: MoveOps = realOps): Promise<void> {
  await file.handle.close().catch(() => {});
  const now = await lstat(file.held);
  // The private name still holds what was proven (for a link: a link, whose target was proven through it).
  if (!(file.isLink ? now.isSymbolicLink() : now.dev === file.dev && now.ino === file.ino))
    throw new Error(`${file.held} changed while vupload held it`);
  await unlinkIfThere(file.held, ops);
}

/**
 * Puts back a file that a killed run left held (under heldPath(source)), unless a live vupload holds its content's
 * lock (it is working on it now). Returns where it was put (its own name, or `-1`… when that was taken), or
 * undefined when there was nothing to do.
 */
export async function restoreHeld(
  source: string,
  locks: () => Promise<LockStore>,
  ops: MoveOps = realOps,
): Promise<string | undefined> {
  const held = heldPath(source);
  if (!(await lstat(held).catch(() => undefined))) return undefined;
  // The same key as the upload job's lock (src/cli/upload/run.ts): the content's fingerprint.
  const key = await fingerprintFile(held).catch(() => `held:${source}`);
  let lock: Awaited<ReturnType<LockStore['acquire']>>;
  try {
    lock = await (await locks()).acquire({ key, label: source, wait: false });
  } catch (error) {
    if ((error as { code?: string }).code === 'locked') return undefined;
    throw error;
  }
  try {
    if (!(await lstat(held).catch(() => undefined))) return undefined;
    // Both names on one inode: a put-back killed before it removed the private name.
    if (await sameInode(held, source)) {
      await unlinkIfThere(held, ops);
      return undefined;
    }
    return await putBack(held, source, ops);
  } finally {
    await lock.release();
  }
}

/** restoreHeld for every file held in `dir` (a watched folder, at the start of a watcher); returns the paths. */
export async function restoreHeldIn(dir: string, locks: () => Promise<LockStore>): Promise<string[]> {
  const names = await readdir(dir).catch((error: unknown) => {
    if (errno(error) === 'ENOENT') return [] as string[];
    throw error;
  });
  const restored: string[] = [];
  for (const name of names) {
    if (!name.startsWith(HELD_PREFIX) || name.startsWith(`${HELD_PREFIX}#`)) continue;
    const path = await restoreHeld(join(dir, name.slice(HELD_PREFIX.length)), locks);
    if (path) restored.push(path);
  }
  return restored;
}
