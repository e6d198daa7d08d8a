// This file kills vupload before each durable change of --move-to / --delete-after and checks the re-run converges.
import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listHistory } from '../../src/unattended/journal.js';
import { crashAt, spawnCli } from '../helpers/cli.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** /dev/shm when it is another file system than `dir` (a real EXDEV for link()), else undefined. */
async function otherDevice(dir: string): Promise<string | undefined> {
  const [here, shm] = await Promise.all([stat(dir), stat('/dev/shm').catch(() => undefined)]);
  return shm && shm.dev !== here.dev ? '/dev/shm' : undefined;
}

describe('housekeeping killed at any step', { timeout: 120_000 }, () => {
  let t: CliEnv;
  let shmDir: string | undefined;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(async () => {
    await t.close();
    if (shmDir) await rm(shmDir, { recursive: true, force: true });
  });

  /**
   * Uploads a probe with a trace to learn the durable changes (counted: those in `rec/`, `target`, the steps journal
   * and lock files), then, for each change of the housekeeping and the one right after it, uploads a new file
   * killed before that change, runs the same command again and lets `check` judge the result.
   */
  async function killAtEachStep(
    name: string,
    flags: string[],
    touches: RegExp,
    check: (file: string, rerun: { code: number; stdout: string; stderr: string }) => Promise<void>,
  ): Promise<string[]> {
    const rec = join(t.dir, 'rec');
    await mkdir(rec, { recursive: true });
    const match = `${escapeRegex(rec)}/|${touches.source}|steps\\.jsonl|\\.lock$`;
    const trace = join(t.dir, `${name}.trace`);
    const probe = await makeVideo(join(rec, `${name}-probe.mp4`), 30_000);
    const tracing = crashAt(0, { trace, match });
    const traced = await spawnCli(['--file', probe, ...flags], {
      nodeArgs: tracing.nodeArgs,
      env: { ...t.env, ...tracing.env },
      cwd: t.dir,
    });
    assert.equal(traced.code, 0, traced.stderr);
    const changes = (await readFile(trace, 'utf8')).trim().split('\n');
    const steps = changes
      .map((line, i) => ({ k: i + 1, line }))
      .filter(({ line }) => line.includes(rec) || touches.test(line) || line.includes('steps.jsonl'));
    assert.ok(steps.length >= 2, `the housekeeping makes durable changes:\n${changes.join('\n')}`);
    const kills = [...steps.map((s) => s.k), steps.at(-1)!.k + 1].filter((k) => k <= changes.length);
    for (const k of kills) {
      const file = await makeVideo(join(rec, `${name}${k}.mp4`), 30_000);
      const mark = t.sb.requests.length;
      const crash = crashAt(k, { match });
      const killed = await spawnCli(['--file', file, ...flags], {
        nodeArgs: crash.nodeArgs,
        env: { ...t.env, ...crash.env },
        cwd: t.dir,
      });
      assert.equal(killed.code, 137, `killed before ${changes[k - 1]}: ${killed.stderr}`);
      const rerun = await t.run(['--file', file, ...flags]);
      // Whatever the kill left (the file in place, held under its private name, or gone with the step recorded), the
      // same command finishes: exit 0 and the id, as for a file found uploaded (issue 29, items 1 and 9).
      assert.equal(rerun.code, 0, `after a kill before ${changes[k - 1]}: ${rerun.stderr}`);
      assert.match(rerun.stdout.trim(), /^[\w-]{11}$/, `the id (kill before ${changes[k - 1]})`);
      const inits = t.since(mark).filter((r) => r.kind === 'upload-init');
      assert.equal(inits.length, 1, 'uploaded once');
      assert.ok(!(await exists(file)), `the source is gone (kill before ${changes[k - 1]})`);
      assert.deepEqual(
        (await readdir(rec)).filter((n) => n.startsWith('.vupload-')),
        [],
        `nothing held or probed is left (kill before ${changes[k - 1]})`,
      );
      await check(file, rerun);
    }
    return kills.map((k) => changes[k - 1] ?? 'the end');
  }

  /** Every change `patterns` name was among the kill points, in that order. */
  function assertKilledAt(points: string[], patterns: RegExp[]) {
    let at = 0;
    for (const pattern of patterns) {
      const found = points.findIndex((p, i) => i >= at && pattern.test(p));
      assert.ok(found >= 0, `killed before ${pattern} (in order):\n${points.join('\n')}`);
      at = found + 1;
    }
  }

  async function stepOf(file: string, step: string) {
    const item = (await listHistory(t.env.VUPLOAD_STATE_DIR!)).find((h) => h.file === file);
    assert.ok(item, `${file} is in the history`);
    const found = item.steps.find((s) => s.step === step);
    return found && { ...found, id: item.id };
  }

  async function checkMoved(dir: string, file: string, rerun: { stdout: string }) {
    const stem = file
      .split('/')
      .pop()!
      .replace(/\.mp4$/, '');
    const names = (await readdir(dir)).filter((n) => n.startsWith(`${stem}.`) || n.startsWith(`${stem}-`));
    assert.deepEqual(names, [`${stem}.mp4`], 'one file in the target, under its own name');
    assert.deepEqual(
      (await readdir(dir)).filter((n) => n.endsWith('.partial')),
      [],
      'no temp file left',
    );
    const moved = await stepOf(file, 'moved');
    assert.equal(moved?.ok, true);
    assert.equal(moved?.detail, join(dir, `${stem}.mp4`));
    assert.equal(rerun.stdout.trim(), moved?.id);
    assert.deepEqual(
      (await readdir(dir)).filter((n) => n.startsWith('.vupload-')),
      [],
      'no probe left in the target',
    );
  }

  test('--move-to on one file system: every kill point converges to one file in the target, recorded', async () => {
    const done = join(t.dir, 'done');
    const points = await killAtEachStep(
      'mv',
      ['--move-to', done],
      new RegExp(escapeRegex(done)),
      (file, rerun) => checkMoved(done, file, rerun),
    );
    // The rename to the private name, the folder, the second name, the step record, the private name's unlink.
    assertKilledAt(points, [
      /rename .*mv-probe\.mp4 -> .*\.vupload-held\.mv-probe\.mp4/,
      /mkdir .*done/,
      / link .*\.vupload-held\.mv-probe\.mp4 -> .*done/,
      /steps\.jsonl/,
      /unlink .*\.vupload-held\./,
    ]);
  });

  test('--move-to across devices (copy): every kill point converges to one whole copy, recorded', async (ctx) => {
    const shm = await otherDevice(t.dir);
    if (!shm) return ctx.skip('needs /dev/shm on another file system');
    shmDir = await mkdtemp(join(shm, 'vupload-move-'));
    const done = join(shmDir, 'done');
    const points = await killAtEachStep(
      'cp',
      ['--move-to', done],
      new RegExp(escapeRegex(done)),
      async (file, rerun) => {
        await checkMoved(done, file, rerun);
        const stem = file.split('/').pop()!;
        assert.equal((await stat(join(done, stem))).size, 30_000, 'a whole copy');
      },
    );
    assertKilledAt(points, [
      /rename .*held/,
      /copyFile .*held.* -> .*\.partial/,
      / link .*\.partial -> /,
      /unlink .*\.partial/,
      /unlink .*\.vupload-held\./,
    ]);
  });

  test('--delete-after: every kill point converges to the file deleted and the step recorded', async () => {
    const points = await killAtEachStep('rm', ['--delete-after'], /^$/, async (file, rerun) => {
      const deleted = await stepOf(file, 'deleted');
      assert.equal(deleted?.ok, true);
      assert.equal(rerun.stdout.trim(), deleted?.id);
    });
    assertKilledAt(points, [
      /rename .*rm-probe\.mp4 -> .*\.vupload-held\.rm-probe\.mp4/,
      /steps\.jsonl/,
      /unlink .*\.vupload-held\./,
    ]);
  });
});
