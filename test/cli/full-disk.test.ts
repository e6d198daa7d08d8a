// This file tests a full disk through real vupload processes (helpers/full-disk-preload.ts): a log file that cannot
// be written costs a warning, never the upload, its result or its steps; other full places are named in the error.
import assert from 'node:assert/strict';
import { access, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { jsonLines, spawnCli } from '../helpers/cli.js';
import { fixture, repoRoot } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';
import type { CliEnv } from './env.js';
import { makeVideo } from './video-file.js';
import { startWatcher, useWatcherEnv } from './watcher.js';

const preload = join(repoRoot, 'dist/test/helpers/full-disk-preload.js');
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

let t: CliEnv;
useWatcherEnv((env) => {
  t = env;
});

/** Runs vupload in its own process with `full` (files or folders) on a full disk. */
function vupload(argv: string[], full: string[]) {
  return spawnCli(argv, {
    env: { ...t.env, VUPLOAD_TEST_FULL: full.join(':') },
    cwd: t.dir,
    nodeArgs: ['--import', preload],
  });
}

describe('a full disk', () => {
  test('under --log-file: the upload, its id on stdout, its thumbnail and its move go on; one warning names the log', async () => {
    const full = join(t.dir, 'full');
    await mkdir(full);
    const log = join(full, 'vupload.log');
    await writeFile(log, 'earlier line\n');
    const file = await makeVideo(join(t.dir, 'logged.mp4'), 300_000);
    const done = join(t.dir, 'logged-done');
    const argv = [
      'upload',
      file,
      '--thumbnail',
      fixture('thumbnail.jpg'),
      '--move-to',
      done,
      '--log-file',
      log,
    ];
    const mark = t.sb.requests.length;
    const result = await vupload(argv, [full]);
    assert.equal(result.code, 0, result.stderr);
    const id = result.stdout.trim();
    assert.match(id, /^[\w-]{11}$/);
    const sent = t.since(mark);
    assert.equal(sent.filter((r) => r.kind === 'upload-init').length, 1);
    assert.equal(sent.filter((r) => r.kind === 'thumbnail').length, 1, 'the thumbnail was set');
    assert.deepEqual(await readdir(done), ['logged.mp4'], 'the file was moved');
    assert.ok(!(await exists(file)));
    const warnings = result.stderr.split('\n').filter((l) => l.includes(log));
    assert.equal(warnings.length, 1, result.stderr);
    assert.match(
      warnings[0]!,
      /^warning: Could not write to .*: no space left on the device \(ENOSPC, write\)\./,
    );
    assert.doesNotMatch(result.stderr, /Could not write:|unexpected/);
    assert.equal(await readFile(log, 'utf8'), 'earlier line\n', 'nothing was written there');
    const history = jsonLines<{ id: string; steps: Array<{ step: string; ok: boolean }> }>(
      (await t.run(['history', '--json'])).stdout,
    ).find((h) => h.id === id);
    assert.deepEqual(history?.steps.map((s) => [s.step, s.ok]).sort(), [
      ['moved', true],
      ['thumbnail', true],
    ]);
  });

  test('under --log-file of vupload watch: the watcher starts, uploads and prints, with one warning', async () => {
    const full = join(t.dir, 'full-watch');
    const folder = join(t.dir, 'watched');
    await mkdir(full);
    await mkdir(folder);
    const log = join(full, 'watch.log');
    const w = startWatcher(t, folder, ['--log-file', log], {
      settle: '300ms',
      nodeArgs: ['--import', preload],
      env: { VUPLOAD_TEST_FULL: full },
    });
    await waitFor('the watcher to start', () => /Watching /.test(w.stderr));
    await makeVideo(join(folder, 'first.mp4'), 100_000);
    await waitFor(`first.mp4 to be uploaded:\n${w.stderr}`, () => w.ids().length === 1);
    await makeVideo(join(folder, 'second.mp4'), 100_000);
    await waitFor(`second.mp4 to be uploaded:\n${w.stderr}`, () => w.ids().length === 2);
    assert.equal(await w.stop(), 143, w.stderr);
    assert.doesNotMatch(w.stderr, /Unhandled|unexpected|at async/);
    assert.equal(w.stderr.split('\n').filter((l) => l.includes(log)).length, 1, w.stderr);
  });

  test('in the state directory: the lock, session and steps files that cannot be written are named', async () => {
    const state = t.env.VUPLOAD_STATE_DIR!;
    const cases = [
      {
        full: join(state, 'locks'),
        named: /Could not write to .*\/locks\/[0-9a-f]+\.lock\.[\w-]+\.tmp: no space/,
      },
      { full: join(state, 'sessions'), named: /Could not write to .*\/sessions\/[^ ]+\.json: no space/ },
    ];
    for (const [k, c] of cases.entries()) {
      const file = await makeVideo(join(t.dir, `state-full-${k}.mp4`), 50_000);
      await mkdir(c.full, { recursive: true });
      const result = await vupload(['upload', file], [c.full]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, c.named);
      assert.match(result.stderr, /\(ENOSPC, write\)/);
    }
    // A step recorded after the upload: the video is named with the file.
    const file = await makeVideo(join(t.dir, 'steps-full.mp4'), 50_000);
    const steps = join(state, 'steps.jsonl');
    const result = await vupload(['upload', file, '--thumbnail', fixture('thumbnail.jpg')], [steps]);
    assert.equal(result.code, 1, result.stderr);
    const id = result.stdout.trim();
    assert.match(id, /^[\w-]{11}$/);
    assert.ok(
      result.stderr.includes(`the video ${id} was uploaded, but could not write to ${steps}: no space left`),
      result.stderr,
    );
  });
});

describe("--log-file inside vupload's own directories", () => {
  test('is refused with exit 2 before anything is sent, by upload, batch, dry run and watch; the token stays whole', async () => {
    const token = join(t.env.VUPLOAD_CONFIG_DIR!, 'tokens', 'default.json');
    const before = await readFile(token, 'utf8');
    const file = await makeVideo(join(t.dir, 'own-dirs.mp4'), 50_000);
    const manifest = join(t.dir, 'own-dirs.jsonl');
    await writeFile(manifest, `${JSON.stringify({ file: 'own-dirs.mp4' })}\n`);
    const mark = t.sb.requests.length;
    for (const argv of [
      ['upload', file, '--log-file', token],
      ['upload', file, '--log-file', token, '--dry-run'],
      ['batch', manifest, '--log-file', join(t.env.VUPLOAD_STATE_DIR!, 'history.jsonl')],
      ['watch', t.dir, '--log-file', token],
    ]) {
      const result = await t.run(argv);
      assert.equal(result.code, 2, `${argv.join(' ')}:\n${result.stderr}`);
      assert.match(result.stderr, /--log-file .*: is inside vupload's (config|state) directory/);
    }
    assert.equal(t.since(mark).length, 0, 'nothing was sent');
    assert.equal(await readFile(token, 'utf8'), before);
    const after = await t.run(['upload', file, '--log-file', join(t.dir, 'own-dirs.log')]);
    assert.equal(after.code, 0, after.stderr);
    assert.equal((await stat(join(t.dir, 'own-dirs.log'))).mode & 0o777, 0o600, 'created 0600');
  });
});
