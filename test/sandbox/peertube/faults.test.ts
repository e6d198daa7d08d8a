// This file tests every fault action of the PeerTube sandbox with plain HTTP, applied around uploadx: what a cut,
// a partial store, a stall or an expired session leaves in uploadx's storage, answers in PeerTube's shape, Retry-After
// held, broken final answers, and the admin API under /__sandbox/.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type PeerTubeSandbox, startPeerTubeSandbox } from '../../../src/sandbox/peertube/index.js';
import { waitFor } from '../../helpers/wait.js';
import { manualClock } from '../http.js';
import {
  API,
  assertProblem,
  bearer,
  login,
  mp4,
  putChunk,
  request,
  sha256,
  startUpload,
  statusQuery,
  tokenRequest,
  uploadIdOf,
} from './pt.js';

describe('PeerTube sandbox faults', () => {
  let sb: PeerTubeSandbox;
  let token: string;
  const clock = manualClock();
  before(async () => {
    sb = await startPeerTubeSandbox({ processingMs: 0, now: clock.now });
    token = (await login(sb)).access_token;
  });
  beforeEach(() => {
    sb.faults.clear();
    sb.clearRequests();
  });
  after(() => sb.close());
  const stored = async (location: string) => (await sb.upload(uploadIdOf(location)))?.stored;
  const myVideos = async () =>
    (await request(`${sb.url}${API}/users/me/videos`, { headers: bearer(token) })).json();

  test('status: the front end refuses the chunk in problem+json and uploadx stores nothing', async () => {
    const location = await startUpload(sb, token, 2000);
    sb.clearRequests();
    sb.faults.add({ on: 'upload-chunk', status: 503 });
    const r = await putChunk(location, token, mp4(1000), 0, 2000);
    assertProblem(r, 503, {
      type: 'about:blank',
      title: 'Service Unavailable',
      detail: 'Injected by the sandbox.',
    });
    assert.equal(await stored(location), 0);
    assert.equal((await statusQuery(location, token, 2000)).headers.range, 'bytes=0--1');
    assert.deepEqual(
      sb.requests.map((e) => [e.kind, e.status]),
      [
        ['upload-chunk', 503],
        ['upload-status', 308],
      ],
    );
  });

  test('retryAfter: a request on the upload before the time has passed gets the same error again', async () => {
    const location = await startUpload(sb, token, 2000);
    sb.faults.add({ on: 'upload-chunk', status: 429, retryAfter: 60, reason: 'too_many_requests' });
    const first = await putChunk(location, token, mp4(1000), 0, 2000);
    assertProblem(first, 429, { code: 'too_many_requests' });
    assert.equal(first.headers['retry-after'], '60');
    clock.advance(20_000);
    const early = await statusQuery(location, token, 2000);
    assertProblem(early, 429, { code: 'too_many_requests' });
    assert.equal(early.headers['retry-after'], '40');
    assert.equal(sb.requests.at(-1)?.tooEarly, true);
    clock.advance(40_000);
    assert.equal((await statusQuery(location, token, 2000)).status, 308);
  });

  test('cutAfterBytes K: the connection resets after K bytes and uploadx keeps exactly those K bytes', async () => {
    const data = mp4(4000);
    const location = await startUpload(sb, token, data.length);
    sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 1234 });
    await assert.rejects(putChunk(location, token, data.subarray(0, 3000), 0, data.length));
    assert.equal(await stored(location), 1234);
    const q = await statusQuery(location, token, data.length);
    assert.equal(q.headers.range, 'bytes=0-1233');
    const rest = await putChunk(location, token, data.subarray(1234), 1234, data.length);
    assert.equal(rest.status, 200, rest.text);
    assert.deepEqual(await sb.media(rest.json().video.id), { size: data.length, sha256: sha256(data) });
  });

  test('cutAfterBytes 0: reset before the body, nothing stored', async () => {
    const location = await startUpload(sb, token, 1000);
    sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 0 });
    await assert.rejects(putChunk(location, token, mp4(1000), 0, 1000));
    assert.equal(await stored(location), 0);
  });

  test('cutAfterBytes past the last byte: the video is made, the answer lost; the session is then 404', async () => {
    const before = (await myVideos()).total;
    const data = mp4(800);
    const location = await startUpload(sb, token, data.length, { name: 'Answer lost' });
    sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 800 });
    await assert.rejects(putChunk(location, token, data, 0, data.length));
    assert.equal((await statusQuery(location, token, data.length)).status, 404);
    const mine = await myVideos();
    assert.equal(mine.total, before + 1);
    assert.ok(mine.data.some((v: { name: string }) => v.name === 'Answer lost'));
  });

  test('storePartial K: uploadx stores K bytes and answers its own 308 with the shorter Range', async () => {
    const location = await startUpload(sb, token, 3000);
    sb.faults.add({ on: 'upload-chunk', storePartial: 700 });
    const r = await putChunk(location, token, mp4(2000), 0, 3000);
    assert.equal(r.status, 308);
    assert.equal(r.headers.range, 'bytes=0-699');
    assert.equal(await stored(location), 700);
  });

  test('storePartial K + status: K bytes stored, then the error', async () => {
    const location = await startUpload(sb, token, 3000);
    sb.faults.add({ on: 'upload-chunk', storePartial: 500, status: 503 });
    assertProblem(await putChunk(location, token, mp4(2000), 0, 3000), 503, {});
    assert.equal(await stored(location), 500);
    assert.equal((await statusQuery(location, token, 3000)).headers.range, 'bytes=0-499');
  });

  test('expireSession: the upload is gone from uploadx, which answers 404 to this and later requests', async () => {
    const location = await startUpload(sb, token, 3000);
    await putChunk(location, token, mp4(1000), 0, 3000);
    sb.faults.add({ on: 'upload-status', expireSession: true });
    const r = await statusQuery(location, token, 3000);
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), { error: { code: 'FileNotFound', message: 'Not found' } });
    assert.equal((await putChunk(location, token, mp4(1000), 1000, 3000)).status, 404);
    assert.equal(await sb.upload(uploadIdOf(location)), undefined);
  });

  test('delayMs answers late; bytesPerSec reads the body slowly', async () => {
    sb.faults.add({ on: 'api', delayMs: 250 });
    let t = Date.now();
    assert.equal((await request(`${sb.url}${API}/users/me`, { headers: bearer(token) })).status, 200);
    assert.ok(Date.now() - t >= 240, 'delayed');
    const location = await startUpload(sb, token, 20_000);
    sb.faults.add({ on: 'upload-chunk', bytesPerSec: 40_000 });
    t = Date.now();
    assert.equal((await putChunk(location, token, mp4(20_000), 0, 20_000)).status, 200);
    assert.ok(Date.now() - t >= 400, 'read at 40 kB/s');
  });

  test('stallAfterBytes: uploadx holds the K bytes; a newer request on the upload ends the stall', async () => {
    const location = await startUpload(sb, token, 5000);
    sb.faults.add({ on: 'upload-chunk', stallAfterBytes: 1500, stallMs: 60_000 });
    const stalled = putChunk(location, token, mp4(4000), 0, 5000).then(
      () => 'answered',
      () => 'gone',
    );
    await waitFor('the stall', () => sb.requests.find((e) => e.kind === 'upload-chunk')?.bodyBytes === 1500);
    const started = Date.now();
    const q = await statusQuery(location, token, 5000);
    assert.ok(Date.now() - started < 10_000);
    assert.equal(q.headers.range, 'bytes=0-1499');
    assert.equal(await stalled, 'gone');
  });

  test('brokenResponse on the last chunk: the video exists, the answer is cut short, a resend gets 404', async () => {
    const before = (await myVideos()).total;
    const data = mp4(3000);
    const location = await startUpload(sb, token, data.length, { name: 'Broken answer' });
    sb.faults.add({ on: 'upload-chunk', brokenResponse: 20 });
    assert.equal((await putChunk(location, token, data.subarray(0, 1000), 0, data.length)).status, 308);
    await assert.rejects(putChunk(location, token, data.subarray(1000), 1000, data.length));
    assert.equal((await putChunk(location, token, data.subarray(1000), 1000, data.length)).status, 404);
    const mine = await myVideos();
    assert.equal(mine.total, before + 1);
    const made = mine.data.find((v: { name: string }) => v.name === 'Broken answer');
    const source = await request(`${sb.url}${API}/videos/${made.id}/source`, { headers: bearer(token) });
    assert.deepEqual([source.json().inputFilename, source.json().size], ['a.mp4', 3000]);
  });

  test('nth, times and atOffset aim faults at the requests they name', async () => {
    const location = await startUpload(sb, token, 3000);
    sb.faults.add({ on: 'upload-chunk', status: 503, atOffset: 2000 });
    sb.faults.add({ on: 'upload-status', status: 500, nth: 2, times: 2 });
    assert.equal((await putChunk(location, token, mp4(1000), 0, 3000)).status, 308);
    assert.equal((await putChunk(location, token, mp4(1000), 1000, 3000)).status, 308);
    assert.equal((await statusQuery(location, token, 3000)).status, 308);
    assert.equal((await statusQuery(location, token, 3000)).status, 500);
    assert.equal((await statusQuery(location, token, 3000)).status, 500);
    assert.equal((await statusQuery(location, token, 3000)).status, 308);
    assertProblem(await putChunk(location, token, mp4(1000), 2000, 3000), 503, {});
    assert.deepEqual(sb.faults.pending(), []);
  });

  test('upload-init, token and {method, path} faults', async () => {
    sb.faults.add({ on: 'upload-init', status: 500 });
    const init = await request(`${sb.url}${API}/videos/upload-resumable`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json', 'x-upload-content-length': '5' },
      body: '{}',
    });
    assertProblem(init, 500, {});
    sb.faults.add({ on: 'token', status: 503, retryAfter: 5 });
    const t = await tokenRequest(sb, {
      grant_type: 'password',
      username: 'sandbox',
      password: 'sandbox-password',
    });
    assertProblem(t, 503, {});
    assert.equal(t.headers['retry-after'], '5');
    sb.faults.add({ on: { method: 'GET', path: '/api/v1/users/me*' }, status: 502 });
    assertProblem(
      await request(`${sb.url}${API}/users/me/video-quota-used`, { headers: bearer(token) }),
      502,
      {},
    );
  });

  test('admin API: POST, GET and DELETE /__sandbox/faults; a kind PeerTube has not is refused', async () => {
    const post = await request(`${sb.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify([{ on: 'upload-chunk', status: 503 }]),
    });
    assert.equal(post.status, 200);
    assert.deepEqual(post.json(), [{ on: 'upload-chunk', status: 503, times: 1 }]);
    const auth = await request(`${sb.url}/__sandbox/faults`, {
      method: 'POST',
      body: '{"on":"auth","status":500}',
    });
    assert.equal(auth.status, 400);
    assert.match(auth.json().error, /unknown kind "auth"/);
    assert.equal((await request(`${sb.url}/__sandbox/faults`)).json().length, 1);
    assert.equal((await request(`${sb.url}/__sandbox/faults`, { method: 'DELETE' })).status, 200);
    assert.deepEqual(sb.faults.pending(), []);
    const log = await request(`${sb.url}/__sandbox/requests`);
    assert.ok(Array.isArray(log.json()));
  });
});
