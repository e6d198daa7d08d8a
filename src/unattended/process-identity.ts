// This file tells a process from a later one that reuses its pid (its start time and the boot id), and a live process
// from a zombie, read from /proc.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * A pid is reused: after the holder of a lock dies, any process (in a container, the next run's own pid 1) may get
 * its number, and `kill(pid, 0)` then says "alive" for ever. The pair below names one process for good on Linux:
 * `starttime` (field 22 of /proc/PID/stat, clock ticks since boot) cannot repeat for one pid within a boot, and the
 * boot id (/proc/sys/kernel/random/boot_id) changes at every boot. Where /proc is missing (macOS) both are unknown.
 */
export interface ProcessIdentity {
  /** Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. */
  startTime: number;
  /** /proc/sys/kernel/random/boot_id. */
  bootId: string;
}

/** Fields 3, 4, … of a /proc/PID/stat line: the command name (field 2) may hold spaces and parentheses. */
function fieldsAfterName(stat: string): string[] {
  return stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/);
}

/** Field 22 (`starttime`) of a /proc/PID/stat line. */
export function parseStartTime(stat: string): number | undefined {
  // Field 22 is the 20th after the name.
  const value = Number(fieldsAfterName(stat)[19]);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** Field 3 (`state`) of a /proc/PID/stat line: R, S, D, T, Z (zombie), X (dead), …; undefined if missing. */
export function parseState(stat: string): string | undefined {
  const state = fieldsAfterName(stat)[0];
  return state && /^[A-Za-z]$/.test(state) ? state : undefined;
}

/**
 * Whether `pid` has ended but is not reaped yet: a zombie (`Z`) or dead (`X`). `kill(pid, 0)` still succeeds for
 * it, but it runs nothing and holds nothing, and a parent that never calls wait() keeps it so for ever (issue 29).
 * False when /proc cannot tell (macOS, or the pid is gone): the caller's other checks decide then.
 */
export function hasEnded(pid: number, procRoot = '/proc'): boolean {
  try {
    const state = parseState(readFileSync(`${procRoot}/${pid}/stat`, 'utf8'));
    return state === 'Z' || state === 'X';
  } catch {
    return false;
  }
}

let bootId: Promise<string | undefined> | undefined;

/** This machine's boot id, read once; undefined without /proc. */
export function currentBootId(procRoot = '/proc'): Promise<string | undefined> {
  const read = () =>
    readFile(`${procRoot}/sys/kernel/random/boot_id`, 'utf8').then(
      (text) => text.trim() || undefined,
      () => undefined,
    );
  if (procRoot !== '/proc') return read();
  bootId ??= read();
  return bootId;
}

/** The identity of the live process `pid`, or undefined when it is gone or /proc cannot tell (macOS, hidepid). */
export async function processIdentity(pid: number, procRoot = '/proc'): Promise<ProcessIdentity | undefined> {
  const [stat, boot] = await Promise.all([
    readFile(`${procRoot}/${pid}/stat`, 'utf8').catch(() => undefined),
    currentBootId(procRoot),
  ]);
  const startTime = stat === undefined ? undefined : parseStartTime(stat);
  return startTime === undefined || boot === undefined ? undefined : { startTime, bootId: boot };
}
