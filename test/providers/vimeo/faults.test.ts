// This file uploads to the Vimeo emulator through its fault injection (around @tus/server): the server's offset is
// the truth, retries honour Retry-After, and whatever happens the account ends with one whole video per upload.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Fault } from '../../../src/sandbox/types.js';
import { makeVideo } from '../../cli/video-file.js';
import { jsonLines } from '../../helpers/cli.js';
import { sha256, type VimeoWorld, vimeoWorld } from './helpers.js';

let w: VimeoWorld;
before(async () => {
  w = await vimeoWorld();
});
afterEach(() => w.sb.faults.clear());
after(() => w.close());

/**
 * Uploads a new file of `size` with `faults` pending; returns the --json line and the requests it made. A fault with
 * Retry-After needs a real process: in this process the CLI's sleeps are cut short, and the emulator answers a
 * request that comes back too early with the same error.
 */
async function uploadWith(name: string, size: number, faults: Fault[], ...flags: string[]) {
  const file = await makeVideo(join(w.dir, name), size);
  for (const f of faults) w.sb.faults.add(f);
  const before = new Set(w.sb.videoIds());
  const mark = w.sb.requests.length;
  const argv = ['upload', file, '--provider', 'vimeo', '--title', name, '--json', ...flags];
  const r = faults.some((f) => 'retryAfter' in f) ? await w.spawn(argv) : await w.run(argv);
  assert.equal(r.code, 0, r.stderr);
  const line = jsonLines(r.stdout)[0]!;
  const made = w.sb.videoIds().filter((id) => !before.has(id));
  // One video per upload, whole on the server.
  assert.deepEqual(made, [String(line.id)], `videos made: ${made.join(', ')}`);
  assert.deepEqual(w.sb.media(String(line.id)), { size, sha256: sha256(await readFile(file)) });
  return { line, seen: w.since(mark), stderr: r.stderr };
}

describe('faults on a Vimeo upload', () => {
  test('a 503 with Retry-After on a PATCH: waited, asked with HEAD, resumed at the server offset', async () => {
    const { line, seen } = await uploadWith(
      'retry.mp4',
      300_000,
      [{ on: 'upload-chunk', status: 503, retryAfter: 1, atOffset: 100_000 }],
      '--chunk-size',
      '100000',
    );
    assert.equal(line.retries, 1);
    const tus = seen
      .filter((e) => e.host === 'upload')
      .map((e) => `${e.method}${e.offset ?? ''}:${e.status}`);
    assert.deepEqual(tus, [
      'PATCH0:204',
      'PATCH100000:503',
      'HEAD:200',
      'PATCH100000:204',
      'PATCH200000:204',
    ]);
  });

  test('a connection cut after K bytes: the K bytes count, only the rest is sent again', async () => {
    const { line, seen } = await uploadWith('cut.mp4', 400_000, [
      { on: 'upload-chunk', cutAfterBytes: 150_000 },
    ]);
    const patches = seen.filter((e) => e.method === 'PATCH').map((e) => e.offset);
    assert.deepEqual(patches, [0, 150_000]);
    // One request: what is re-sent is at most what was left.
    assert.ok(Number(line.bytesSent) <= 400_000 + 250_000, `sent ${line.bytesSent}`);
  });

  test('part stored then an error: resumed from what is stored', async () => {
    const { seen } = await uploadWith('partial.mp4', 300_000, [
      { on: 'upload-chunk', storePartial: 120_000, status: 500 },
    ]);
    const patches = seen.filter((e) => e.method === 'PATCH').map((e) => e.offset);
    assert.deepEqual(patches, [0, 120_000]);
  });

  test('the upload link expires mid-upload: a new video takes the upload, the dead one is deleted', async () => {
    const { line, seen, stderr } = await uploadWith(
      'expired.mp4',
      300_000,
      [{ on: 'upload-chunk', expireSession: true, atOffset: 100_000 }],
      '--chunk-size',
      '100000',
    );
    assert.equal(line.sessionRestarts, 1);
    const creates = seen.filter((e) => e.method === 'POST' && e.path === '/me/videos');
    assert.equal(creates.length, 2);
    const deleted = seen.filter((e) => e.method === 'DELETE' && e.path.startsWith('/videos/'));
    assert.equal(deleted.length, 1);
    assert.notEqual(deleted[0]!.path, `/videos/${line.id}`);
    assert.match(stderr, /interrupted upload that cannot be continued/);
  });

  test('5xx and 429 with Retry-After on the create: asked again, one video', async () => {
    const { line } = await uploadWith('create-503.mp4', 50_000, [
      { on: 'upload-init', status: 503 },
      { on: 'upload-init', status: 429, retryAfter: 1 },
    ]);
    assert.equal(line.retries, 2);
  });

  test('a REST call Vimeo answers 503 is tried again with a line on stderr, not a silent wait', async () => {
    const { stderr } = await uploadWith('api-503.mp4', 20_000, [{ on: 'api', status: 503, times: 1 }]);
    assert.match(stderr, /Retry 1 in \S+: Vimeo answered 503 to GET \/me/);
  });

  test('the create answer lost after Vimeo made the video: that video is found and used, not a second one', async () => {
    const { seen, stderr } = await uploadWith('lost-answer.mp4', 80_000, [
      { on: 'upload-init', brokenResponse: 20 },
    ]);
    assert.equal(seen.filter((e) => e.method === 'POST' && e.path === '/me/videos').length, 1);
    assert.match(stderr, /which an interrupted run created/);
  });

  test('the create answer cut short (half a JSON body): the same', async () => {
    const { seen } = await uploadWith('short-answer.mp4', 80_000, [{ on: 'upload-init', shortResponse: 30 }]);
    assert.equal(seen.filter((e) => e.method === 'POST' && e.path === '/me/videos').length, 1);
  });

  test('the last PATCH answer cut after the server stored everything: HEAD says done, Vimeo confirms', async () => {
    const { line } = await uploadWith('broken-last.mp4', 90_000, [{ on: 'upload-chunk', brokenResponse: 5 }]);
    assert.equal(line.retries, 1);
  });
});

