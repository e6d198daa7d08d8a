// This file tells a process from a later one that reuses its pid: its start time and the boot id, read from /proc.
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

/** Field 22 (`starttime`) of a /proc/PID/stat line; the command name (field 2) may hold spaces and parentheses. */
export function parseStartTime(stat: string): number | undefined {
  const fields = stat
    .slice(stat.lastIndexOf(')') + 1)
    .trim()
    .split(/\s+/);
  // After the name come fields 3, 4, …: field 22 is the 20th of them.
  const value = Number(fields[19]);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
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
