// This file runs the conformance scenarios: per provider a started harness in a folder of its own, one test per
// scenario (and send mode) named `ROW · PROVIDER` (scripts/conformance-table.mjs reads the names), exemptions
// reported as skips with their reason, and the checks every scenario shares.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { loadProvider, type ProviderName } from '../../../src/providers/registry.js';
import { type CliResult, type RunOptions, runCli } from '../../helpers/cli.js';
import type { ConformanceHarness, RunningProvider, SendMode } from '../harness.js';
import { HARNESSES } from '../harnesses.js';
import type { Scenario } from './scenarios.js';

/** Real time plus every sleep of the in-process runs, skipped: the sandbox and the command share it. */
export class SkipClock {
  private skipped = 0;
  now = (): number => Date.now() + this.skipped;
  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    this.skipped += ms;
    // A moment for real, so that a loop of sleeps still lets the sandbox answer.
    await delay(1, undefined, { signal });
  };
}

/** One provider, started for one test file. */
export interface Subject {
  h: ConformanceHarness;
  p: RunningProvider;
  /** The test file's folder for this provider (HOME, config and state are inside). */
  dir: string;
  clock: SkipClock;
  /** vupload in this process, with the provider's env and the shared clock. */
  run(
    argv: string[],
    options?: Omit<RunOptions, 'env' | 'clock'> & { env?: Record<string, string> },
  ): Promise<CliResult>;
}

/** The row of the table a test stands for: the scenario id, with the send mode when it has modes. */
export const rowOf = (s: Scenario, mode?: SendMode): string => (mode ? `${s.id} (${mode})` : s.id);

/** Why `h` is exempt from `s` (in `mode`), if it is: by the scenario's id, its group, or the send mode. */
export function exemption(h: ConformanceHarness, s: Scenario, mode?: SendMode): string | undefined {
  return h.exempt[s.id] ?? h.exempt[s.group] ?? (mode ? h.exempt[mode] : undefined);
}

/**
 * For every provider: starts its harness before the tests (in a folder of its own) and closes it after, and calls
 * `body` to declare the tests, handing it the started provider through `subject()`.
 */
export function forEachProvider(body: (subject: () => Subject, h: ConformanceHarness) => void): void {
  for (const h of HARNESSES) {
    describe(`conformance: ${h.name}`, { timeout: 300_000 }, () => {
      let subject: Subject | undefined;
      before(async () => {
        const dir = await mkdtemp(join(tmpdir(), `vupload-conformance-${h.name}-`));
        const clock = new SkipClock();
        const p = await h.start(dir, { now: clock.now });
        subject = {
          h,
          p,
          dir,
          clock,
          run: (argv, options = {}) =>
            runCli(argv, { cwd: dir, ...options, clock, env: { ...p.env, ...options.env } }),
        };
      });
      after(async () => {
        await subject?.p.close();
        if (subject) await rm(subject.dir, { recursive: true, force: true });
      });
      body(() => subject!, h);
    });
  }
}

/** Declares the test of `s` (in `mode`) for `h`: skipped with the reason when exempt. */
export function scenarioTest(
  h: ConformanceHarness,
  s: Scenario,
  mode: SendMode | undefined,
  fn: (t: TestContext) => Promise<void>,
): void {
  const name = `${rowOf(s, mode)} · ${h.name}`;
  const reason = exemption(h, s, mode);
  if (reason) test(name, { skip: `exempt: ${reason}` }, () => {});
  else test(name, fn);
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
export const fileSha = async (path: string): Promise<string> => sha256(await readFile(path));

/**
 * The server holds exactly one video of these bytes, and it is `id` (printed by the command): nothing lost, nothing
 * twice. With `videosBefore` (the server's list before the command), the command made at most this one video.
 */
export async function assertOneVideo(
  p: RunningProvider,
  sha: string,
  id: string,
  what: string,
  videosBefore?: Array<{ id: string }>,
): Promise<void> {
  const videos = await p.videos();
  const same = videos.filter((v) => v.sha256 === sha);
  assert.equal(
    same.length,
    1,
    `${what}: ${same.length} videos of these bytes on the server (${JSON.stringify(same)})`,
  );
  assert.equal(same[0]!.id, id, `${what}: the printed id is the video's`);
  if (!videosBefore) return;
  const known = new Set(videosBefore.map((v) => v.id));
  const created = videos.filter((v) => !known.has(v.id));
  assert.ok(created.length <= 1, `${what}: ${created.length} new videos (${JSON.stringify(created)})`);
}

/**
 * The arguments of a send mode: chunks are asked for with --chunk-size where the provider honours it; otherwise its
 * protocol always sends chunks, of the size its sandbox was started with.
 */
export async function modeArgs(h: ConformanceHarness, mode: SendMode): Promise<string[]> {
  if (mode !== 'chunks') return [];
  const provider = await loadProvider(h.name as ProviderName);
  return provider.uploadFlags.has('chunkSize') ? ['--chunk-size', String(h.chunk)] : [];
}
