// This file kills real `generator | vupload upload - …` processes (issue 29, item 5): at the final answer, and before
// each of their durable file-system changes in turn; then runs again and checks that the content became one video,
// journaled once, and that a file with that content is recognised.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { crashAt, jsonLines } from '../helpers/cli.js';
import { contentHashOf, generateBytes, sha256Of } from '../helpers/pipe-generator.js';
import { waitFor } from '../helpers/wait.js';
import { type CliEnv, cliEnv } from './env.js';
import { journal, pipeInto, videosOf } from './pipe-runner.js';

let t: CliEnv;
before(async () => {
  t = await cliEnv();
  await t.login();
});
after(() => t.close());

const SIZE = 300_000;

/** `generator SEED | vupload upload - ARGV`, killed (SIGKILL) once the sandbox has made its video, before it answered. */
async function killedAtFinalAnswer(argv: string[], seed: number): Promise<string> {
  t.sb.faults.add({ on: 'upload-chunk', delayMs: 4000 });
  const run = pipeInto(t, ['upload', '-', ...argv], SIZE, seed);
  const made = () => videosOf(t, sha256Of(SIZE, seed));
  await waitFor('the video made, its answer delayed', () => made().length === 1);
  run.child.kill('SIGKILL');
  const killed = await run;
  assert.equal(killed.code, 137, killed.stderr);
  assert.equal(killed.stdout, '', 'killed before it printed anything');
  t.sb.faults.clear();
  return made()[0]!;
}

const lines = async (id: string) => (await journal(t)).filter((e) => e.videoId === id);

describe('an upload from a pipe killed at the final answer', () => {
  test('the same command again records the video the killed run made and makes no second one; a file with that content is not uploaded', async () => {
    const id = await killedAtFinalAnswer(['--title', 'Live x'], 31);
    assert.deepEqual(await lines(id), [], 'the killed run journaled nothing');
    const again = await pipeInto(t, ['upload', '-', '--title', 'Live x', '--json'], SIZE, 31);
    assert.equal(again.code, 0, again.stderr);
    const [outcome] = jsonLines<{ id: string; alreadyUploaded: boolean; finishedEarlier: boolean }>(
      again.stdout,
    );
    assert.equal(outcome?.id, id);
    assert.equal(outcome?.alreadyUploaded, true);
    assert.equal(outcome?.finishedEarlier, true);
    assert.match(again.stderr, /An earlier upload from standard input .* was uploaded completely as /);
    assert.match(again.stderr, /by the earlier run from a pipe .*no second video was made/);
    assert.deepEqual(videosOf(t, sha256Of(SIZE, 31)), [id]);
    const [line, ...more] = await lines(id);
    assert.equal(more.length, 0);
    assert.equal(line?.contentHash, await contentHashOf(SIZE, 31));
    assert.equal(line?.size, SIZE);

    const file = join(t.dir, 'same-as-pipe.mp4');
    await writeFile(file, Buffer.concat([...generateBytes(SIZE, 31)]));
    const mark = t.sb.requests.length;
    const fromFile = await t.run(['upload', file]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(fromFile.stdout.trim(), id);
    assert.equal(t.since(mark).filter((r) => r.kind === 'upload-init').length, 0);
  });

  test('a file upload right after the kill (no pipe run in between) finds the video and uploads nothing', async () => {
    const id = await killedAtFinalAnswer(['--title', 'Then a file'], 32);
    const file = join(t.dir, 'recorded-later.mp4');
    await writeFile(file, Buffer.concat([...generateBytes(SIZE, 32)]));
    const mark = t.sb.requests.length;
    const fromFile = await t.run(['upload', file, '--title', 'Recorded later']);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal(fromFile.stdout.trim(), id);
    assert.match(fromFile.stderr, /was uploaded completely as .*recorded now/);
    assert.match(fromFile.stderr, /already uploaded/);
    assert.equal(t.since(mark).filter((r) => r.kind === 'upload-init').length, 0);
    assert.equal((await lines(id)).length, 1);
  });

  test('other content with the same title after the kill: both are kept, each once (nothing lost, nothing twice)', async () => {
    const id = await killedAtFinalAnswer(['--title', 'Daily'], 33);
    const next = await pipeInto(t, ['upload', '-', '--title', 'Daily'], SIZE, 34);
    assert.equal(next.code, 0, next.stderr);
    const newId = next.stdout.trim();
    assert.notEqual(newId, id);
    assert.match(next.stderr, new RegExp(`uploaded completely as ${id}`));
    assert.deepEqual(videosOf(t, sha256Of(SIZE, 33)), [id]);
    assert.deepEqual(videosOf(t, sha256Of(SIZE, 34)), [newId]);
    assert.equal((await lines(id)).length, 1);
    assert.equal((await lines(newId)).length, 1);
  });

  test('a run stopped before its last request: the next run says the earlier upload is discarded and uploads anew', async () => {
    // The last request is cut off before its body: the server holds the first chunk only, and makes no video.
    t.sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 0, nth: 2, times: 20 });
    const cut = await pipeInto(
      t,
      ['upload', '-', '--title', 'Cut', '--chunk-size', '256K', '--retries', '0'],
      SIZE,
      35,
    );
    assert.notEqual(cut.code, 0, cut.stderr);
    t.sb.faults.clear();
    const again = await pipeInto(t, ['upload', '-', '--title', 'Cut'], SIZE, 35);
    assert.equal(again.code, 0, again.stderr);
    assert.match(
      again.stderr,
      /was stopped after 256 KiB; a pipe cannot be resumed, so that upload is discarded/,
    );
    assert.deepEqual(videosOf(t, sha256Of(SIZE, 35)), [again.stdout.trim()]);
  });
});

describe('an upload from a pipe killed before each durable change', () => {
  test('killed before change k and run again with the same input: one video, journaled once, printed', {
    timeout: 600_000,
  }, async () => {
    const trace = join(t.dir, 'pipe-trace.txt');
    const traced = await pipeInto(t, ['upload', '-', '--title', 'Traced'], SIZE, 40, crashAt(0, { trace }));
    assert.equal(traced.code, 0, traced.stderr);
    const changes = (await readFile(trace, 'utf8')).trim().split('\n');
    assert.ok(
      changes.some((c) => /\/sessions\//.test(c)),
      `the session is saved: ${changes.join('\n')}`,
    );
    for (let k = 1; k <= changes.length; k++) {
      const seed = 100 + k;
      const killed = await pipeInto(t, ['upload', '-', '--title', `Kill ${k}`], SIZE, seed, crashAt(k));
      assert.equal(killed.code, 137, `k=${k} (${changes[k - 1]}): ${killed.stderr}`);
      const again = await pipeInto(t, ['upload', '-', '--title', `Kill ${k}`], SIZE, seed);
      assert.equal(again.code, 0, `k=${k}: ${again.stderr}`);
      const id = again.stdout.trim();
      assert.deepEqual(videosOf(t, sha256Of(SIZE, seed)), [id], `k=${k} (${changes[k - 1]})`);
      assert.equal((await lines(id)).length, 1, `k=${k}: journaled once`);
    }
  });
});
