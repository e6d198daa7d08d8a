// This file scripts, at the socket level, a server that answers a data request before reading its body (a 429 with
// Retry-After, a 401) and then fails the client's write: on both engines the answer is the outcome (issue 28,
// client defect 2), so Retry-After is waited for exactly, or the token refreshed, instead of a backoff.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, describe, test } from 'node:test';
import { setRouting } from '../../src/net/agents.js';
import {
  createHttpTransport,
  type UploadResult,
  uploadResumable,
  uploadStream,
} from '../../src/upload/index.js';
import { FakeAuth, FakeClock } from './fake-transport.js';
import { tempDir, writeVideo } from './helpers.js';
import { type RawAnswer, ScriptedPeer, type SeenHttp } from './scripted-socket.js';

const ORIGIN = 'http://upload.test';
const INIT = `${ORIGIN}/upload/youtube/v3/videos?uploadType=resumable&part=snippet`;
const SESSION = `${ORIGIN}/upload/youtube/v3/videos?uploadType=resumable&upload_id=s1`;
const SIZE = 3 * 1024 * 1024 + 17;
const VIDEO = { id: 'early1', kind: 'youtube#video' };

const tooMany: RawAnswer = {
  status: 429,
  headers: { 'Retry-After': '2', 'Content-Type': 'application/json; charset=UTF-8' },
  body: JSON.stringify({
    error: { code: 429, message: 'Rate Limit Exceeded', errors: [{ reason: 'rateLimitExceeded' }] },
  }),
};
const unauthorized: RawAnswer = {
  status: 401,
  headers: { 'Content-Type': 'application/json; charset=UTF-8' },
  body: JSON.stringify({
    error: { code: 401, message: 'Invalid Credentials', errors: [{ reason: 'authError' }] },
  }),
};

const put = (range: string) => (seen: SeenHttp) => {
  assert.equal(seen.method, 'PUT');
  assert.equal(seen.headers['content-range'], range);
};

/** init → a data request answered early → a status query (nothing stored) → the whole upload → 201. */
function script(early: RawAnswer, dataRange: string, queryRange: string): ScriptedPeer {
  return new ScriptedPeer()
    .expect('init', 'body', (s) => assert.equal(s.method, 'POST'), {
      status: 200,
      headers: { Location: SESSION },
    })
    .expect('data, answered early', 'head', put(dataRange), early)
    .expect('status query', 'body', put(queryRange), { status: 308 })
    .expect('data again', 'body', put(dataRange), { status: 201, body: JSON.stringify(VIDEO) });
}

type Engine = 'file' | 'pipe';

async function run(engine: Engine, peer: ScriptedPeer, auth: FakeAuth, clock: FakeClock, events: string[]) {
  setRouting({ agentFor: () => peer.agent, proxyFor: () => undefined });
  const transport = createHttpTransport({ idleTimeoutMs: 5000 });
  const tmp = await tempDir();
  try {
    const { path, bytes } = await writeVideo(tmp.dir, 'video.mp4', SIZE);
    const common = {
      initUrl: INIT,
      metadata: { snippet: { title: 'Early' } },
      account: 'me',
      auth,
      transport,
      clock,
      random: () => 0.5,
      onRetry: (e: { delayMs: number; reason: string }) => events.push(`retry ${e.delayMs} ${e.reason}`),
    };
    const result: UploadResult =
      engine === 'file'
        ? await uploadResumable({ ...common, file: path })
        : await uploadStream({ ...common, stream: Readable.from([bytes]), chunkSize: 4 * 1024 * 1024 });
    assert.deepEqual(result.response, VIDEO);
    assert.ok(peer.seen.at(-1)!.body.equals(bytes), 'the last request carried the whole video');
    return result;
  } finally {
    transport.close();
    await tmp.cleanup();
  }
}

describe('an answer that comes before the body is sent (issue 28)', () => {
  afterEach(() => setRouting({ agentFor: () => undefined, proxyFor: () => undefined }));

  for (const engine of ['file', 'pipe'] as const) {
    const data = `bytes 0-${SIZE - 1}/${SIZE}`;
    const query = `bytes */${SIZE}`;

    test(`${engine}: an early 429 whose write then fails is waited out for its Retry-After`, async () => {
      const peer = script(tooMany, data, query);
      const clock = new FakeClock();
      const events: string[] = [];
      const result = await run(engine, peer, new FakeAuth(), clock, events);
      peer.assertDone();
      assert.ok(peer.seen[1]!.body.length < SIZE, 'the refused request was not sent whole');
      assert.deepEqual(events, ['retry 2000 HTTP 429 rateLimitExceeded']);
      assert.deepEqual(clock.sleeps, [2000], 'Retry-After, not a backoff');
      assert.equal(result.retries, 1);
    });

    test(`${engine}: an early 401 whose write then fails refreshes the token at once`, async () => {
      const peer = script(unauthorized, data, query);
      const auth = new FakeAuth();
      const clock = new FakeClock();
      const events: string[] = [];
      const result = await run(engine, peer, auth, clock, events);
      peer.assertDone();
      assert.equal(auth.refreshes, 1);
      assert.deepEqual(events, [], 'no retry, no backoff');
      assert.deepEqual(clock.sleeps, []);
      assert.equal(peer.seen[2]!.headers.authorization, 'Bearer token-1', 'the query carried the new token');
      assert.equal(result.retries, 0);
    });
  }
});
