// This file swaps or edits a file on disk while a real vupload uploads it, and checks that --move-to / --delete-after
// leave it alone: housekeeping acts only on the content that was uploaded (issue 29, item 1).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listHistory } from '../../src/unattended/journal.js';
import { spawnCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';
import { killWatchers, startWatcher } from './watcher.js';

describe('housekeeping acts only on the uploaded content', { timeout: 120_000 }, () => {
  let t: CliEnv;
  before(async () => {
    // Processing takes long enough for the test to change the file between the upload and the housekeeping.
    t = await cliEnv({ processingMs: 1500 });
    await t.login();
  });
  after(async () => {
    killWatchers();
    await t.close();
  });

  /** Once YouTube is asked about processing (the upload is over), `change` runs. */
  async function duringProcessing(mark: number, change: () => Promise<void>): Promise<void> {
    await waitFor('the processing poll', () =>
      t.since(mark).some((r) => r.method === 'GET' && r.path === '/youtube/v3/videos'),
    );
    await change();
  }

  /** A real vupload with `flags` on `file`; `change` runs while its video is processed. */
  async function uploadChanging(file: string, flags: string[], change: () => Promise<void>) {
    const mark = t.sb.requests.length;
    const running = spawnCli(['upload', file, '--wait', ...flags], { env: t.env, cwd: t.dir });
    await duringProcessing(mark, change);
    const result = await running;
    return { ...result, inits: t.since(mark).filter((r) => r.kind === 'upload-init').length };
  }

  async function steps(id: string) {
    return (await listHistory(t.env.VUPLOAD_STATE_DIR!)).find((h) => h.id === id)?.steps ?? [];
  }

  test('--delete-after leaves a file another one was renamed over during processing: exit 1, why', async () => {
    const file = await makeVideo(join(t.dir, 'talk.mp4'), 200_000);
    const other = await makeVideo(join(t.dir, 'other.webm'), 150_000);
    const otherBytes = await readFile(other);
    const result = await uploadChanging(file, ['--delete-after'], () => rename(other, file));
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.inits, 1);
    const id = result.stdout.trim();
    assert.match(id, /^[\w-]{11}$/, 'the id is still the result');
    assert.ok((await readFile(file)).equals(otherBytes), 'the file that was never uploaded is intact');
    assert.match(result.stderr, /talk\.mp4 was left where it is: .*not the content uploaded as/);
    assert.doesNotMatch(result.stderr, /Deleted/);
    assert.ok(!(await steps(id)).some((s) => s.step === 'deleted' && s.ok), 'no deletion recorded');
  });

  test('--move-to leaves a swapped file in place and moves nothing into the folder', async () => {
    const file = await makeVideo(join(t.dir, 'keynote.mp4'), 200_000);
    const other = await makeVideo(join(t.dir, 'keynote-new.mp4'), 200_000);
    const otherBytes = await readFile(other);
    const done = join(t.dir, 'done');
    const result = await uploadChanging(file, ['--move-to', done], () => rename(other, file));
    assert.equal(result.code, 1, result.stderr);
    const id = result.stdout.trim();
    assert.ok((await readFile(file)).equals(otherBytes), 'still in place, unchanged');
    assert.deepEqual(existsSync(done) ? await readdir(done) : [], [], 'nothing in the --move-to folder');
    assert.match(result.stderr, /keynote\.mp4 was left where it is: .*not the content uploaded as/);
    assert.ok(!(await steps(id)).some((s) => s.step === 'moved' && s.ok), 'no move recorded');
  });

  test('--delete-after leaves a file edited in place with its size and modification time kept (touch -r)', async () => {
    const file = await makeVideo(join(t.dir, 'edited.mp4'), 300_000);
    const { atime, mtime } = await stat(file);
    const patch = randomBytes(1000);
    const result = await uploadChanging(file, ['--delete-after'], async () => {
      const handle = await open(file, 'r+');
      await handle.write(patch, 0, patch.length, 100_000);
      await handle.close();
      await utimes(file, atime, mtime);
    });
    assert.equal(result.code, 1, result.stderr);
    assert.ok(existsSync(file), 'not deleted');
    assert.ok((await readFile(file)).subarray(100_000, 101_000).equals(patch), 'with its edit');
    assert.equal(Math.round((await stat(file)).mtimeMs), mtime.getTime(), 'its modification time kept');
    assert.match(result.stderr, /edited\.mp4 was left where it is/);
  });

  test('vupload watch --move-to leaves a file swapped during processing where it is', async () => {
    const folder = join(t.dir, 'rec');
    const done = join(t.dir, 'rec-done');
    await mkdir(folder);
    const file = await makeVideo(join(folder, 'stream.mp4'), 200_000);
    const other = await makeVideo(join(t.dir, 'stream-other.mp4'), 180_000);
    const otherBytes = await readFile(other);
    const mark = t.sb.requests.length;
    const w = startWatcher(t, folder, ['--wait', '--move-to', done], { settle: '200ms' });
    await duringProcessing(mark, () => rename(other, file));
    await waitFor(`the watcher to leave the file:\n${w.stderr}`, () => /was left where it is/.test(w.stderr));
    assert.equal(await w.stop(), 143, w.stderr);
    const [first] = await listHistory(t.env.VUPLOAD_STATE_DIR!).then((h) => h.filter((i) => i.file === file));
    assert.ok(first, 'the first upload is journaled');
    assert.ok(!first.steps.some((s) => s.step === 'moved' && s.ok), 'its move is not recorded');
    // Anything in the folder holds its own upload's content: the swapped file is never passed off as the first.
    for (const name of existsSync(done) ? await readdir(done) : []) {
      assert.ok(!(await readFile(join(done, name))).equals(otherBytes) || w.ids().length > 1);
    }
    assert.ok(existsSync(file) || w.ids().length > 1, 'left where it is (or uploaded as itself)');
  });
});
