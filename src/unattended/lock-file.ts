// This file holds the lock protocol's file steps: write a holder record complete or not at all, read one, take over.
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { naming } from '../fs-errors.js';
import type { LockHolder } from './lock.js';

/** A lock file as found: its holder (undefined when unreadable), identity (token, or inode and mtime) and mtime. */
export type Found = { holder?: LockHolder; identity: string; mtimeMs: number };

/** Writes `holder` to a fresh temp file beside `path` and fsyncs it; returns the temp path (removed on failure). */
async function writeTemp(path: string, holder: LockHolder): Promise<string> {
  const temp = `${path}.${holder.token}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    // A full disk fails the write, whose error names no file: the lock's temp file is named.
    await naming(temp, async () => {
      try {
        await handle.writeFile(`${JSON.stringify(holder)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  return temp;
}

/** Creates `path` holding `holder`, complete or not at all; false if it exists. */
export async function createExclusive(path: string, holder: LockHolder): Promise<boolean> {
  const temp = await writeTemp(path, holder);
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/** The lock's holder and identity (its token, or for an unreadable file its inode and mtime); undefined if gone. */
export async function inspect(path: string): Promise<Found | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    let holder: LockHolder | undefined;
    try {
      const parsed = JSON.parse(text) as Partial<LockHolder>;
      if (
        typeof parsed.pid === 'number' &&
        typeof parsed.host === 'string' &&
        typeof parsed.token === 'string'
      ) {
        holder = parsed as LockHolder;
        // An identity of the wrong type counts as none recorded (the pid alone decides).
        if (typeof holder.startTime !== 'number' || typeof holder.bootId !== 'string') {
          delete holder.startTime;
          delete holder.bootId;
        }
      }
    } catch {
      holder = undefined;
    }
    return {
      holder,
      identity: holder?.token ?? `corrupt-${info.ino}-${info.mtimeMs}`,
      mtimeMs: info.mtimeMs,
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** 'taken': the lock is ours; 'retry': it changed meanwhile, look again; a marker: a live process is taking over. */
export async function takeOver(
  path: string,
  staleIdentity: string,
  mine: LockHolder,
  isStale: (found: Found) => Promise<boolean>,
): Promise<'taken' | 'retry' | Found> {
  const marker = (k: number) => `${path}.takeover-${staleIdentity}-${k}`;
  let k = 1;
  for (; !(await createExclusive(marker(k), mine)); k += 1) {
    const other = await inspect(marker(k));
    if (other && !(await isStale(other))) return other;
    if (k >= 100) throw new Error(`cannot take over the lock ${path}: remove ${marker(1)}… by hand`);
  }
  const removeMarkers = async () => {
    for (let i = 1; i <= k; i += 1) await unlink(marker(i)).catch(() => {});
  };
  try {
    const current = await inspect(path);
    if (current?.identity !== staleIdentity) return 'retry'; // replaced or released already
    const temp = await writeTemp(path, mine);
    await rename(temp, path).catch(async (error: unknown) => {
      await unlink(temp).catch(() => {});
      throw error;
    });
    return 'taken';
  } finally {
    await removeMarkers();
  }
}
