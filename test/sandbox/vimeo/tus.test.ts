// This file tests the Vimeo emulator's tus upload host with plain HTTP: it is @tus/server, so it answers as tus 1.0.0
// says (HEAD 200 with Upload-Offset and Upload-Length, PATCH 204, 409 on a wrong offset, 412 without Tus-Resumable).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startVimeoSandbox, type VimeoSandbox } from '../../../src/sandbox/vimeo/index.js';
import { fakeMp4, request, sha256 } from '../http.js';
import { api, createVideo, head, patch } from './helpers.js';

describe('vimeo emulator: tus upload host', () => {
  let sb: VimeoSandbox;
  let token: string;
  before(async () => {
    sb = await startVimeoSandbox({ processingMs: 0 });
    token = sb.mintToken();
  });
  beforeEach(() => sb.clearRequests());
  after(() => sb.close());

  test('HEAD tells Upload-Offset and Upload-Length; PATCHes in chunks move the offset; the last one completes', async () => {
    const data = fakeMp4(300_000);
    const { id, link } = await createVideo(sb, token, data.length);
    const first = await head(link);
    assert.equal(first.status, 200);
    assert.equal(first.headers['upload-offset'], '0');
    assert.equal(first.headers['upload-length'], '300000');
    assert.equal(first.headers['tus-resumable'], '1.0.0');
    assert.equal(first.headers['cache-control'], 'no-store');
    const a = await patch(link, 0, data.subarray(0, 100_000));
    assert.equal(a.status, 204);
    assert.equal(a.headers['upload-offset'], '100000');
    assert.equal(a.headers['content-length'], undefined, 'a 204 has no Content-Length');
    assert.ok(a.headers['upload-expires'], 'the file store tells when the upload expires');
    assert.equal((await head(link)).headers['upload-offset'], '100000');
    assert.equal(sb.media(id), undefined);
    const b = await patch(link, 100_000, data.subarray(100_000));
    assert.equal(b.status, 204);
    assert.equal(b.headers['upload-offset'], '300000');
    assert.deepEqual(sb.media(id), { size: data.length, sha256: sha256(data) });
    assert.equal((sb.video(id)!.upload as { status: string }).status, 'complete');
    assert.equal(sb.transcodeStatus(id), 'complete');
    assert.deepEqual(
      sb.requests
        .filter((e) => e.host === 'upload')
        .map((e) => [e.host, e.method, e.kind, e.offset, e.offsetAfter]),
      [
        ['upload', 'HEAD', 'upload-status', undefined, 0],
        ['upload', 'PATCH', 'upload-chunk', 0, 100_000],
        ['upload', 'HEAD', 'upload-status', undefined, 100_000],
        ['upload', 'PATCH', 'upload-chunk', 100_000, 300_000],
      ],
    );
    assert.ok(
      sb.requests.filter((e) => e.host === 'upload').every((e) => e.headers.authorization === undefined),
      'no Authorization reached the upload host',
    );
  });

  test('a PATCH at the wrong offset is 409 and stores nothing; past the length 413', async () => {
    const data = fakeMp4(1000);
    const { link } = await createVideo(sb, token, data.length);
    await patch(link, 0, data.subarray(0, 400));
    const conflict = await patch(link, 200, data.subarray(200, 600));
    assert.equal(conflict.status, 409);
    assert.equal(conflict.text, 'Upload-Offset conflict\n');
    assert.equal((await head(link)).headers['upload-offset'], '400');
    const tooLong = await patch(link, 400, Buffer.concat([data.subarray(400), Buffer.alloc(10)]));
    assert.equal(tooLong.status, 413);
    assert.equal((await head(link)).headers['upload-offset'], '400');
  });

  test('tus rules: 412 without Tus-Resumable, 400 on a wrong Content-Type, 404 on an unknown upload, 405 on GET', async () => {
    const { link } = await createVideo(sb, token, 10);
    const noVersion = await request(link, { method: 'HEAD' });
    assert.equal(noVersion.status, 412);
    const type = await patch(link, 0, Buffer.alloc(10), { 'content-type': 'application/octet-stream' });
    assert.equal(type.status, 400);
    assert.equal((await head(`${sb.uploadUrl}/files/vimeo-sandbox-src-tus/${'0'.repeat(32)}`)).status, 404);
    assert.equal((await request(link)).status, 405);
    assert.equal(
      (await request(link, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': '5' } }))
        .status,
      405,
    );
    assert.equal((await head(link)).headers['upload-offset'], '0');
  });

  test('bytes that are no video container upload completely but transcoding ends in error', async () => {
    const { id, link } = await createVideo(sb, token, 50);
    await patch(link, 0, Buffer.alloc(50, 7));
    assert.equal(sb.transcodeStatus(id), 'error');
    const status = (await api(sb, 'GET', `/videos/${id}?fields=transcode.status,status`, { token })).json();
    assert.deepEqual(status, { transcode: { status: 'error' }, status: 'transcoding_error' });
  });

  test('an upload link that expired answers 410 Gone (@tus/file-store’s expiration), a removed one 404', async () => {
    const a = await createVideo(sb, token, 10);
    await sb.expireUpload(a.id);
    assert.equal((await head(a.link)).status, 410);
    assert.equal((await patch(a.link, 0, Buffer.alloc(10))).status, 410);
    const b = await createVideo(sb, token, 10);
    await sb.expireUpload(b.id, 'remove');
    assert.equal((await head(b.link)).status, 404);
  });
});
