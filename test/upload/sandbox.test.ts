// This file runs the engine against the sandbox: intact uploads, every upload fault, and resume by a new engine.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { after, afterEach, before, describe, test } from 'node:test';
import { EARLY_DISCARD_BYTES } from '../../src/sandbox/http.js';
import { type Fault, type Sandbox, startSandbox } from '../../src/sandbox/youtube/index.js';
import {
  createFileSessionStore,
  createHttpTransport,
  type Transport,
  type UploadOptions,
  type UploadResult,
  uploadResumable,
} from '../../src/upload/index.js';
import { FakeClock } from './fake-transport.js';
import { sandboxUpload, tempDir, writeVideo } from './helpers.js';

const KiB256 = 262144;
const SIZE = 3 * 1024 * 1024 + 12_345;
let sb: Sandbox;
let dir: string;
let cleanup: () => Promise<void>;
let path: string;
let sha256: string;
const transport = createHttpTransport({ idleTimeoutMs: 10_000 });
/** The engine's clock is the sandbox's too: the sandbox enforces Retry-After, and the engine waits without sleeping. */
const clock = new FakeClock();

before(async () => {
  sb = await startSandbox({ dailyQuota: 1_000_000, now: clock.now, createdShare: 0.5 });
  ({ dir, cleanup } = await tempDir());
  const video = await writeVideo(dir, 'video.mp4', SIZE);
  path = video.path;
  sha256 = createHash('sha256').update(video.bytes).digest('hex');
});
after(async () => {
  transport.close();
  await sb.close();
  await cleanup();
});
afterEach(() => {
  sb.faults.clear();
  sb.clearRequests();
});

function upload(extra: Partial<UploadOptions> = {}): Promise<UploadResult> & { sleeps: () => number[] } {
  const slept = clock.sleeps.length;
  const running = uploadResumable({
    ...sandboxUpload(sb, path, {
      snippet: { title: 'Engine test', categoryId: '22' },
      status: { privacyStatus: 'private' },
    }),
    transport,
    clock,
    random: () => 0.5,
    ...extra,
  });
  return Object.assign(running, { sleeps: () => clock.sleeps.slice(slept) });
}

/** The media arrived whole, and every data request started exactly where the server said it stood. */
function assertIntact(result: UploadResult): { data: number[]; resent: number } {
  const id = (result.response as { id?: string }).id!;
  assert.deepEqual(sb.media(id), { size: SIZE, sha256 });
  const session = sb.requests.filter((r) => r.kind === 'upload-chunk' || r.kind === 'upload-status');
  let stood = 0;
  let uploadId: string | undefined;
  const data: number[] = [];
  let received = 0;
  for (const r of session) {
    if (r.uploadId !== uploadId) {
      uploadId = r.uploadId;
      stood = 0;
    }
    if (r.kind === 'upload-chunk') received += r.bodyBytes;
    if (r.kind === 'upload-chunk' && r.status !== 404) {
      assert.equal(r.firstByte ?? 0, stood, 'a data request starts at the offset the server holds');
      data.push(r.firstByte ?? 0);
    }
    if (r.storedAfter !== undefined) stood = r.storedAfter;
  }
  return { data, resent: received - SIZE };
}

