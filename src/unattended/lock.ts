// This file keeps two vupload processes from working on the same file (or manifest) at once: a pid-based lock file.
import { createHash, randomUUID } from 'node:crypto';
import { unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ExitCode, interruptedError, VuploadError } from '../errors.js';
import { ensurePrivateDir } from '../fsutil.js';
import { type Clock, systemClock } from '../upload/clock.js';
import { createExclusive, type Found, inspect, takeOver } from './lock-file.js';
import { hasEnded, type ProcessIdentity, processIdentity } from './process-identity.js';

/*
 * Why not proper-lockfile: it judges a lock stale by its mtime, refreshed by a timer in the holder. A holder whose
 * event loop stalls (a laptop asleep, a long synchronous hash, a stopped process) loses its lock to a second run,
 * which then uploads the same video: the one thing these locks exist to prevent. It also keeps no pid/host, so the
 * "locked" message could not say who holds it. A lock on one host can be judged exactly instead: the holder's pid
 * is alive or not (kill(pid, 0); a zombie is not), and still the process that took the lock or a later one that
 * reuses its pid (its start time and the boot id, recorded in the lock: src/unattended/process-identity.ts). Only a
 * holder on another host (a shared state dir) is judged by a heartbeat age.
 *
 * Protocol (every step is one atomic file-system call):
 * - acquire: write the holder record to a temp file, fsync, link() it to `<dir>/<hash(key)>.lock`; link fails with
 *   EEXIST if a lock exists, so exactly one contender wins and the lock file is never seen half written.
 * - take over a stale lock with token S: first win the marker `<lock>.takeover-S-<k>` (same link() trick, k = 1, 2, …
 *   past markers whose creators died), re-read the lock, and only if it still holds S rename() a fresh lock over it.
 *   Only a marker holder may replace S, S's holder is dead, so nothing can change the lock between check and rename.
 * - release: unlink the lock if it still holds our token; heartbeat: touch its mtime while held.
 * - in one process (a batch with --concurrency, whose entries share content), a second job never takes its own
 *   process for "another vupload": it waits until the first job's lock ends (the journal then has the upload).
 */

export interface LockHolder {
  pid: number;
  host: string;
  /** ISO 8601 time the lock was taken. */
  startedAt: string;
  /** What the holder is working on (a file or manifest path), for messages. */
  label: string;
  token: string;
  /** Linux: the holder's start time (/proc/PID/stat field 22, clock ticks since boot); absent without /proc. */
  startTime?: number;
  /** Linux: /proc/sys/kernel/random/boot_id when the lock was taken. */
  bootId?: string;
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
  /** How to wait next time, for the error when busy and not waiting (the command's flag, e.g. --wait-lock). */
  howToWait?: string;
  signal?: AbortSignal;
  /** `now()` also measures the age of other hosts' heartbeats. */
  clock?: Clock;
  pollMs?: number;
  /** A lock from another host whose heartbeat is older than this is abandoned (default 10 minutes). */
  staleMs?: number;
  /** How often the holder touches its lock (default staleMs / 5; 0 = never). */
  heartbeatMs?: number;
  isAlive?: (pid: number) => boolean;
  /** The start time and boot id of a live pid (default: from /proc); undefined when unknown. */
  identify?: (pid: number) => Promise<ProcessIdentity | undefined>;
  host?: string;
  pid?: number;
  /**
   * Called once when the lock is busy and vupload waits: with `wait` set, or always when the holder is another job
   * of this same process (`sameProcess`), which is waited for rather than reported.
   */
  onWait?: (holder: LockHolder, sameProcess: boolean) => void;
}

export interface Lock {
  readonly path: string;
  readonly holder: LockHolder;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): Promise<void>;
}

/**
 * `process.kill(pid, 0)`: ESRCH means no such process; EPERM means it exists but belongs to someone else. A zombie
 * (killed, never reaped by its parent) answers too, but is not alive: /proc says so (hasEnded).
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
  return !hasEnded(pid);
}

export function lockPath(dir: string, key: string): string {
  return join(dir, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.lock`);
}

/** The error for a busy lock (exit 1), naming the holder. */
export function lockedError(label: string, holder: LockHolder, howToWait?: string): VuploadError {
  const other = holder.label && holder.label !== label ? ` (same content: ${holder.label})` : '';
  return new VuploadError(
    'locked',
    ExitCode.api,
    `Another vupload (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}) is already working on ${label}${other}.`,
    { hint: howToWait ? `Let it finish, or ${howToWait}.` : 'Let it finish, then run again.' },
  );
}

/** A lock vupload takes over by itself once it is this old, if its file cannot be read as a lock. */
export const CORRUPT_LOCK_GRACE_MS = 5_000;

/** The error for a lock file that is not a lock vupload wrote (exit 1), naming the file and what to do. */
export function corruptLockError(path: string, label: string, howToWait?: string): VuploadError {
  return new VuploadError(
    'lockCorrupt',
    ExitCode.api,
    `The lock file ${path} (for ${label}) is corrupt: it is not a lock vupload wrote, so it names no holder.`,
    {
      hint:
        `vupload takes it over once it is ${CORRUPT_LOCK_GRACE_MS / 1000} s old: run again${howToWait ? ` (or ${howToWait})` : ''}. ` +
        `If it stays, delete it (rm ${path}) while no vupload runs.`,
    },
  );
}

