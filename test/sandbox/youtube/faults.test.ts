// This file tests every scripted fault (status, cut, partial store, session expiry, slowness) and the request log.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type Fault, type Sandbox, startSandbox } from '../../../src/sandbox/youtube/index.js';
import {
  bearer,
  fakeMp4,
  KiB256,
  manualClock,
  meta,
  putChunk,
  reason,
  request,
  sha256,
  startSession,
  statusQuery,
  uploadVideo,
} from '../http.js';

describe('sandbox faults', () => {
  let sb: Sandbox;
  let token: string;
  const clock = manualClock();
  before(async () => {
    sb = await startSandbox({ dailyQuota: 1e9, now: clock.now });
    token = sb.mintToken().access_token;
  });
  beforeEach(() => {
    sb.faults.clear();
    sb.clearRequests();
  });
  after(() => sb.close());

  test('a 503 with Retry-After on a chunk stores nothing; the retry succeeds', async () => {
    const data = fakeMp4(KiB256 + 5);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', status: 503, retryAfter: 7 });
    const r = await request(uri, { method: 'PUT', body: data });
    assert.equal(r.status, 503);
    assert.equal(r.headers['retry-after'], '7');
    assert.equal(reason(r), 'backendError');
    const id = new URL(uri).searchParams.get('upload_id')!;
    assert.equal(sb.session(id)?.stored, 0);
    clock.advance(7000);
    assert.equal((await statusQuery(uri, data.length)).headers.range, undefined);
    const ok = await request(uri, { method: 'PUT', body: data });
    assert.equal(ok.status, 200);
    const log = sb.requests.filter((e) => e.kind === 'upload-chunk');
    assert.deepEqual(
      log.map((e) => e.status),
      [503, 200],
    );
    assert.equal(log[0]!.storedAfter, 0);
  });

  test('cutAfterBytes destroys the connection mid-body and keeps the bytes received', async () => {
    const data = fakeMp4(4 * KiB256);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 100_000 });
    await assert.rejects(request(uri, { method: 'PUT', body: data }));
    const q = await statusQuery(uri, data.length);
    assert.equal(q.status, 308);
    assert.equal(q.headers.range, 'bytes=0-99999');
    const cut = sb.requests.find((e) => e.kind === 'upload-chunk')!;
    assert.equal(cut.status, 0);
    assert.equal(cut.bodyBytes, 100_000);
    assert.equal(cut.storedAfter, 100_000);
    const rest = await putChunk(uri, data.subarray(100_000), 100_000, data.length);
    assert.equal(rest.status, 200);
    assert.equal(sb.media(rest.json().id)?.sha256, sha256(data));
  });

  test('a client that disconnects mid-chunk keeps the bytes that arrived, and the session goes on', async () => {
    const data = fakeMp4(4 * KiB256);
    const uri = await startSession(sb, token);
    const req = httpRequest(uri, {
      method: 'PUT',
      agent: false,
      headers: { 'content-length': String(data.length) },
    });
    req.on('error', () => {});
    req.write(data.subarray(0, 300_000));
    const chunk = () => sb.requests.find((e) => e.kind === 'upload-chunk');
    while ((chunk()?.bodyBytes ?? 0) < 300_000) await delay(2);
    req.destroy();
    const q = await statusQuery(uri, data.length);
    assert.equal(q.status, 308);
    assert.equal(q.headers.range, `bytes=0-${chunk()!.bodyBytes - 1}`);
    assert.equal(chunk()!.storedAfter, 300_000);
    const rest = await putChunk(uri, data.subarray(300_000), 300_000, data.length);
    assert.equal(sb.media(rest.json().id)?.sha256, sha256(data));
  });

  test('a cut after the whole final chunk still creates the video; the status query returns it', async () => {
    const data = fakeMp4(5000);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 1_000_000 });
    await assert.rejects(request(uri, { method: 'PUT', body: data }));
    const q = await statusQuery(uri, data.length);
    assert.equal(q.status, 200);
    assert.equal(sb.media(q.json().id)?.sha256, sha256(data));
  });

  test('storePartial keeps N bytes of a chunk, off any 256 KiB boundary, and answers 308', async () => {
    const data = fakeMp4(3 * KiB256);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', storePartial: 12345 });
    const r = await putChunk(uri, data.subarray(0, 2 * KiB256), 0, data.length);
    assert.equal(r.status, 308);
    assert.equal(r.headers.range, 'bytes=0-12344');
    const rest = await putChunk(uri, data.subarray(12345), 12345, data.length);
    assert.equal(rest.status, 200);
    assert.equal(sb.media(rest.json().id)?.sha256, sha256(data));
  });

  test('expireSession makes this and every later request on the session 404', async () => {
    const uri = await startSession(sb, token);
    await putChunk(uri, fakeMp4(KiB256), 0, '*');
    sb.faults.add({ on: 'upload-status', expireSession: true });
    assert.equal((await statusQuery(uri, '*')).status, 404);
    const later = await putChunk(uri, fakeMp4(KiB256), KiB256, '*');
    assert.equal(later.status, 404);
    assert.equal(reason(later), 'notFound');
  });

  test('expireSession waits for a request that targets a session', async () => {
    sb.faults.add({ on: { method: 'PUT' }, expireSession: true });
    const me = await request(`${sb.url}/youtube/v3/videos?part=snippet`, {
      method: 'PUT',
      headers: bearer(token),
      body: '{}',
    });
    assert.notEqual(me.status, 404);
    assert.equal(sb.faults.pending().length, 1);
  });

  test('times repeats a fault; pending shows what is left and clear drops it', async () => {
    sb.faults.add({ on: 'api', status: 500, times: 3 });
    const list = () =>
      request(`${sb.url}/youtube/v3/videoCategories?part=snippet&regionCode=US`, { headers: bearer(token) });
    assert.equal((await list()).status, 500);
    assert.equal(sb.faults.pending()[0]!.times, 2);
    assert.equal((await list()).status, 500);
    sb.faults.clear();
    assert.equal((await list()).status, 200);
  });

  test('a fault on {method, path} hits only matching requests; path* is a prefix', async () => {
    sb.faults.add({ on: { method: 'GET', path: '/youtube/v3/channels' }, status: 429 });
    sb.faults.add({ on: { path: '/youtube/v3/play*' }, status: 503 });
    const cats = await request(`${sb.url}/youtube/v3/videoCategories?part=snippet&regionCode=US`, {
      headers: bearer(token),
    });
    assert.equal(cats.status, 200);
    const ch = await request(`${sb.url}/youtube/v3/channels?part=id&mine=true`, { headers: bearer(token) });
    assert.equal(ch.status, 429);
    assert.equal(reason(ch), 'rateLimitExceeded');
    assert.equal(ch.json().error.errors[0].domain, 'usageLimits');
    const pl = await request(`${sb.url}/youtube/v3/playlists?part=id&mine=true`, { headers: bearer(token) });
    assert.equal(pl.status, 503);
  });

  test('reason and message of a status fault reach the Google error body', async () => {
    sb.faults.add({ on: 'upload-init', status: 403, reason: 'quotaExceeded', message: 'no more' });
    const r = await request(`${sb.url}/upload/youtube/v3/videos?uploadType=resumable&part=snippet`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify(meta()),
    });
    assert.equal(r.status, 403);
    assert.deepEqual(r.json().error.errors[0], {
      domain: 'youtube.quota',
      reason: 'quotaExceeded',
      message: 'no more',
    });
    assert.equal(r.headers.location, undefined);
  });

  test('token and revoke faults answer in the OAuth error shape', async () => {
    sb.faults.add({ on: 'token', status: 503 });
    sb.faults.add({ on: 'revoke', status: 400, reason: 'invalid_request' });
    const t = await request(`${sb.url}/token`, { method: 'POST', body: 'grant_type=refresh_token' });
    assert.equal(t.status, 503);
    assert.equal(typeof t.json().error, 'string');
    const rv = await request(`${sb.url}/revoke?token=abc`, { method: 'POST' });
    assert.equal(rv.json().error, 'invalid_request');
  });

  test('thumbnail and caption faults hit those uploads only', async () => {
    sb.faults.add({ on: 'thumbnail', status: 429, reason: 'uploadRateLimitExceeded' });
    sb.faults.add({ on: 'caption', status: 500 });
    const v = await uploadVideo(sb, token, fakeMp4(1000));
    const th = await request(`${sb.url}/upload/youtube/v3/thumbnails/set?videoId=${v.id}`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'image/png' },
      body: 'x',
    });
    assert.equal(th.status, 429);
    assert.equal(reason(th), 'uploadRateLimitExceeded');
    const cap = await request(`${sb.url}/upload/youtube/v3/captions?part=snippet`, {
      method: 'POST',
      headers: bearer(token),
    });
    assert.equal(cap.status, 500);
    assert.equal(reason(cap), 'internalError');
  });

  test('cutAfterBytes on a JSON API call cuts it before anything changes', async () => {
    const v = await uploadVideo(sb, token, fakeMp4(1000));
    sb.faults.add({ on: 'api', cutAfterBytes: 10 });
    const body = JSON.stringify({ id: v.id, snippet: { title: 'changed', categoryId: '22' } });
    await assert.rejects(
      request(`${sb.url}/youtube/v3/videos?part=snippet`, {
        method: 'PUT',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body,
      }),
    );
    assert.equal((sb.video(v.id)!.snippet as { title: string }).title, 'A title');
  });

  test('delayMs answers late and bytesPerSec reads the body slowly', async () => {
    sb.faults.add({ on: 'api', delayMs: 150 });
    let t = Date.now();
    await request(`${sb.url}/youtube/v3/videoCategories?part=snippet&regionCode=US`, {
      headers: bearer(token),
    });
    assert.ok(Date.now() - t >= 140);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', bytesPerSec: 100_000 });
    t = Date.now();
    const r = await request(uri, { method: 'PUT', body: fakeMp4(30_000) });
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t >= 250, `took ${Date.now() - t} ms`);
  });

  test('invalid faults are refused', () => {
    assert.throws(() => sb.faults.add({ on: 'nope' } as unknown as Fault), TypeError);
    assert.throws(() => sb.faults.add({ on: 'api', status: 200 }), TypeError);
    assert.throws(
      () => sb.faults.add({ on: 'api', status: 500, cutAfterBytes: 3 } as unknown as Fault),
      TypeError,
    );
  });

  test('the request log records method, path, redacted headers, JSON bodies and offsets', async () => {
    const data = fakeMp4(KiB256 + 7);
    const uri = await startSession(sb, token, meta('Logged'));
    await putChunk(uri, data.subarray(0, KiB256), 0, data.length);
    await putChunk(uri, data.subarray(KiB256), KiB256, data.length);
    await request(`${sb.url}/revoke?token=secret-value`, { method: 'POST' });
    const [init, c1, c2, rv] = sb.requests;
    assert.equal(init!.kind, 'upload-init');
    assert.equal(init!.headers.authorization, 'Bearer ***');
    assert.equal((init!.json as { snippet: { title: string } }).snippet.title, 'Logged');
    assert.equal(init!.status, 200);
    assert.deepEqual(init!.query.part, 'snippet,status');
    assert.equal(c1!.firstByte, 0);
    assert.equal(c1!.storedAfter, KiB256);
    assert.equal(c1!.bodyBytes, KiB256);
    assert.equal(c2!.firstByte, KiB256);
    assert.equal(c2!.storedAfter, data.length);
    assert.equal(c2!.uploadId, c1!.uploadId);
    assert.equal(rv!.query.token, '***');
    assert.ok(!JSON.stringify(sb.requests).includes(token));
  });
});
