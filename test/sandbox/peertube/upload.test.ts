// This file tests the PeerTube sandbox's resumable upload endpoint (PeerTube's validation around @uploadx/core) with
// plain HTTP: init validation and quota, uploadx's 201/308/200 answers, the video made at completion, cancel,
// the 503 of a last chunk sent again during creation, the 422 of an unreadable file, and resuming by re-init.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PeerTubeSandbox, startPeerTubeSandbox } from '../../../src/sandbox/peertube/index.js';
import {
  API,
  assertProblem,
  bearer,
  channelOf,
  initUpload,
  login,
  mp4,
  multipart,
  putChunk,
  request,
  sha256,
  startUpload,
  statusQuery,
  UPLOAD,
  uploadIdOf,
  uploadVideo,
} from './pt.js';

describe('PeerTube sandbox upload-resumable', () => {
  let sb: PeerTubeSandbox;
  let token: string;
  let channelId: number;
  before(async () => {
    sb = await startPeerTubeSandbox({ processingMs: 0 });
    token = (await login(sb)).access_token;
    channelId = await channelOf(sb, token);
  });
  after(() => sb.close());

  test('init: 201 with Location on the instance URL, no body; the session is uploadx', async () => {
    const r = await initUpload(sb, token, { name: 'Init', channelId, filename: 'clip.mp4' }, 1000);
    assert.equal(r.status, 201);
    assert.equal(r.body.length, 0);
    assert.equal(r.headers['cache-control'], 'no-store');
    const location = String(r.headers.location);
    assert.ok(location.startsWith(`${sb.url}${UPLOAD}?upload_id=`), location);
    const info = await sb.upload(uploadIdOf(location));
    assert.equal(info?.size, 1000);
    assert.equal(info?.stored, 0);
    assert.deepEqual(
      { name: info?.metadata.name, filename: info?.metadata.filename },
      { name: 'Init', filename: 'clip.mp4' },
    );
  });

  test('init validation: missing fields and headers are 400 with invalid-params, as express-validator reports', async () => {
    const r = await request(`${sb.url}${UPLOAD}`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    const body = assertProblem(r, 400, {
      type: 'about:blank',
      title: 'Bad Request',
      detail: 'Incorrect request parameters: filename, x-upload-content-length, x-upload-content-type',
      instance: UPLOAD,
      docs: 'https://docs.joinpeertube.org/api-rest-reference.html#operation/uploadResumableInit',
    });
    assert.deepEqual(body['invalid-params'].filename, {
      type: 'field',
      msg: 'Invalid value',
      path: 'filename',
      location: 'body',
    });
    const second = await initUpload(
      sb,
      token,
      { name: 'no', channelId: 'abc', filename: 'a.mp4', tags: ['x'] },
      10,
    );
    const b2 = assertProblem(second, 400, { detail: 'Incorrect request parameters: tags, name, channelId' });
    assert.equal(b2['invalid-params'].name.msg, 'Should have a video name between 3 and 120 characters long');
    assert.equal(
      b2['invalid-params'].tags.msg,
      'Should have an array of up to 5 tags between 2 and 30 characters each',
    );
  });

  test("init: unknown channel 404, another user's channel 403, a non-video type 415", async () => {
    assertProblem(await initUpload(sb, token, { name: 'Chan', channelId: 999, filename: 'a.mp4' }, 10), 404, {
      detail: 'Video channel not found',
    });
    sb.setUser('other');
    const otherChannel = sb.users().find((u) => u.username === 'other')!.channels[0]!.id;
    assertProblem(
      await initUpload(sb, token, { name: 'Chan', channelId: otherChannel, filename: 'a.mp4' }, 10),
      403,
      {},
    );
    const text = await initUpload(sb, token, { name: 'Text', channelId, filename: 'a.txt' }, 10, {
      'x-upload-content-type': 'text/plain',
    });
    const body = assertProblem(text, 415, {});
    assert.match(
      body.detail,
      /^This file is not supported\. Please, make sure it is of the following type: \.webm, \.ogv/,
    );
  });

  test('quota: a file that would reach the total or the daily quota is 413 quota_reached at init', async () => {
    sb.setUser('quota', { password: 'q-password', videoQuota: 5000, videoQuotaDaily: -1 });
    const q = (await login(sb, 'quota', 'q-password')).access_token;
    const qChannel = await channelOf(sb, q);
    await uploadVideo(sb, q, mp4(3000));
    const used = await request(`${sb.url}${API}/users/me/video-quota-used`, { headers: bearer(q) });
    assert.deepEqual(used.json(), { videoQuotaUsed: 3000, videoQuotaUsedDaily: 3000 });
    // 3000 + 2000 reaches 5000: PeerTube refuses an upload that would reach the quota, not only exceed it.
    const refused = await initUpload(sb, q, { name: 'Over', channelId: qChannel, filename: 'a.mp4' }, 2000);
    assertProblem(refused, 413, {
      code: 'quota_reached',
      type: 'https://docs.joinpeertube.org/api-rest-reference.html#section/Errors/quota_reached',
      detail: 'The user video quota is exceeded with this video',
    });
    assert.equal(
      (await initUpload(sb, q, { name: 'Fits', channelId: qChannel, filename: 'a.mp4' }, 1999)).status,
      201,
    );
    sb.setUser('quota', { videoQuota: -1, videoQuotaDaily: 4000 });
    assertProblem(
      await initUpload(sb, q, { name: 'Daily', channelId: qChannel, filename: 'a.mp4' }, 1000),
      413,
      {
        code: 'quota_reached',
      },
    );
  });

  test("chunks: 308 with uploadx's Range (bytes=0--1 when empty), then 200 {video}; the session is then 404", async () => {
    const data = mp4(3000);
    const location = await startUpload(sb, token, data.length, {
      name: 'Chunked',
      tags: ['one', 'two'],
      privacy: 2,
    });
    const empty = await statusQuery(location, token, data.length);
    assert.equal(empty.status, 308);
    assert.equal(empty.headers.range, 'bytes=0--1');
    const part = await putChunk(location, token, data.subarray(0, 1000), 0, data.length);
    assert.equal(part.status, 308);
    assert.equal(part.statusMessage, 'Resume Incomplete');
    assert.equal(part.headers.range, 'bytes=0-999');
    assert.equal((await statusQuery(location, token, data.length)).headers.range, 'bytes=0-999');
    const done = await putChunk(location, token, data.subarray(1000), 1000, data.length);
    assert.equal(done.status, 200);
    assert.equal(done.headers['content-type'], 'application/json; charset=utf-8');
    const { video } = done.json();
    assert.deepEqual(Object.keys(video), ['id', 'shortUUID', 'uuid']);
    assert.deepEqual(await sb.media(video.id), { size: 3000, sha256: sha256(data) });
    const details = sb.video(video.shortUUID)!;
    assert.deepEqual(
      [details.name, details.tags, (details.privacy as { id: number }).id],
      ['Chunked', ['one', 'two'], 2],
    );
    const again = await statusQuery(location, token, data.length);
    assert.equal(again.status, 404);
    assert.deepEqual(again.json(), { error: { code: 'FileNotFound', message: 'Not found' } });
    assert.equal(await sb.upload(uploadIdOf(location)), undefined);
  });

  test("a chunk past the declared size is 409 FileConflict; another user's upload 403 Forbidden", async () => {
    const location = await startUpload(sb, token, 100);
    const over = await putChunk(location, token, mp4(150), 0, 100);
    assert.equal(over.status, 409);
    assert.deepEqual(over.json(), { error: { code: 'FileConflict', message: 'File conflict' } });
    sb.setUser('mallory', { password: 'm-password' });
    const m = (await login(sb, 'mallory', 'm-password')).access_token;
    const stolen = await putChunk(location, m, mp4(100), 0, 100);
    assert.equal(stolen.status, 403);
    assert.equal(stolen.json().error.code, 'Forbidden');
  });

  test('DELETE cancels: 204, then the session is 404', async () => {
    const location = await startUpload(sb, token, 500);
    await putChunk(location, token, mp4(200), 0, 500);
    const cancel = await request(location, { method: 'DELETE', headers: bearer(token) });
    assert.equal(cancel.status, 204);
    assert.equal((await statusQuery(location, token, 500)).status, 404);
  });

  test('an unreadable file is 422 "Video file unreadable." at the last chunk and the session is dropped', async () => {
    const location = await startUpload(sb, token, 100);
    const r = await putChunk(location, token, Buffer.alloc(100, 0x41), 0, 100);
    assertProblem(r, 422, {
      detail: 'Video file unreadable.',
      docs: 'https://docs.joinpeertube.org/api-rest-reference.html#operation/uploadResumable',
    });
    assert.equal((await statusQuery(location, token, 100)).status, 404);
  });

  test('the same init with lastModified resumes the upload: 200 with Range (uploadx keys uploads by it)', async () => {
    const meta = { name: 'Again', channelId, filename: 'again.mp4', lastModified: 1700000000000 };
    const first = await initUpload(sb, token, meta, 400);
    assert.equal(first.status, 201);
    await putChunk(String(first.headers.location), token, mp4(100), 0, 400);
    const second = await initUpload(sb, token, meta, 400);
    assert.equal(second.status, 200);
    assert.equal(second.headers.location, first.headers.location);
    assert.equal(second.headers.range, 'bytes=0-99');
  });

  test('a multipart init with a thumbnail: the video gets it', async () => {
    const thumb = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(50, 1)]);
    const body = multipart(
      { name: 'With thumbnail', channelId: String(channelId), filename: 'thumb.mp4' },
      { thumbnailfile: { filename: 't.png', type: 'image/png', data: thumb } },
    );
    const r = await request(`${sb.url}${UPLOAD}`, {
      method: 'POST',
      headers: {
        ...bearer(token),
        ...body.headers,
        'x-upload-content-length': '64',
        'x-upload-content-type': 'video/mp4',
      },
      body: body.body,
    });
    assert.equal(r.status, 201, r.text);
    const done = await putChunk(String(r.headers.location), token, mp4(64), 0, 64);
    assert.equal(done.status, 200, done.text);
    assert.deepEqual(sb.thumbnail(done.json().video.id), {
      size: thumb.length,
      sha256: sha256(thumb),
      mimeType: 'image/png',
    });
  });
});

describe('PeerTube sandbox video creation delay', () => {
  test('the last chunk sent again while the video is created gets 503 with Retry-After: 300, then 404', async () => {
    const sb = await startPeerTubeSandbox({ processingMs: 0, creationDelayMs: 400 });
    try {
      const token = (await login(sb)).access_token;
      const data = mp4(200);
      const location = await startUpload(sb, token, data.length);
      const first = putChunk(location, token, data, 0, data.length);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const again = await putChunk(location, token, data, 0, data.length);
      assertProblem(again, 503, { detail: 'The upload is already being processed' });
      assert.equal(again.headers['retry-after'], '300');
      assert.equal((await first).status, 200);
      assert.equal((await putChunk(location, token, data, 0, data.length)).status, 404);
      const mine = await request(`${sb.url}${API}/users/me/videos`, { headers: bearer(token) });
      assert.equal(mine.json().total, 1, 'one video');
    } finally {
      await sb.close();
    }
  });
});
