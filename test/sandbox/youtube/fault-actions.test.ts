// This file tests the fault actions of issue 14 with plain HTTP: Retry-After enforced, keep K bytes then fail,
// stall, aim at the Nth request or an offset, and a broken final answer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Fault } from '../../../src/sandbox/youtube/index.js';
import { waitFor } from '../../helpers/wait.js';
import {
  bearer,
  fakeMp4,
  KiB256,
  manualClock,
  putChunk,
  raw,
  rawPut,
  reason,
  request,
  sha256,
  startSession,
  statusQuery,
  suiteSandbox,
  uploadIdOf,
} from '../http.js';

const ERROR_503 = {
  error: {
    code: 503,
    message: 'Backend Error',
    errors: [{ domain: 'global', reason: 'backendError', message: 'Backend Error' }],
    status: 'UNAVAILABLE',
  },
};

describe('sandbox fault actions', () => {
  const clock = manualClock();
  const suite = suiteSandbox({ now: clock.now });

  test('a request on the session before Retry-After has passed gets the same error again', async () => {
    const { sb, token } = suite;
    const data = fakeMp4(2 * KiB256);
    const uri = await startSession(sb, token);
    sb.clearRequests();
    sb.faults.add({ on: 'upload-chunk', status: 429, retryAfter: 60 });
    const first = await putChunk(uri, data.subarray(0, KiB256), 0, data.length);
    assert.equal(first.status, 429);
    assert.equal(first.headers['retry-after'], '60');
    const again = await statusQuery(uri, data.length);
    assert.equal(again.status, 429);
    assert.equal(again.headers['retry-after'], '60');
    assert.deepEqual(again.json(), first.json());
    assert.equal(reason(again), 'rateLimitExceeded');
    clock.advance(30_000);
    const later = await putChunk(uri, data.subarray(0, KiB256), 0, data.length);
    assert.equal(later.status, 429);
    assert.equal(later.headers['retry-after'], '30');
    assert.deepEqual(
      sb.requests.map((r) => [r.kind, r.status, r.tooEarly, r.storedAfter]),
      [
        ['upload-chunk', 429, undefined, 0],
        ['upload-status', 429, true, 0],
        ['upload-chunk', 429, true, 0],
      ],
    );
    clock.advance(30_000);
    const onTime = await statusQuery(uri, data.length);
    assert.equal(onTime.status, 308);
    assert.equal(onTime.headers.range, undefined);
  });

  test('outside sessions, Retry-After holds every request of the kind, and clearing faults lifts it', async () => {
    const { sb, token } = suite;
    sb.faults.add({ on: 'api', status: 503, retryAfter: 2 });
    const list = () =>
      request(`${sb.url}/youtube/v3/videoCategories?part=snippet&regionCode=US`, { headers: bearer(token) });
    assert.equal((await list()).status, 503);
    const early = await list();
    assert.equal(early.status, 503);
    assert.equal(early.headers['retry-after'], '2');
    assert.deepEqual(early.json(), ERROR_503);
    assert.equal((await startSession(sb, token)).length > 0, true, 'another kind is not held');
    clock.advance(2000);
    assert.equal((await list()).status, 200);
    sb.faults.add({ on: 'api', status: 503, retryAfter: 5 });
    await list();
    sb.faults.clear();
    assert.equal((await list()).status, 200);
  });

  test('storePartial with status keeps K bytes, then answers the error (return-503-after-256K)', async () => {
    const { sb, token } = suite;
    const data = fakeMp4(3 * KiB256);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', storePartial: KiB256, status: 503, retryAfter: 1 });
    const r = await request(uri, { method: 'PUT', body: data });
    assert.equal(r.status, 503);
    assert.equal(r.headers['retry-after'], '1');
    assert.equal(r.headers['content-type'], 'application/json; charset=UTF-8');
    assert.equal(r.headers.range, undefined);
    assert.deepEqual(r.json(), ERROR_503);
    const log = sb.requests.at(-1)!;
    assert.deepEqual([log.bodyBytes, log.storedAfter], [data.length, KiB256]);
    clock.advance(1000);
    const q = await statusQuery(uri, data.length);
    assert.equal(q.status, 308);
    assert.equal(q.headers.range, `bytes=0-${KiB256 - 1}`);
    const rest = await putChunk(uri, data.subarray(KiB256), KiB256, data.length);
    assert.equal(sb.media(rest.json().id)?.sha256, sha256(data));
  });

  test('stallAfterBytes stops reading after K bytes; a client that gives up leaves K stored at once', async () => {
    const { sb, token } = suite;
    const data = fakeMp4(4 * KiB256);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', stallAfterBytes: 100_000, stallMs: 60_000 });
    const controller = new AbortController();
    const sending = fetch(uri, { method: 'PUT', body: data, signal: controller.signal }).catch(() => 'gone');
    const entry = () => sb.requests.find((r) => r.kind === 'upload-chunk');
    await waitFor('the stall', () => entry()?.bodyBytes === 100_000);
    controller.abort();
    assert.equal(await sending, 'gone');
    const started = Date.now();
    const q = await statusQuery(uri, data.length);
    assert.ok(Date.now() - started < 5000, 'the stalled request let go of the session');
    assert.equal(q.status, 308);
    assert.equal(q.headers.range, 'bytes=0-99999');
    assert.equal(entry()!.status, 0);
  });

  test('a stall the client sits out ends in a normal answer', async () => {
    const { sb, token } = suite;
    const data = fakeMp4(KiB256 + 10);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', stallAfterBytes: 1000, stallMs: 150 });
    const started = Date.now();
    const r = await request(uri, { method: 'PUT', body: data });
    assert.ok(Date.now() - started >= 140);
    assert.equal(r.status, 200);
    assert.equal(sb.media(r.json().id)?.sha256, sha256(data));
  });

  test('nth aims at the Nth request of the kind; pending counts it down', async () => {
    const { sb, token } = suite;
    const data = fakeMp4(3 * KiB256);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', status: 503, nth: 2 });
    assert.equal((await putChunk(uri, data.subarray(0, KiB256), 0, data.length)).status, 308);
    assert.deepEqual(sb.faults.pending(), [{ on: 'upload-chunk', status: 503, nth: 1, times: 1 }]);
    const second = await putChunk(uri, data.subarray(KiB256, 2 * KiB256), KiB256, data.length);
    assert.equal(second.status, 503);
    assert.deepEqual(sb.faults.pending(), []);
  });

  test('atOffset aims at the data request whose Content-Range starts there', async () => {
    const { sb, token } = suite;
    const data = fakeMp4(3 * KiB256);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 10, atOffset: 2 * KiB256 });
    await statusQuery(uri, data.length);
    assert.equal((await putChunk(uri, data.subarray(0, KiB256), 0, data.length)).status, 308);
    assert.equal((await putChunk(uri, data.subarray(KiB256, 2 * KiB256), KiB256, data.length)).status, 308);
    await assert.rejects(putChunk(uri, data.subarray(2 * KiB256), 2 * KiB256, data.length));
    assert.equal(sb.session(uploadIdOf(uri))?.stored, 2 * KiB256 + 10);
    assert.equal(sb.requests.filter((r) => r.fault).length, 1);
  });

  test('brokenResponse cuts the final answer after B bytes; a status query gets it whole', async () => {
    const { sb, token } = suite;
    const data = fakeMp4(2 * KiB256);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', brokenResponse: 20 });
    // A chunk that cannot finish the upload leaves the fault waiting.
    assert.equal((await putChunk(uri, data.subarray(0, KiB256), 0, data.length)).status, 308);
    const cut = await raw(
      uri,
      rawPut(uri, `bytes ${KiB256}-${2 * KiB256 - 1}/${data.length}`, KiB256),
      data.subarray(KiB256),
    );
    assert.equal(cut.statusLine, 'HTTP/1.1 200 OK');
    const announced = Number(cut.headers['content-length']);
    assert.equal(cut.body.length, 20);
    const whole = await statusQuery(uri, data.length);
    assert.equal(whole.status, 200);
    assert.equal(whole.body.length, announced);
    assert.deepEqual(whole.body.subarray(0, 20), cut.body);
    assert.equal(sb.media(whole.json().id)?.sha256, sha256(data));
  });

  test('the new actions are checked: storePartial may come with status, nothing else combines', () => {
    const { sb } = suite;
    const ok: Fault[] = [
      { on: 'upload-chunk', storePartial: 5, status: 503 },
      { on: 'upload-chunk', stallAfterBytes: 0, stallMs: 10 },
      { on: 'upload-chunk', brokenResponse: 0, nth: 3, atOffset: 0 },
    ];
    for (const f of ok) sb.faults.add(f);
    const bad = [
      { on: 'upload-chunk', status: 503, cutAfterBytes: 5 },
      { on: 'upload-chunk', stallAfterBytes: 5 },
      { on: 'upload-chunk', status: 503, nth: 0 },
      { on: 'upload-chunk', status: 503, atOffset: -1 },
      { on: 'upload-chunk', brokenResponse: 1.5 },
    ];
    for (const f of bad)
      assert.throws(() => sb.faults.add(f as unknown as Fault), TypeError, JSON.stringify(f));
  });
});
