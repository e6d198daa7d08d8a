// This file tests the fault actions of issue 14 with plain HTTP: Retry-After enforced, keep K bytes then fail,
// stall, aim at the Nth request or an offset, and a broken final answer.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type Fault, type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { waitFor } from '../helpers/wait.js';
import {
  bearer,
  fakeMp4,
  KiB256,
  manualClock,
  putChunk,
  reason,
  request,
  sha256,
  startSession,
  statusQuery,
} from './http.js';

/** Sends one raw HTTP/1.1 request and resolves with every byte the server sent until it closed the connection. */
function raw(url: string, head: string[], body: Buffer): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    const lines = [`PUT ${u.pathname}${u.search} HTTP/1.1`, `Host: ${u.host}`, ...head];
    socket.write(`${lines.join('\r\n')}\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body);
  });
}

const ERROR_503 = {
  error: {
    code: 503,
    message: 'Backend Error',
    errors: [{ domain: 'global', reason: 'backendError', message: 'Backend Error' }],
    status: 'UNAVAILABLE',
  },
};

describe('sandbox fault actions', () => {
  let sb: Sandbox;
  let token: string;
  const clock = manualClock();
  const idOf = (uri: string) => new URL(uri).searchParams.get('upload_id')!;
  before(async () => {
    sb = await startSandbox({ dailyQuota: 1e9, now: clock.now });
    token = sb.mintToken({ ttlSec: 86_400 }).access_token;
  });
  beforeEach(() => {
    sb.faults.clear();
    sb.clearRequests();
  });
  after(() => sb.close());

  test('a request on the session before Retry-After has passed gets the same error again', async () => {
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
    const data = fakeMp4(3 * KiB256);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 10, atOffset: 2 * KiB256 });
    await statusQuery(uri, data.length);
    assert.equal((await putChunk(uri, data.subarray(0, KiB256), 0, data.length)).status, 308);
    assert.equal((await putChunk(uri, data.subarray(KiB256, 2 * KiB256), KiB256, data.length)).status, 308);
    await assert.rejects(putChunk(uri, data.subarray(2 * KiB256), 2 * KiB256, data.length));
    assert.equal(sb.session(idOf(uri))?.stored, 2 * KiB256 + 10);
    assert.equal(sb.requests.filter((r) => r.fault).length, 1);
  });

  test('brokenResponse cuts the final answer after B bytes; a status query gets it whole', async () => {
    const data = fakeMp4(2 * KiB256);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', brokenResponse: 20 });
    // A chunk that cannot finish the upload leaves the fault waiting.
    assert.equal((await putChunk(uri, data.subarray(0, KiB256), 0, data.length)).status, 308);
    const text = await raw(
      uri,
      [`Content-Range: bytes ${KiB256}-${2 * KiB256 - 1}/${data.length}`],
      data.subarray(KiB256),
    );
    const [head, body] = text.split('\r\n\r\n') as [string, string];
    assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
    const announced = Number(/content-length: (\d+)/i.exec(head)?.[1]);
    assert.equal(body.length, 20);
    const whole = await statusQuery(uri, data.length);
    assert.equal(whole.status, 200);
    assert.equal(whole.body.length, announced);
    assert.equal(whole.text.slice(0, 20), body);
    assert.equal(sb.media(whole.json().id)?.sha256, sha256(data));
  });

  test('the new actions are checked: storePartial may come with status, nothing else combines', () => {
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
