// This file decides when a file in a watched folder is complete: its size and mtime unchanged for the settle time.
import { usageError } from '../errors.js';
import type { FolderEntry } from './folder-scan.js';

/** `--settle 30s`: a number with ms, s, m or h (a bare number is seconds). */
export function parseDuration(text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!match)
    throw usageError(`${flag}: cannot read "${text}" as a duration.`, 'Examples: 300ms, 30s, 2m, 1h.');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's').toLowerCase() as 'ms'];
  return Math.round(Number(match[1]) * unit);
}

type Phase = 'settling' | 'running' | 'done' | 'waiting';

interface Tracked {
  size: number;
  mtimeMs: number;
  /** When this size and mtime were first seen. */
  since: number;
  phase: Phase;
  /** Not before this time (after a failure, or while another process holds the file). */
  notBefore: number;
  failures: number;
}

/**
 * What a watcher knows of each file. A file is ready once it has been seen with the same size and mtime for
 * `settleMs`; any change starts the wait again, also for a file already handled (new content at the same name).
 */
export class SettleTracker {
  private readonly files = new Map<string, Tracked>();

  constructor(private readonly settleMs: number) {}

  /** Takes a scan's result; files no longer there are forgotten. Returns the paths seen for the first time. */
  observe(entries: readonly FolderEntry[], now: number): string[] {
    const seen = new Set<string>();
    const fresh: string[] = [];
    for (const { path, size, mtimeMs } of entries) {
      seen.add(path);
      const known = this.files.get(path);
      if (!known) {
        this.files.set(path, { size, mtimeMs, since: now, phase: 'settling', notBefore: 0, failures: 0 });
        fresh.push(path);
      } else if (known.size !== size || known.mtimeMs !== mtimeMs) {
        Object.assign(known, { size, mtimeMs, since: now });
        if (known.phase === 'done') Object.assign(known, { phase: 'settling', failures: 0, notBefore: 0 });
      }
    }
    for (const [path, known] of this.files)
      if (!seen.has(path) && known.phase !== 'running') this.files.delete(path);
    return fresh;
  }

  /** Files unchanged for the settle time, not handled yet and not waiting for a retry, oldest first. */
  ready(now: number): string[] {
    return [...this.files.entries()]
      .filter(([, f]) => (f.phase === 'settling' || f.phase === 'waiting') && now - f.since >= this.settleMs)
      .filter(([, f]) => now >= f.notBefore)
      .sort((a, b) => a[1].since - b[1].since)
      .map(([path]) => path);
  }

  /** Still being written (open for writing by a process): the settle time starts again. */
  restart(path: string, now: number): void {
    const f = this.files.get(path);
    if (f) f.since = now;
  }

  start(path: string): void {
    const f = this.files.get(path);
    if (f) f.phase = 'running';
  }

  /** Uploaded, found uploaded already, or gone: not looked at again unless its size or mtime changes. */
  done(path: string): void {
    const f = this.files.get(path);
    if (f) f.phase = 'done';
  }

  /**
   * It changed while it was being uploaded: new content, which settles again from `now` (the next scans restart the
   * wait while it keeps changing) and is then uploaded like a file just found.
   */
  changed(path: string, now: number): void {
    const f = this.files.get(path);
    if (f) Object.assign(f, { phase: 'settling', since: now, failures: 0, notBefore: 0 });
  }

  /** A failure: tried again after `delayMs`; returns how many failures in a row this file had. */
  failed(path: string, now: number, delayMs: number): number {
    const f = this.files.get(path);
    if (!f) return 0;
    f.failures++;
    Object.assign(f, { phase: 'waiting', notBefore: now + delayMs });
    return f.failures;
  }

  /** Busy elsewhere (another vupload holds its lock): looked at again after `delayMs`, not counted as a failure. */
  later(path: string, now: number, delayMs: number): void {
    const f = this.files.get(path);
    if (f) Object.assign(f, { phase: 'waiting', notBefore: now + delayMs });
  }

  failures(path: string): number {
    return this.files.get(path)?.failures ?? 0;
  }

  get running(): number {
    return [...this.files.values()].filter((f) => f.phase === 'running').length;
  }
}

/** Backoff of a failing file: the settle time (at least 1 s), doubled per failure, at most an hour, with jitter. */
export function retryAfterFailure(failures: number, settleMs: number, random: () => number): number {
  const base = Math.max(settleMs, 1000) * 2 ** Math.max(0, failures - 1);
  return Math.round(Math.min(base, 3_600_000) * (0.75 + random() / 2));
}
