// This file runs vupload for tests: in-process with captured streams (fast), or as a real child process.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough, type Readable, Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { CliContext } from '../../src/cli/context.js';
import { run } from '../../src/cli/main.js';
import { repoRoot, vuploadBin } from './paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

class Capture extends Writable {
  text = '';
  isTTY: boolean;
  columns = 100;
  constructor(
    tty: boolean,
    private readonly onText?: (text: string) => void,
  ) {
    super();
    this.isTTY = tty;
  }
  // What ora calls on a TTY stream.
  cursorTo(_x: number, _y?: number): boolean {
    return true;
  }
  moveCursor(_dx: number, _dy: number): boolean {
    return true;
  }
  clearLine(_dir: number): boolean {
    return true;
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    this.onText?.(chunk.toString());
    done();
  }
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Pretend stdin/stdout/stderr are terminals. */
  tty?: boolean;
  /** What the user types: all at once (a string), or a stream the test writes to as it goes. */
  stdin?: string | Readable;
  /** Sees stderr as it is written. */
  onStderr?: (text: string) => void;
  openUrl?: (url: string) => Promise<void>;
  signal?: AbortSignal;
  /** The run's clock (a sandbox's, so that waits are on it); by default real time with sleeps cut to 5 ms. */
  clock?: Pick<CliContext, 'now' | 'sleep'>;
}

/** Runs the CLI in this process; the environment is exactly `env` (nothing inherited). */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<CliResult> {
  const stdout = new Capture(Boolean(options.tty));
  const stderr = new Capture(Boolean(options.tty), options.onStderr);
  const stdin = (typeof options.stdin === 'object' ? options.stdin : new PassThrough()) as Readable & {
    isTTY?: boolean;
  };
  stdin.isTTY = Boolean(options.tty);
  if (typeof options.stdin === 'string') (stdin as PassThrough).end(options.stdin);
  const ctx: CliContext = {
    env: { TERM: 'xterm', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    stdin,
    stdout,
    stderr,
    signal: options.signal ?? new AbortController().signal,
    now: options.clock?.now ?? (() => Date.now()),
    sleep: options.clock?.sleep ?? ((ms, signal) => delay(Math.min(ms, 5), undefined, { signal })),
    random: () => 0.5,
    openUrl: options.openUrl ?? (async () => {}),
  };
  const code = await run(argv, ctx);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/**
 * Runs the real `bin/vupload.cjs` as a child process with `env` added to a minimal environment; `entry` runs another
 * script in its place (helpers/run-modules.ts: the CLI from its ES modules instead of the bundle). `stdout: 'ignore'`
 * gives the child /dev/null, a device: bin/vupload.cjs then runs the bundle even for help (docs/development.md
 * "Start-up").
 */
export function spawnCli(
  argv: string[],
  options: {
    env?: Record<string, string>;
    cwd?: string;
    stdin?: string;
    nodeArgs?: string[];
    entry?: string;
    /** A file descriptor: stdout goes there (e.g. /dev/full). */
    stdout?: 'pipe' | 'ignore' | number;
  } = {},
): Promise<CliResult> & { child: ReturnType<typeof spawn> } {
  const entry = options.entry ?? vuploadBin;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry, ...argv], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: ['pipe', options.stdout ?? 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  // Optional only for TypeScript: both are pipes, whatever stdout is.
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  // A child that exits without reading its input (help prerendered in bin/vupload.cjs exits at once) closes the pipe
  // first: the EPIPE of this write is no failure of the run, and unhandled it would end the test process.
  child.stdin?.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  child.stdin?.end(options.stdin ?? '');
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr });
    });
  }) as Promise<CliResult> & { child: ReturnType<typeof spawn> };
  done.child = child;
  return done;
}

/**
 * Node arguments and env that kill a spawned vupload before its k-th durable file-system change (k = 0: only trace
 * the changes into `trace`); see crash-preload.ts. `match` limits counting to `<op> <path>` lines it matches;
 * `errno` (e.g. ENOSPC) makes change k fail with that error instead of killing the process.
 */
export function crashAt(
  k: number,
  options: { trace?: string; match?: string; errno?: string } = {},
): { nodeArgs: string[]; env: Record<string, string> } {
  return {
    nodeArgs: ['--import', join(repoRoot, 'dist/test/helpers/crash-preload.js')],
    env: {
      VUPLOAD_CRASH_AT: String(k),
      ...(options.trace ? { VUPLOAD_CRASH_TRACE: options.trace } : {}),
      ...(options.match ? { VUPLOAD_CRASH_MATCH: options.match } : {}),
      ...(options.errno ? { VUPLOAD_CRASH_ERRNO: options.errno } : {}),
    },
  };
}

/** The objects of --json output: one JSON object per line (docs/output.md "JSON output"). */
export function jsonLines<T = Record<string, unknown>>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** Matches any ANSI escape sequence (colours, cursor movement). */
export const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/;
