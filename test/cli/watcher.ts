// This file starts real `vupload watch` processes for tests: what they print as it comes, and how they exited.
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before } from 'node:test';
import { vuploadBin } from '../helpers/paths.js';
import { type CliEnv, cliEnv } from './env.js';

const running = new Set<ChildProcess>();

export class Watcher {
  stdout = '';
  stderr = '';
  /** The exit code; 137 when killed by SIGKILL (as a shell says). */
  readonly exited: Promise<number>;
  constructor(readonly child: ChildProcess) {
    running.add(child);
    child.stdout!.on('data', (d: Buffer) => {
      this.stdout += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
    });
    this.exited = new Promise((resolve) =>
      child.on('close', (code, signal) => {
        running.delete(child);
        resolve(code ?? (signal === 'SIGKILL' ? 137 : 1));
      }),
    );
  }
  /** The lines of stdout: ids, or JSON objects with --json. */
  ids(): string[] {
    return this.stdout.split('\n').filter(Boolean);
  }
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
    this.child.kill(signal);
    return this.exited;
  }
}

/** `vupload watch DIR --settle SETTLE ARGV…` in `t`'s directory and environment, plus node arguments and env (a crash preload). */
export function startWatcher(
  t: CliEnv,
  dir: string,
  argv: string[],
  options: { settle: string; nodeArgs?: string[]; env?: Record<string, string> },
): Watcher {
  return new Watcher(
    spawn(
      process.execPath,
      [...(options.nodeArgs ?? []), vuploadBin, 'watch', dir, '--settle', options.settle, ...argv],
      {
        cwd: t.dir,
        env: { PATH: process.env.PATH ?? '', ...t.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    ),
  );
}

/** Kills every watcher a failed test left running, so the test process can end. */
export function killWatchers(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * A logged-in CLI environment for a test file's watchers, handed to `use` before its tests; afterwards any watcher
 * left running is killed and the environment closed.
 */
export function useWatcherEnv(use: (t: CliEnv) => void): void {
  let t: CliEnv | undefined;
  before(async () => {
    t = await cliEnv();
    await t.login();
    use(t);
  });
  after(() => {
    killWatchers();
    return t?.close();
  });
}
