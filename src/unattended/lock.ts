// This file keeps two vupload processes from working on the same file (or manifest) at once: a pid-based lock file.
import { createHash, randomUUID } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ExitCode, VuploadError } from '../errors.js';
import { ensurePrivateDir } from '../fsutil.js';
import { type Clock, systemClock } from '../upload/clock.js';
import { interruptedError } from '../youtube/errors.js';

/*
 * Why not proper-lockfile: it judges a lock stale by its mtime, refreshed by a timer in the holder. A holder whose
 * event loop stalls (a laptop asleep, a long synchronous hash, a stopped process) loses its lock to a second run,
 * which then uploads the same video: the one thing these locks exist to prevent. It also keeps no pid/host, so the
 * "locked" message could not say who holds it. A lock on one host can be judged exactly instead: the holder's pid
 * is alive or not (kill(pid, 0)). Only a holder on another host (a shared state dir) is judged by a heartbeat age.
 *
 * Protocol (every step is one atomic file-system call):
 * - acquire: write the holder record to a temp file, fsync, link() it to `<dir>/<hash(key)>.lock`; link fails with
 *   EEXIST if a lock exists, so exactly one contender wins and the lock file is never seen half written.
 * - take over a stale lock with token S: first win the marker `<lock>.takeover-S-<k>` (same link() trick, k = 1, 2, …
 *   past markers whose creators died), re-read the lock, and only if it still holds S rename() a fresh lock over it.
 *   Only a marker holder may replace S, S's holder is dead, so nothing can change the lock between check and rename.
 * - release: unlink the lock if it still holds our token; heartbeat: touch its mtime while held.
 */

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO 8601 time the lock was taken. */
  startedAt: string;
  /** What the holder is working on (a file or manifest path), for messages. */
  label: string;
  token: string;
}

export interface LockOptions {
  /** The lock directory, e.g. `<stateDir>/locks` (created 0700). */
  dir: string;
  /** The content fingerprint of a file, or a manifest's absolute path. */
  key: string;
  /** Named in messages: the file or manifest path. */
  label: string;
  /** Wait (polling every `pollMs`) instead of failing at once with code 'locked'. */
  wait?: boolean;
  signal?: AbortSignal;
  /** `now()` also measures the age of other hosts' heartbeats. */
  clock?: Clock;
  pollMs?: number;
  /** A lock from another host whose heartbeat is older than this is abandoned (default 10 minutes). */
  staleMs?: number;
  /** How often the holder touches its lock (default staleMs / 5; 0 = never). */
  heartbeatMs?: number;
  isAlive?: (pid: number) => boolean;
  host?: string;
  pid?: number;
  /** Called once when the lock is busy and `wait` is set, so the CLI can say what it waits for. */
  onWait?: (holder: LockHolder) => void;
}

export interface Lock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): Promise<void>;
}

/** `process.kill(pid, 0)`: ESRCH means no such process; EPERM means it exists but belongs to someone else. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export function lockPath(dir: string, key: string): string {
  return join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.lock`);
}

/** The error for a busy lock (exit 1), naming the holder. */
export function lockedError(label: string, holder: LockHolder): VuploadError {
  const other = holder.label && holder.label !== label ? ` (same content: ${holder.label})` : '';
  return new VuploadError(
    'locked',
    ExitCode.api,
    `Another vupload (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}) is already working on ${label}${other}.`,
    { hint: 'Let it finish, or run again with --wait-lock to wait for it.' },
  );
}

type Found = { holder?: LockHolder; identity: string; mtimeMs: number };

/** Takes the lock for `options.key`, waiting if asked; throws lockedError when busy and not waiting. */
export async function acquireLock(options: LockOptions): Promise<Lock> {
  const clock = options.clock ?? systemClock;
  const host = options.host ?? hostname();
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? pidAlive;
  const staleMs = options.staleMs ?? 10 * 60_000;
  const path = lockPath(options.dir, options.key);
  await ensurePrivateDir(options.dir);

  const isStale = (found: Found): boolean => {
    if (!found.holder) return clock.now() - found.mtimeMs > 5_000; // unreadable: only a crash can leave one
    if (found.holder.host === host) return found.holder.pid !== pid && !isAlive(found.holder.pid);
    return clock.now() - found.mtimeMs > staleMs;
  };
  const fresh = (): LockHolder => ({
    pid,
    host,
    startedAt: new Date(clock.now()).toISOString(),
    label: options.label,
    token: randomUUID(),
  });

  let notified = false;
  for (;;) {
    if (options.signal?.aborted) throw interruptedError(options.signal);
    const mine = fresh();
    if (await createExclusive(path, mine)) return held(path, mine, options, clock, staleMs);
    let found = await inspect(path);
    if (!found) continue; // released between our attempt and our look: try again at once
    if (isStale(found)) {
      const outcome = await takeOver(path, found.identity, mine, isStale);
      if (outcome === 'taken') return held(path, mine, options, clock, staleMs);
      if (outcome === 'retry') continue;
      found = outcome; // another live process is taking it over: it counts as the holder
    }
    const holder = found.holder ?? { pid: 0, host: '?', startedAt: '?', label: '', token: found.identity };
    if (!options.wait) throw lockedError(options.label, holder);
    if (!notified) options.onWait?.(holder);
    notified = true;
    try {
      await clock.sleep(options.pollMs ?? 1000, options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw interruptedError(options.signal);
      throw error;
    }
  }
}

/** Runs `fn` holding the lock, and releases it however `fn` ends (success, failure or abort). */
export async function withLock<T>(options: LockOptions, fn: (lock: Lock) => Promise<T>): Promise<T> {
  const lock = await acquireLock(options);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}

async function writeTemp(path: string, holder: LockHolder): Promise<string> {
  const temp = `${path}.${holder.token}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(holder)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return temp;
}

/** Creates `path` holding `holder`, complete or not at all; false if it exists. */
async function createExclusive(path: string, holder: LockHolder): Promise<boolean> {
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
async function inspect(path: string): Promise<Found | undefined> {
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
async function takeOver(
  path: string,
  staleIdentity: string,
  mine: LockHolder,
  isStale: (found: Found) => boolean,
): Promise<'taken' | 'retry' | Found> {
  const marker = (k: number) => `${path}.takeover-${staleIdentity}-${k}`;
  let k = 1;
  for (; !(await createExclusive(marker(k), mine)); k += 1) {
    const other = await inspect(marker(k));
    if (other && !isStale(other)) return other;
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

function held(path: string, holder: LockHolder, options: LockOptions, clock: Clock, staleMs: number): Lock {
  let released = false;
  const every = options.heartbeatMs ?? staleMs / 5;
  const timer =
    every > 0
      ? setInterval(() => {
          const now = new Date(clock.now());
          utimes(path, now, now).catch(() => {});
        }, every)
      : undefined;
  timer?.unref();
  return {
    path,
    holder,
    async release() {
      if (released) return;
      released = true;
      if (timer) clearInterval(timer);
      const current = await inspect(path);
      if (current?.identity === holder.token) await unlink(path).catch(() => {});
    },
  };
}