/** What the CLI says while it waits for `holder` (another process, or another job of this run). */
export function waitingText(label: string, holder: LockHolder, sameProcess: boolean): string {
  return sameProcess
    ? `${label} has the same content as ${holder.label}, which this run is uploading: waiting for that job.`
    : `Waiting for vupload (pid ${holder.pid} on ${holder.host}) to finish with ${label}…`;
}

/**
 * Tokens of this process's locks and lock attempts (including takeover markers), each with a promise settled when
 * it ends: a holder with our pid but a token not listed here is an earlier process that had our pid.
 */
const ownTokens = new Map<string, { ended: Promise<void>; end: () => void }>();

function newOwnToken(): string {
  const token = randomUUID();
  let end = () => {};
  const ended = new Promise<void>((resolve) => {
    end = resolve;
  });
  ownTokens.set(token, { ended, end });
  return token;
}

function endOwnToken(token: string): void {
  ownTokens.get(token)?.end();
  ownTokens.delete(token);
}

/** Waits until this process's lock (or attempt) `token` ends; an abort throws the interrupted error. */
async function waitForOwnToken(token: string, signal?: AbortSignal): Promise<void> {
  const entry = ownTokens.get(token);
  if (!entry) return;
  if (!signal) return entry.ended;
  if (signal.aborted) throw interruptedError(signal);
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(interruptedError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    void entry.ended.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

/** Takes the lock for `options.key`, waiting if asked; throws lockedError when busy and not waiting. */
export async function acquireLock(options: LockOptions): Promise<Lock> {
  const clock = options.clock ?? systemClock;
  const host = options.host ?? hostname();
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? pidAlive;
  const identify = options.identify ?? ((p: number) => processIdentity(p));
  const staleMs = options.staleMs ?? 10 * 60_000;
  const path = lockPath(options.dir, options.key);
  await ensurePrivateDir(options.dir);
  const me = await identify(pid);

  const sameProcess = (holder: LockHolder) =>
    holder.host === host && holder.pid === pid && ownTokens.has(holder.token);
  /** Whether the holder is gone: dead, an earlier process whose pid was reused, or a silent other host. */
  const isStale = async (found: Found): Promise<boolean> => {
    const holder = found.holder;
    if (!holder) return clock.now() - found.mtimeMs > CORRUPT_LOCK_GRACE_MS; // not written by vupload
    if (holder.host !== host) return clock.now() - found.mtimeMs > staleMs;
    if (holder.pid === pid) return !ownTokens.has(holder.token); // our pid, not our lock: its holder died
    if (!isAlive(holder.pid)) return true;
    if (holder.bootId !== undefined && me !== undefined && holder.bootId !== me.bootId) return true; // rebooted
    if (holder.startTime === undefined) return false; // no /proc when it was taken: the pid is all we know
    const now = await identify(holder.pid);
    return now !== undefined && now.bootId === holder.bootId && now.startTime !== holder.startTime;
  };
  const fresh = (): LockHolder => ({
    pid,
    host,
    startedAt: new Date(clock.now()).toISOString(),
    label: options.label,
    token: newOwnToken(),
    ...(me ? { startTime: me.startTime, bootId: me.bootId } : {}),
  });

  let notified = false;
  const notify = (holder: LockHolder, same: boolean) => {
    if (!notified) options.onWait?.(holder, same);
    notified = true;
  };
  for (;;) {
    if (options.signal?.aborted) throw interruptedError(options.signal);
    const mine = fresh();
    let kept = false;
    try {
      if (await createExclusive(path, mine)) {
        kept = true;
        return held(path, mine, options, clock, staleMs);
      }
      let found = await inspect(path);
      if (!found) continue; // released between our attempt and our look: try again at once
      if (await isStale(found)) {
        const outcome = await takeOver(path, found.identity, mine, isStale);
        if (outcome === 'taken') {
          kept = true;
          return held(path, mine, options, clock, staleMs);
        }
        if (outcome === 'retry') continue;
        found = outcome; // another live process is taking it over: it counts as the holder
      }
      const holder = found.holder;
      if (holder && sameProcess(holder)) {
        // Another job of this run: wait for it whatever --wait-lock says; it is not "another vupload".
        notify(holder, true);
        await waitForOwnToken(holder.token, options.signal);
        continue;
      }
      if (!options.wait)
        throw holder
          ? lockedError(options.label, holder, options.howToWait)
          : corruptLockError(path, options.label, options.howToWait);
      if (holder) notify(holder, false);
    } finally {
      if (!kept) endOwnToken(mine.token);
    }
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
      try {
        const current = await inspect(path);
        if (current?.identity === holder.token) await unlink(path).catch(() => {});
      } finally {
        endOwnToken(holder.token);
      }
    },
  };
}
