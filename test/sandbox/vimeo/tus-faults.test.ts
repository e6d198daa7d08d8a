// This file tests every fault action around @tus/server with plain HTTP: the bytes a fault lets through are really
// stored by tus (HEAD tells), errors come with Retry-After that is enforced, and a final answer can be lost.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startVimeoSandbox, type VimeoSandbox } from '../../../src/sandbox/vimeo/index.js';
import { fakeMp4, manualClock, sha256 } from '../http.js';
import { api, createVideo, head, patch } from './helpers.js';

/** A raw PATCH on its own connection; resolves with every byte the server sent until it closed. */
function rawPatch(link: string, offset: number, data: Buffer, writeAll = true): Promise<string> {
  const u = new URL(link);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? undefined : reject(err)));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.write(
      [
        `PATCH ${u.pathname} HTTP/1.1`,
        `Host: ${u.host}`,
        'Tus-Resumable: 1.0.0',
        `Upload-Offset: ${offset}`,
        'Content-Type: application/offset+octet-stream',
        `Content-Length: ${data.length}`,
        '',
        '',
      ].join('\r\n'),
    );
    if (writeAll) socket.write(data);
    else socket.end();
  });
}

const offsetOf = async (link: string) => Number((await head(link)).headers['upload-offset']);

describe('vimeo emulator: faults around @tus/server', () => {
  let sb: VimeoSandbox;
  let token: string;
  const clock = manualClock();
  before(async () => {
    sb = await startVimeoSandbox({ now: clock.now, processingMs: 0 });
    token = sb.mintToken();
  });
  beforeEach(() => {
    sb.faults.clear();
    sb.clearRequests();
  });
  after(() => sb.close());

  test('status + retryAfter: a plain-text tus error, nothing stored, and the same error until the time passed', async () => {
    const data = fakeMp4(1000);
    const { link } = await createVideo(sb, token, data.length);
    sb.faults.add({ on: 'upload-chunk', status: 503, retryAfter: 30 });
    const refused = await patch(link, 0, data);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], '30');
    assert.equal(refused.headers['tus-resumable'], '1.0.0');
    assert.match(refused.headers['content-type'] ?? '', /^text\/plain/);
    const early = await head(link);
    assert.equal(early.status, 503, 'a HEAD on the same upload before Retry-After gets the error again');
    assert.equal(early.headers['retry-after'], '30');
    clock.advance(30_000);
    assert.equal(await offsetOf(link), 0);
    assert.equal((await patch(link, 0, data)).status, 204);
    assert.deepEqual(
      sb.requests.filter((e) => e.host === 'upload').map((e) => [e.method, e.status, e.tooEarly]),
      [
        ['PATCH', 503, undefined],
        ['HEAD', 503, true],
        ['HEAD', 200, undefined],
        ['PATCH', 204, undefined],
      ],
    );
  });

  test('cutAfterBytes K: the connection is reset after K bytes and tus keeps them; 0 resets before the body', async () => {
    const data = fakeMp4(200_000);
    const { id, link } = await createVideo(sb, token, data.length);
    sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 0 });
    const before = await rawPatch(link, 0, data);
    assert.equal(before, '', 'no answer');
    assert.equal(await offsetOf(link), 0);
    sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 70_000 });
    assert.equal(await rawPatch(link, 0, data), '');
    assert.equal(await offsetOf(link), 70_000);
    assert.equal((await patch(link, 70_000, data.subarray(70_000))).status, 204);
    assert.deepEqual(sb.media(id), { size: data.length, sha256: sha256(data) });
    const cut = sb.requests.filter((e) => e.fault && 'cutAfterBytes' in e.fault);
    assert.deepEqual(
      cut.map((e) => [e.status, e.offsetAfter]),
      [
        [0, 0],
        [0, 70_000],
      ],
    );
  });

  test('storePartial K: 204 with the shorter Upload-Offset; with a status, K bytes stored then the error', async () => {
    const data = fakeMp4(100_000);
    const { id, link } = await createVideo(sb, token, data.length);
    sb.faults.add({ on: 'upload-chunk', storePartial: 30_000 });
    const short = await patch(link, 0, data);
    assert.equal(short.status, 204);
    assert.equal(short.headers['upload-offset'], '30000');
    sb.faults.add({ on: 'upload-chunk', storePartial: 20_000, status: 500 });
    const failed = await patch(link, 30_000, data.subarray(30_000));
    assert.equal(failed.status, 500);
    assert.equal(await offsetOf(link), 50_000);
    await patch(link, 50_000, data.subarray(50_000));
    assert.deepEqual(sb.media(id), { size: data.length, sha256: sha256(data) });
  });

  test('expireSession: tus answers 410 Gone to this request and every later one on the upload', async () => {
    const { link } = await createVideo(sb, token, 100);
    await patch(link, 0, Buffer.alloc(40));
    sb.faults.add({ on: 'upload-status', expireSession: true });
    assert.equal((await head(link)).status, 410);
    assert.equal((await patch(link, 40, Buffer.alloc(60))).status, 410);
  });

  test('delayMs answers late; bytesPerSec reads the body slowly', async () => {
    const { link } = await createVideo(sb, token, 20_000);
    sb.faults.add({ on: 'upload-status', delayMs: 150 });
    let started = Date.now();
    assert.equal((await head(link)).status, 200);
    assert.ok(Date.now() - started >= 140, `answered after ${Date.now() - started} ms`);
    sb.faults.add({ on: 'upload-chunk', bytesPerSec: 50_000 });
    started = Date.now();
    assert.equal((await patch(link, 0, Buffer.alloc(20_000))).status, 204);
    assert.ok(Date.now() - started >= 350, `20 kB at 50 kB/s took ${Date.now() - started} ms`);
  });

  test('stallAfterBytes: reading stops after K bytes; a newer request on the upload ends the stall, K stay stored', async () => {
    const data = fakeMp4(100_000);
    const { link } = await createVideo(sb, token, data.length);
    sb.faults.add({ on: 'upload-chunk', stallAfterBytes: 40_000, stallMs: 60_000 });
    const stalled = rawPatch(link, 0, data);
    await new Promise((done) => setTimeout(done, 200));
    const started = Date.now();
    assert.equal(await offsetOf(link), 40_000);
    assert.ok(Date.now() - started < 5_000, 'the HEAD did not wait for the stall');
    assert.equal(await stalled, '', 'the stalled request is dropped unanswered');
    assert.equal((await patch(link, 40_000, data.subarray(40_000))).status, 204);
  });

  test('brokenResponse waits for the PATCH that carries the last byte: stored and complete, the answer cut', async () => {
    const data = fakeMp4(50_000);
    const { id, link } = await createVideo(sb, token, data.length);
    sb.faults.add({ on: 'upload-chunk', brokenResponse: 12 });
    assert.equal(
      (await patch(link, 0, data.subarray(0, 20_000))).status,
      204,
      'not the last byte: untouched',
    );
    const answer = await rawPatch(link, 20_000, data.subarray(20_000));
    assert.equal(answer, 'HTTP/1.1 204');
    assert.deepEqual(sb.media(id), { size: data.length, sha256: sha256(data) });
    assert.equal(await offsetOf(link), data.length);
    assert.deepEqual(sb.faults.pending(), []);
  });

  test('times, nth and atOffset pick the requests a fault hits', async () => {
    const data = fakeMp4(40_000);
    const { link } = await createVideo(sb, token, data.length);
    sb.faults.add({ on: 'upload-chunk', atOffset: 20_000, status: 500, times: 2 });
    sb.faults.add({ on: 'upload-status', nth: 2, status: 502 });
    assert.equal((await patch(link, 0, data.subarray(0, 20_000))).status, 204);
    assert.equal((await head(link)).status, 200);
    assert.equal((await head(link)).status, 502);
    assert.equal((await patch(link, 20_000, data.subarray(20_000))).status, 500);
    assert.equal((await patch(link, 20_000, data.subarray(20_000))).status, 500);
    assert.equal((await patch(link, 20_000, data.subarray(20_000))).status, 204);
  });

  test('upload-init and api faults answer in Vimeo’s error shape; nothing is created', async () => {
    const count = sb.videoIds().length;
    sb.faults.add({ on: 'upload-init', status: 500 });
    const r = await api(sb, 'POST', '/me/videos', { token, body: { upload: { approach: 'tus', size: 5 } } });
    assert.equal(r.status, 500);
    assert.equal(r.json().error_code, 4003);
    assert.equal(sb.videoIds().length, count);
    sb.faults.add({ on: { method: 'GET', path: '/me' }, status: 429, reason: '9000', retryAfter: 10 });
    assert.equal((await api(sb, 'GET', '/me', { token })).json().error_code, 9000);
    const again = await api(sb, 'GET', '/me', { token });
    assert.equal(again.status, 429);
    assert.equal(sb.requests.at(-1)?.tooEarly, true);
    clock.advance(10_000);
    assert.equal((await api(sb, 'GET', '/me', { token })).status, 200);
  });
});