describe('against the sandbox', () => {
  test('a one-request upload arrives intact', async () => {
    const result = await upload();
    const { data, resent } = assertIntact(result);
    assert.deepEqual(data, [0]);
    assert.equal(resent, 0);
    assert.equal(result.bytesSent, SIZE);
  });

  test('a chunked upload arrives intact in 256 KiB multiples', async () => {
    const result = await upload({ chunkSize: 4 * KiB256 });
    const { data, resent } = assertIntact(result);
    assert.deepEqual(
      data,
      [0, 1, 2, 3].map((i) => i * 4 * KiB256),
    );
    assert.equal(resent, 0);
  });

  /** An error answered before the body was read: the sandbox read at most a little of the body (issue 28). */
  const EARLY = { lessThan: 2 * EARLY_DISCARD_BYTES };
  const faults: Array<[string, Fault, number | { lessThan: number }, Partial<UploadOptions>]> = [
    ['a 503 with Retry-After', { on: 'upload-chunk', status: 503, retryAfter: 1 }, EARLY, {}],
    ['a 429 with Retry-After', { on: 'upload-chunk', status: 429, retryAfter: 2 }, EARLY, {}],
    ['a 500 on a status query', { on: 'upload-status', status: 500 }, 0, {}],
    ['a connection cut mid-body', { on: 'upload-chunk', cutAfterBytes: 1_000_000 }, 0, {}],
    [
      'a chunk stored only in part, off a chunk boundary',
      { on: 'upload-chunk', storePartial: 100_000 },
      SIZE - 100_000,
      {},
    ],
    [
      // The rest of the chunk is sent again, and then the bytes of the next one past the 256 KiB grid.
      'a chunk stored in part while chunking',
      { on: 'upload-chunk', storePartial: 300_001 },
      KiB256 * 4 - 300_001 + (300_001 - KiB256),
      { chunkSize: 4 * KiB256 },
    ],
    ['an expired session', { on: 'upload-chunk', expireSession: true }, SIZE, {}],
  ];
  for (const [name, fault, resentBytes, extra] of faults) {
    test(`${name} ends in an intact upload with only the lost bytes sent again`, async () => {
      sb.faults.add(fault);
      if ('status' in fault && fault.on === 'upload-status')
        sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 500_000 });
      const running = upload(extra);
      const result = await running;
      const { resent } = assertIntact(result);
      if (typeof resentBytes === 'number') assert.equal(resent, resentBytes, 'bytes sent again');
      else assert.ok(resent < resentBytes.lessThan, `${resent} bytes sent again`);
      if ('retryAfter' in fault) assert.deepEqual(running.sleeps(), [fault.retryAfter! * 1000]);
      assert.ok(!sb.requests.some((r) => r.tooEarly), 'no request came before its Retry-After');
      if ('expireSession' in fault) assert.equal(result.sessionRestarts, 1);
      assert.equal(sb.faults.pending().length, 0, 'the fault was used');
    });
  }

  test('a new engine instance resumes a kept session from the server offset', async () => {
    const store = createFileSessionStore(`${dir}/sessions`);
    const controller = new AbortController();
    let data = 0;
    // Aborts as the second chunk starts: the first engine dies with one chunk stored.
    const aborting: Transport = {
      request: (req) => {
        if (req.method === 'PUT' && req.headers['Content-Length'] !== '0' && ++data === 2)
          controller.abort('SIGINT');
        return transport.request(req);
      },
    };
    await assert.rejects(
      upload({ store, chunkSize: 4 * KiB256, transport: aborting, signal: controller.signal }),
      (e: unknown) => (e as { exitCode?: number }).exitCode === 130,
    );
    const before = sb.requests.length;
    const result = await upload({ store, chunkSize: 4 * KiB256 });
    assert.equal(result.resumed, true);
    const second = sb.requests.slice(before);
    assert.equal(second[0]?.kind, 'upload-status', 'the new engine asks the server first');
    assert.equal(second.find((r) => r.kind === 'upload-chunk')?.firstByte, 4 * KiB256);
    assert.equal(sb.requests.filter((r) => r.kind === 'upload-init').length, 1, 'one session only');
    assertIntact(result);
    assert.deepEqual(await readdir(`${dir}/sessions`), [], 'the kept session is removed on success');
  });
  test('a kept session on a host the caller does not trust is never sent to; --restart starts afresh', async () => {
    const store = createFileSessionStore(`${dir}/untrusted`);
    const controller = new AbortController();
    const aborting: Transport = {
      request: (req) => {
        if (req.method === 'PUT') controller.abort('SIGINT');
        return transport.request(req);
      },
    };
    await assert.rejects(
      upload({ store, chunkSize: 4 * KiB256, transport: aborting, signal: controller.signal }),
      (e: unknown) => (e as { exitCode?: number }).exitCode === 130,
    );
    const before = sb.requests.length;
    // As if the session file had been written by someone else, or the API address changed its mind.
    const distrust = (url: string) => !url.includes('upload_id=');
    await assert.rejects(
      upload({ store, chunkSize: 4 * KiB256, sessionUrlAllowed: distrust }),
      (e: unknown) =>
        (e as { code?: string; exitCode?: number }).code === 'protocol' &&
        (e as { exitCode?: number }).exitCode === 1 &&
        /nothing was sent there/.test((e as Error).message),
    );
    assert.equal(sb.requests.length, before, 'nothing was sent to the kept session');
    const result = await upload({ store, restart: true, sessionUrlAllowed: (url) => url.startsWith(sb.url) });
    assertIntact(result);
  });
});
