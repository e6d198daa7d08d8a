// This file runs the stream engine (uploads from a pipe, size unknown) against the sandbox and a scripted server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, afterEach, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../src/sandbox/youtube/index.js';
import {
  ContentHasher,
  createHttpTransport,
  type StreamUploadOptions,
  type UploadResult,
  uploadStream,
} from '../../src/upload/index.js';
import { StreamChunks } from '../../src/upload/stream-source.js';
import { repoRoot } from '../helpers/paths.js';
import { contentHashOf, generateBytes, sha256Of } from '../helpers/pipe-generator.js';
import { waitFor } from '../helpers/wait.js';
import { FakeAuth, FakeClock, ScriptedTransport } from './fake-transport.js';

const KiB256 = 262_144;
const CHUNK = 4 * KiB256;
let sb: Sandbox;
const transport = createHttpTransport({ idleTimeoutMs: 10_000 });

before(async () => {
  sb = await startSandbox({ dailyQuota: 1_000_000 });
});
after(async () => {
  transport.close();
  await sb.close();
});
afterEach(() => {
  sb.faults.clear();
  sb.clearRequests();
});

function bytesOf(size: number, seed = 7): Buffer {
  return Buffer.concat([...generateBytes(size, seed)]);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function upload(stream: Readable, extra: Partial<StreamUploadOptions> = {}): Promise<UploadResult> {
  let token = sb.mintToken().access_token;
  return uploadStream({
    stream,
    initUrl: `${sb.url}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`,
    metadata: { snippet: { title: 'Pipe', categoryId: '22' }, status: { privacyStatus: 'private' } },
    account: 'sandbox-user',
    auth: {
      headers: () => ({ Authorization: `Bearer ${token}` }),
      refresh: async () => {
        token = sb.mintToken().access_token;
      },
    },
    transport,
    chunkSize: CHUNK,
    clock: new FakeClock(),
    random: () => 0.5,
    ...extra,
  });
}

/** The session's requests as `METHOD Content-Range` lines. */
function conversation(): string[] {
  return sb.requests
    .filter((r) => r.kind === 'upload-chunk' || r.kind === 'upload-status' || r.kind === 'upload-init')
    .map((r) => [r.kind, r.headers['content-range'], `-> ${r.status}`].filter(Boolean).join(' '));
}

/** vupload's content hash of `data`. */
async function contentHash(data: Buffer): Promise<string> {
  const hasher = await ContentHasher.create();
  hasher.update(0, data);
  return hasher.digest();
}

async function assertWhole(result: UploadResult, data: Buffer): Promise<void> {
  const id = (result.response as { id: string }).id;
  assert.deepEqual(sb.media(id), { size: data.length, sha256: sha256(data) });
  assert.equal(result.contentHash, await contentHash(data));
  assert.equal(result.size, data.length);
}

describe('uploads from a stream of unknown size', () => {
  test('every chunk says bytes A-B/*, only the last carries the total, and no size is declared up front', async () => {
    const data = bytesOf(2 * CHUNK + 1000);
    const result = await upload(Readable.from([data]));
    await assertWhole(result, data);
    const init = sb.requests.find((r) => r.kind === 'upload-init');
    assert.equal(init?.headers['x-upload-content-length'], undefined);
    assert.deepEqual(conversation(), [
      'upload-init -> 200',
      `upload-chunk bytes 0-${CHUNK - 1}/* -> 308`,
      `upload-chunk bytes ${CHUNK}-${2 * CHUNK - 1}/* -> 308`,
      `upload-chunk bytes ${2 * CHUNK}-${data.length - 1}/${data.length} -> 200`,
    ]);
  });

  test('a stream that ends on a chunk boundary: the look-ahead makes the last full chunk carry the total', async () => {
    const data = bytesOf(2 * CHUNK);
    const result = await upload(Readable.from([data.subarray(0, CHUNK), data.subarray(CHUNK)]));
    await assertWhole(result, data);
    assert.deepEqual(conversation().slice(1), [
      `upload-chunk bytes 0-${CHUNK - 1}/* -> 308`,
      `upload-chunk bytes ${CHUNK}-${2 * CHUNK - 1}/${2 * CHUNK} -> 200`,
    ]);
  });

  test('a chunk the server kept only in part: the rest of it is resent from memory, topped up to a full chunk', async () => {
    const data = bytesOf(3 * CHUNK + 5);
    const stream = new PassThrough();
    const running = upload(stream);
    stream.write(data.subarray(0, 2 * CHUNK));
    // The second chunk is read only once the first has been answered: its fault lands on it.
    await waitFor('the first chunk', () => sb.requests.some((r) => r.kind === 'upload-chunk'));
    sb.faults.add({ on: 'upload-chunk', storePartial: 100_000 });
    stream.end(data.subarray(2 * CHUNK));
    const result = await running;
    await assertWhole(result, data);
    const chunks = sb.requests.filter((r) => r.kind === 'upload-chunk');
    assert.equal(chunks[1]?.firstByte, CHUNK);
    assert.equal(chunks[2]?.firstByte, CHUNK + 100_000, 'resent from the offset the server kept');
    assert.equal(
      chunks[2]?.headers['content-range'],
      `bytes ${CHUNK + 100_000}-${2 * CHUNK + 100_000 - 1}/*`,
    );
  });

  test('after a cut the status query asks with bytes */*; after a cut of the last chunk, with the total', async () => {
    // Longer than the two chunks held: the end of the stream has not been read when the first chunk is cut.
    const data = bytesOf(3 * CHUNK + 3000);
    sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 70_000 });
    const first = await upload(Readable.from([data]));
    await assertWhole(first, data);
    const queries = sb.requests
      .filter((r) => r.kind === 'upload-status')
      .map((r) => r.headers['content-range']);
    assert.deepEqual(queries, ['bytes */*']);

    sb.clearRequests();
    const small = bytesOf(3000, 9);
    sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 1000 });
    const second = await upload(Readable.from([small]));
    await assertWhole(second, small);
    const last = sb.requests.filter((r) => r.kind === 'upload-status').map((r) => r.headers['content-range']);
    assert.deepEqual(last, [`bytes */${small.length}`]);
  });

  test('503, then a 401: retried from memory with a refreshed token; the video is whole', async () => {
    const data = bytesOf(2 * CHUNK + 77);
    sb.faults.add({ on: 'upload-chunk', status: 503 });
    sb.faults.add({ on: 'upload-chunk', status: 401 });
    const result = await upload(Readable.from([data]));
    await assertWhole(result, data);
    assert.equal(result.retries, 1);
  });

  test('an empty stream creates no video and sends nothing', async () => {
    await assert.rejects(upload(Readable.from([])), (e: Error & { exitCode?: number }) => {
      assert.equal(e.exitCode, 2);
      assert.match(e.message, /was empty/);
      return true;
    });
    assert.equal(sb.requests.length, 0);
  });

  test('a session that expires while the stream is still whole in memory starts again; later it cannot', async () => {
    const data = bytesOf(CHUNK - 10);
    sb.faults.add({ on: 'upload-chunk', expireSession: true });
    const result = await upload(Readable.from([data]));
    await assertWhole(result, data);
    assert.equal(result.sessionRestarts, 1);

    const long = bytesOf(2 * CHUNK + 10);
    const stream = new PassThrough();
    const running = upload(stream);
    stream.write(long.subarray(0, 2 * CHUNK));
    await waitFor('the first chunk', () =>
      sb.requests.some((r) => r.kind === 'upload-chunk' && r.status === 308),
    );
    sb.faults.add({ on: 'upload-chunk', expireSession: true });
    stream.end(long.subarray(2 * CHUNK));
    await assert.rejects(running, (e: Error & { code?: string; exitCode?: number }) => {
      assert.equal(e.code, 'sessionLost');
      assert.equal(e.exitCode, 5);
      return true;
    });
  });

  test('interrupted while waiting for the stream: exit 130 at once, saying that a pipe cannot be resumed', async () => {
    const controller = new AbortController();
    const stream = new PassThrough();
    const running = upload(stream, { signal: controller.signal });
    stream.write(bytesOf(CHUNK + 1));
    // After the first chunk the engine waits for bytes that never come (a silent live pipe).
    await waitFor('the first chunk', () =>
      sb.requests.some((r) => r.kind === 'upload-chunk' && r.status === 308),
    );
    controller.abort('SIGINT');
    await assert.rejects(running, (e: Error & { exitCode?: number }) => {
      assert.equal(e.exitCode, 130);
      assert.match(e.message, /cannot be resumed/);
      return true;
    });
  });

  test('a scripted server that keeps an odd prefix of a non-final chunk gets the rest, still in 256 KiB multiples', async () => {
    const data = bytesOf(2 * CHUNK);
    const t = new ScriptedTransport();
    const range = (last: number) => ({ status: 308, headers: { range: `bytes=0-${last}` } });
    t.expect('init', () => {}, { status: 200, headers: { location: 'http://upload.test/s' } })
      .expect(
        'chunk 1',
        (r) => assert.equal(r.headers['content-range'], `bytes 0-${CHUNK - 1}/*`),
        range(KiB256 + 9),
      )
      .expect(
        'rest of chunk 1, topped up',
        (r) => {
          assert.equal(r.headers['content-range'], `bytes ${KiB256 + 10}-${KiB256 + 10 + CHUNK - 1}/*`);
          assert.deepEqual(r.body, data.subarray(KiB256 + 10, KiB256 + 10 + CHUNK));
        },
        range(KiB256 + 10 + CHUNK - 1),
      )
      .expect(
        'the last bytes with the total',
        (r) => {
          assert.equal(
            r.headers['content-range'],
            `bytes ${KiB256 + 10 + CHUNK}-${2 * CHUNK - 1}/${2 * CHUNK}`,
          );
          assert.deepEqual(r.body, data.subarray(KiB256 + 10 + CHUNK));
        },
        { status: 201, body: { id: 'vid' } },
      );
    const result = await uploadStream({
      stream: Readable.from([data]),
      initUrl: 'http://upload.test/init',
      metadata: {},
      account: 'a',
      auth: new FakeAuth(),
      transport: t,
      chunkSize: CHUNK,
      clock: new FakeClock(),
    });
    t.assertDone();
    assert.equal(result.contentHash, await contentHash(data));
  });
});

