// This file pipes a real generator process into a real vupload process for tests (`node pipe-generator.js | vupload
// upload - …`), and reads back what the journal and the sandbox hold afterwards.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliResult } from '../helpers/cli.js';
import { repoRoot, vuploadBin } from '../helpers/paths.js';
import type { CliEnv } from './env.js';

const generator = join(repoRoot, 'dist/test/helpers/pipe-generator.js');

/** A running `generator | vupload`: its result, and the vupload process (to kill it). */
export type PipeRun = Promise<CliResult> & { child: ChildProcess };

/** `node pipe-generator.js SIZE SEED | vupload ARGV` in `t`'s folder and environment, plus node arguments and env. */
export function pipeInto(
  t: CliEnv,
  argv: string[],
  size: number,
  seed: number,
  extra?: { nodeArgs: string[]; env: Record<string, string> },
): PipeRun {
  const gen = spawn(process.execPath, [generator, String(size), String(seed)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const child = spawn(process.execPath, [...(extra?.nodeArgs ?? []), vuploadBin, ...argv], {
    cwd: t.dir,
    env: { PATH: process.env.PATH ?? '', ...t.env, ...extra?.env },
    stdio: [gen.stdout!, 'pipe', 'pipe'],
  });
  // The generator may still be writing into a pipe nobody reads any more.
  child.on('close', () => gen.kill('SIGKILL'));
  const done = collect(child) as PipeRun;
  done.child = child;
  return done;
}

/** What a spawned vupload printed, and its exit code (137 when killed by SIGKILL, as a shell says). */
export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) =>
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal === 'SIGKILL' ? 137 : 1), stdout, stderr }),
    ),
  );
}

/** The upload lines of `t`'s journal (history.jsonl). */
export async function journal(t: CliEnv): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(t.env.VUPLOAD_STATE_DIR!, 'history.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The videos the sandbox made, from every session the client used, whose bytes have this SHA-256. */
export function videosOf(t: CliEnv, sha256: string): string[] {
  const ids = new Set<string>();
  for (const r of t.sb.requests) {
    const videoId = r.uploadId ? t.sb.session(r.uploadId)?.videoId : undefined;
    if (videoId && t.sb.media(videoId)?.sha256 === sha256) ids.add(videoId);
  }
  return [...ids];
}