describe('an interrupted Vimeo upload given up for good', () => {
  test('a re-run with another title, or --restart: the partial video is deleted, one video remains', async () => {
    for (const [name, again] of [
      ['retitled.mp4', ['--title', 'Another title']],
      ['restarted.mp4', ['--title', 'restarted.mp4', '--restart']],
    ] as const) {
      const file = await makeVideo(join(w.dir, name), 300_000);
      const before = new Set(w.sb.videoIds());
      // Stopped after the first chunk: the session is kept, the video holds 100 000 bytes.
      w.sb.faults.add({ on: 'upload-chunk', status: 500, atOffset: 100_000, times: 5 });
      const first = await w.run([
        'upload',
        file,
        '--provider',
        'vimeo',
        '--title',
        name,
        '--chunk-size',
        '100000',
        '--retries',
        '0',
      ]);
      assert.equal(first.code, 5, first.stderr);
      w.sb.faults.clear();
      const [partial] = w.sb.videoIds().filter((id) => !before.has(id));
      assert.equal((await w.sb.upload(partial!))?.offset, 100_000);
      const r = await w.run(['upload', file, '--provider', 'vimeo', '--chunk-size', '100000', ...again]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Not resuming the earlier interrupted upload/);
      assert.match(r.stderr, new RegExp(`Deleted video ${partial}`));
      assert.equal(w.sb.video(partial!), undefined, `${name}: the partial video is gone`);
      assert.deepEqual(
        w.sb.videoIds().filter((id) => !before.has(id)),
        [r.stdout.trim()],
      );
      assert.deepEqual(w.sb.media(r.stdout.trim()), { size: 300_000, sha256: sha256(await readFile(file)) });
    }
  });
});

describe("Vimeo's rate limit on the create and the calls around it", () => {
  test('a 429 with X-RateLimit-Reset (no Retry-After) is waited out until that reset, then sent again', async () => {
    w.sb.setUser('sandbox-user', { rateLimit: { limit: 1, windowSec: 2 } });
    try {
      const file = await makeVideo(join(w.dir, 'limited.mp4'), 30_000);
      const mark = w.sb.requests.length;
      // A real process: the waits are real seconds.
      const r = await w.spawn(['upload', file, '--provider', 'vimeo', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const limited = w.since(mark).filter((e) => e.rateLimited);
      assert.ok(
        limited.some((e) => e.path === '/me/videos'),
        'the create met the limit',
      );
      const create = w.since(mark).filter((e) => e.path === '/me/videos' && e.method === 'POST');
      assert.deepEqual(
        create.map((e) => e.status),
        [429, 200],
      );
      assert.ok(create[1]!.time - create[0]!.time >= 1000, 'waited for the reset');
      assert.equal(w.sb.media(String(jsonLines(r.stdout)[0]!.id))?.size, 30_000);
    } finally {
      w.sb.setUser('sandbox-user', { rateLimit: { limit: 10_000, windowSec: 900 } });
    }
  });
});
