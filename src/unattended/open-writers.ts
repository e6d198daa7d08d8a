// This file tells, on Linux, which of some files a process still has open for writing (as fuser would, but bounded).
import { readdir, readFile, readlink } from 'node:fs/promises';

/*
 * Cost: Linux keeps no per-file list of who has it open, so the answer needs a walk over /proc/<pid>/fd of every
 * process (what fuser and lsof do). On a big host that is many thousands of readlink calls, so the walk runs only
 * for files that have otherwise settled (once per file, not per scan), stops after `budgetMs`, and reads only the
 * processes this user may read (a recorder runs as the same user; root sees all). fdinfo's `flags` (octal) say
 * whether a descriptor was opened for writing: O_WRONLY (1) or O_RDWR (2) in the access mode bits.
 */

export interface OpenWritersOptions {
  procDir?: string;
  /** Give up after this long (default 2 s): the settle time alone then decides. */
  budgetMs?: number;
  now?: () => number;
  /** Skipped (this process has the files open for reading while it uploads). */
  selfPid?: number;
}

export interface OpenWriters {
  /** Path → pid of a process that has it open for writing. */
  writers: Map<string, number>;
  /** False when /proc is missing or the budget ran out: the answer is then incomplete. */
  complete: boolean;
}

export async function findOpenWriters(
  paths: readonly string[],
  options: OpenWritersOptions = {},
): Promise<OpenWriters> {
  const proc = options.procDir ?? '/proc';
  const now = options.now ?? Date.now;
  const until = now() + (options.budgetMs ?? 2000);
  const self = String(options.selfPid ?? process.pid);
  const wanted = new Set(paths);
  const writers = new Map<string, number>();
  if (wanted.size === 0 || process.platform !== 'linux')
    return { writers, complete: process.platform === 'linux' };
  let pids: string[];
  try {
    pids = (await readdir(proc)).filter((name) => /^\d+$/.test(name) && name !== self);
  } catch {
    return { writers, complete: false };
  }
  for (const pid of pids) {
    if (now() > until) return { writers, complete: false };
    const fds = await readdir(`${proc}/${pid}/fd`).catch(() => [] as string[]);
    await Promise.all(
      fds.map(async (fd) => {
        const target = await readlink(`${proc}/${pid}/fd/${fd}`).catch(() => '');
        if (!wanted.has(target) || writers.has(target)) return;
        const info = await readFile(`${proc}/${pid}/fdinfo/${fd}`, 'utf8').catch(() => '');
        const flags = /^flags:\s*([0-7]+)/m.exec(info)?.[1];
        if (flags !== undefined && (Number.parseInt(flags, 8) & 3) !== 0) writers.set(target, Number(pid));
      }),
    );
  }
  return { writers, complete: true };
}