test('a session URL on another host than allowed is never sent a byte', async () => {
  const t = new ScriptedTransport();
  t.expect('init', () => {}, { status: 200, headers: { location: 'http://elsewhere.test/s' } });
  await assert.rejects(
    uploadStream({
      stream: Readable.from([bytesOf(1000)]),
      initUrl: 'http://upload.test/init',
      metadata: {},
      account: 'a',
      auth: new FakeAuth(),
      transport: t,
      sessionUrlAllowed: (url) => new URL(url).host === 'upload.test',
    }),
    /elsewhere\.test/,
  );
  t.assertDone();
});

describe('StreamChunks', () => {
  test('holds a chunk and the next one read ahead, plus at most one piece, whatever the stream length', async () => {
    let pulled = 0;
    const piece = 64 * 1024;
    const stream = Readable.from(
      (function* () {
        for (let i = 0; i < 1000; i++) {
          pulled += piece;
          yield Buffer.alloc(piece, i & 0xff);
        }
      })(),
      { objectMode: false, highWaterMark: 1 },
    );
    const chunks = new StreamChunks(stream, CHUNK);
    const first = await chunks.window(0);
    assert.deepEqual(first, { from: 0, to: CHUNK, final: false });
    const ring = 2 * CHUNK;
    await waitFor('the reader to fill the ring', () => chunks.length === ring);
    assert.ok(pulled <= ring + 3 * piece, `pulled ${pulled} bytes for a ring of ${ring}`);
    chunks.release(CHUNK + 10);
    const second = await chunks.window(CHUNK + 10);
    assert.deepEqual(second, { from: CHUNK + 10, to: 2 * CHUNK + 10, final: false });
    const views = chunks.bytes(second.from, second.to);
    assert.equal(views.length, 2, 'a window across the end of the ring comes in two views');
    assert.equal(Buffer.concat(views).length, CHUNK);
    await waitFor('the ring full again', () => chunks.length === ring);
    assert.ok(pulled <= ring + CHUNK + 10 + 3 * piece, `pulled ${pulled} bytes after releasing one chunk`);
  });
});

