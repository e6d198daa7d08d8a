// This file gives a file a name in another folder without ever overwriting one: the move half of --move-to.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import {
  copyFile,
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  readlink,
  rename,
  stat,
  symlink,
  unlink,
} from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';

/** The file-system calls a move makes, replaceable in tests (e.g. a link() that fails with EXDEV). */
export interface MoveOps {
  link: (from: string, to: string) => Promise<void>;
  copyFile: (from: string, to: string, mode: number) => Promise<void>;
  unlink: (path: string) => Promise<void>;
  rename?: (from: string, to: string) => Promise<void>;
}

export const realOps: Required<MoveOps> = { link, copyFile, unlink, rename };
export const errno = (error: unknown) => (error as NodeJS.ErrnoException).code;
/** Errors of link() that mean "no hard link here" (another device, or a file system without them): copy instead. */
export const NO_LINK = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EMLINK', 'EOPNOTSUPP']);

/** `talk.mp4`, then `talk-1.mp4`, `talk-2.mp4`, … */
export function candidate(name: string, n: number): string {
  if (n === 0) return name;
  const ext = extname(name);
  return `${ext ? name.slice(0, -ext.length) : name}-${n}${ext}`;
}

/** A short tag of a path, for temp names that a re-run of the same file finds again. */
export const pathTag = (path: string) => createHash('sha256').update(path).digest('hex').slice(0, 8);

export async function fsync(path: string): Promise<void> {
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

export async function unlinkIfThere(path: string, ops: MoveOps = realOps): Promise<boolean> {
  try {
    await ops.unlink(path);
    return true;
  } catch (error) {
    if (errno(error) === 'ENOENT') return false;
    throw error;
  }
}

const lstatIfThere = (path: string) =>
  lstat(path).catch((error: unknown) => {
    if (errno(error) === 'ENOENT') return undefined;
    throw error;
  });

/** What is placed: the file now at `from` (housekeeping's private name), under the name `source` had. */
export interface Placing {
  from: string;
  source: string;
}

/**
 * Places the file at `from` in `dir` (created if missing) under the name of `source`, or `-1`, `-2`, … when that
 * name is taken by other content, and returns the new path; `from` stays. Never overwrites. A name that already
 * holds this file (the same inode, or the same bytes: what a run killed after placing it left) is taken as the
 * place, so a re-run finishes an interrupted move instead of making a second copy. On one file system the file gets
 * a second name (link); across devices (EXDEV), or where hard links are refused, it is copied to a temp file in
 * `dir`, fsynced, and linked to its name (renamed where even that has no hard links), so the name never holds a
 * partial copy.
 */
export async function placeInDir(what: Placing, dir: string, ops: MoveOps = realOps): Promise<string> {
  const from = resolve(what.from);
  const name = basename(what.source);
  const targetDir = resolve(dir);
  await mkdir(targetDir, { recursive: true });
  const temp = join(targetDir, `.${name}.vupload-${pathTag(resolve(what.source))}.partial`);
  let copy = false;
  let copied = false;
  let lookedAgain = 0;
  let found = false;
  try {
    for (let n = 0; n < 10_000; n += 1) {
      const target = join(targetDir, candidate(name, n));
      if (await lstatIfThere(target)) {
        if (!(await sameFile(from, target))) continue;
        found = true;
        await fsync(targetDir); // the name a killed run made may not be durable yet
        return target;
      }
      try {
        if (!copy) {
          await ops.link(from, target);
        } else {
          if (!copied) {
            await unlinkIfThere(temp, ops); // a partial copy of a killed run
            await ops.copyFile(from, temp, constants.COPYFILE_EXCL);
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
    throw new Error(`too many files named like ${name} in ${targetDir}`);
  } finally {
    // Also when an earlier run's copy was found in place: it may have been killed before removing its temp file.
    if (copy || found) await unlinkIfThere(temp, ops).catch(() => {});
  }
}

/**
 * Places the symbolic link at `from` in `dir` under the name of `source`, as a new link to the same file: a
 * relative link is re-aimed from its new folder (moved as it is, it would dangle), an absolute one kept. symlink()
 * never overwrites, so a taken name gets `-1`, `-2`, …; a name holding a link to the same file (a killed run's) is
 * taken as the place. `target` is the (dev, ino) the link must lead to.
 */
export async function placeLink(
  what: Placing,
  dir: string,
  leadsTo: { dev: number; ino: number },
): Promise<string> {
  const text = await readlink(what.from);
  const targetDir = resolve(dir);
  const aim = isAbsolute(text) ? text : relative(targetDir, resolve(dirname(resolve(what.source)), text));
  await mkdir(targetDir, { recursive: true });
  const reaches = async (path: string) => {
    const info = await stat(path).catch(() => undefined);
    return info !== undefined && info.dev === leadsTo.dev && info.ino === leadsTo.ino;
  };
  for (let n = 0; n < 10_000; n += 1) {
    const target = join(targetDir, candidate(basename(what.source), n));
    try {
      await symlink(aim, target);
    } catch (error) {
      if (errno(error) !== 'EEXIST') throw error;
      if ((await lstat(target)).isSymbolicLink() && (await reaches(target))) return target;
      continue;
    }
    if (!(await reaches(target))) {
      await unlink(target);
      throw new Error(`the link placed at ${target} does not lead to the uploaded file`);
    }
    await fsync(targetDir);
    return target;
  }
  throw new Error(`too many files named like ${basename(what.source)} in ${targetDir}`);
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

export async function sameInode(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([
    lstatIfThere(a).catch(() => undefined),
    lstatIfThere(b).catch(() => undefined),
  ]);
  return x !== undefined && y !== undefined && x.dev === y.dev && x.ino === y.ino;
}

/**
 * Gives the file at `from` back the name `to` (or `-1`, `-2`, … if that name was taken meanwhile) and removes `from`:
 * link, then unlink, so no name is ever overwritten; where link() fails, a rename to a name seen free.
 * Killed between the two, both names hold the same inode, which the next call recognises. Returns the name.
 */
export async function putBack(from: string, to: string, ops: MoveOps = realOps): Promise<string> {
  const folder = dirname(to);
  for (let n = 0; n < 10_000; n += 1) {
    const target = join(folder, candidate(basename(to), n));
    try {
      await ops.link(from, target);
    } catch (error) {
      const code = errno(error);
      if (code === 'EEXIST') {
        // Taken: by this very file (a put-back killed before its unlink), or by another one.
        if (!(await sameInode(from, target))) continue;
      } else {
        if (code === 'ENOENT') throw error; // nothing to put back
        // Getting the file back matters more than the no-overwrite primitive: any failure of link() (no hard links
        // here, or a refusal that rename may not share) falls back to a rename to a name seen free.
        if (await lstatIfThere(target)) continue;
        await (ops.rename ?? rename)(from, target);
        return target;
      }
    }
    await unlinkIfThere(from, ops);
    return target;
  }
  throw new Error(`cannot put ${from} back: too many files named like ${basename(to)}`);
}