/** `node pipe-generator.js SIZE SEED | node pipe-reader.js CHUNK DELAY`: what the reader got from a real pipe. */
async function readPipe(size: number, seed: number, chunk: number, delayMs: number) {
  const helpers = join(repoRoot, 'dist/test/helpers');
  const gen = spawn(process.execPath, [join(helpers, 'pipe-generator.js'), String(size), String(seed)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const reader = spawn(process.execPath, [join(helpers, 'pipe-reader.js'), String(chunk), String(delayMs)], {
    stdio: [gen.stdout!, 'pipe', 'inherit'],
  });
  let out = '';
  reader.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise((done) => reader.on('close', done));
  assert.equal(code, 0);
  return JSON.parse(out) as {
    size: number;
    sha256: string;
    contentHash: string;
    copied: number;
    releases: number;
  };
}

describe('a real pipe into StreamChunks', () => {
  const size = 24 * 1024 * 1024 + 12_345;
  test('is read straight into the ring: the bytes arrive whole, and next to none is copied on the way', async () => {
    const got = await readPipe(size, 11, CHUNK, 0);
    assert.deepEqual(
      { size: got.size, sha256: got.sha256, contentHash: got.contentHash },
      { size, sha256: sha256Of(size, 11), contentHash: await contentHashOf(size, 11) },
    );
    // Copied only if the reader fell behind: one pipe read each time the ring was full (a copy of every piece
    // would be the whole size).
    assert.ok(got.copied <= got.releases * 65_536, `${got.copied} bytes copied in ${got.releases} releases`);
  });

  test('a full ring parks one read aside and copies it in when room is made: still whole, in order', async () => {
    const got = await readPipe(size, 12, CHUNK, 20);
    assert.deepEqual(
      { size: got.size, sha256: got.sha256, contentHash: got.contentHash },
      { size, sha256: sha256Of(size, 12), contentHash: await contentHashOf(size, 12) },
    );
    assert.ok(got.copied > 0, 'the ring never filled: the reader was not slow enough to test that path');
    // One pipe read (64 KiB at most on Linux) each time the ring was full and room was made.
    assert.ok(got.copied <= got.releases * 65_536, `${got.copied} bytes copied in ${got.releases} releases`);
  });
});
