// This file tests the resumable upload protocol (API-NOTES §1) and the multipart/media inserts with plain HTTP.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../../src/sandbox/youtube/index.js';
import { parseContentRange } from '../../../src/sandbox/youtube/session.js';
import { fixture } from '../../helpers/paths.js';
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
} from '../http.js';

describe('sandbox resumable upload', () => {
  let sb: Sandbox;
  let token: string;
  const clock = manualClock();
  before(async () => {
    sb = await startSandbox({ now: clock.now, sessionTtlMs: 60_000, dailyQuota: 1e9 });
    token = sb.mintToken().access_token;
  });
  after(() => sb.close());

  test('initiation answers 200 with a session URI and no body', async () => {
    const r = await request(`${sb.url}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json', 'x-upload-content-length': '10' },
      body: JSON.stringify(meta()),
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
    assert.match(
      String(r.headers.location),
      /^http:\/\/127\.0\.0\.1:\d+\/upload\/youtube\/v3\/videos\?uploadType=resumable&upload_id=/,
    );
  });

  test('a one-request PUT of a real mp4 arrives intact and answers the video resource', async () => {
    const data = readFileSync(fixture('sample.mp4'));
    const uri = await startSession(sb, token);
    const r = await request(uri, { method: 'PUT', body: data, headers: { 'content-type': 'video/mp4' } });
    assert.equal(r.status, 200);
    const v = r.json();
    assert.equal(v.kind, 'youtube#video');
    assert.match(v.id, /^[A-Za-z0-9_-]{11}$/);
    assert.ok(v.etag);
    assert.equal(v.snippet.title, 'A title');
    assert.equal(v.status.uploadStatus, 'uploaded');
    assert.equal(v.status.privacyStatus, 'private');
    assert.deepEqual(sb.media(v.id), { size: data.length, sha256: sha256(data) });
  });

  test('chunked upload by POST with bytes A-B/* then the final chunk with the total', async () => {
    const data = fakeMp4(2 * KiB256 + 1000);
    const uri = await startSession(sb, token);
    const first = await putChunk(uri, data.subarray(0, KiB256), 0, '*', 'POST');
    assert.equal(first.status, 308);
    assert.equal(first.headers.range, `bytes=0-${KiB256 - 1}`);
    assert.equal(first.headers.location, undefined);
    const second = await putChunk(uri, data.subarray(KiB256, 2 * KiB256), KiB256, '*', 'POST');
    assert.equal(second.headers.range, `bytes=0-${2 * KiB256 - 1}`);
    const last = await putChunk(uri, data.subarray(2 * KiB256), 2 * KiB256, data.length, 'POST');
    assert.equal(last.status, 200);
    assert.equal(sb.media(last.json().id)?.sha256, sha256(data));
  });

  test('status queries: no Range before any byte, then the stored range, with */TOTAL and */*', async () => {
    const data = fakeMp4(KiB256 * 2);
    const uri = await startSession(sb, token);
    const empty = await statusQuery(uri, data.length);
    assert.equal(empty.status, 308);
    assert.equal(empty.headers.range, undefined);
    await putChunk(uri, data.subarray(0, KiB256), 0, data.length);
    for (const total of [data.length, '*'] as const) {
      const q = await statusQuery(uri, total);
      assert.equal(q.status, 308);
      assert.equal(q.headers.range, `bytes=0-${KiB256 - 1}`);
    }
    const log = sb.requests.filter((e) => e.kind === 'upload-status');
    assert.ok(log.length >= 3);
  });

  test('a non-final chunk smaller than 256 KiB is rejected with 400', async () => {
    const uri = await startSession(sb, token);
    const r = await putChunk(uri, fakeMp4(1000), 0, 5000);
    assert.equal(r.status, 400);
    assert.match(
      r.text,
      /^Invalid request\. The number of bytes uploaded is required to be equal or greater/,
    );
    assert.equal((await statusQuery(uri, 5000)).headers.range, undefined);
  });

  test('X-GUploader-No-308: yes turns 308 into 200 with X-HTTP-Status-Code-Override', async () => {
    const data = fakeMp4(KiB256 + 10);
    const uri = await startSession(sb, token);
    const r = await request(uri, {
      method: 'POST',
      body: data.subarray(0, KiB256),
      headers: { 'content-range': `bytes 0-${KiB256 - 1}/*`, 'x-guploader-no-308': 'yes' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-http-status-code-override'], '308');
    assert.equal(r.headers.range, `bytes=0-${KiB256 - 1}`);
  });

  test('a finished session answers status queries and chunks with the same final response', async () => {
    const data = fakeMp4(5000);
    const uri = await startSession(sb, token);
    const done = await request(uri, { method: 'PUT', body: data });
    const again = await statusQuery(uri, data.length);
    assert.equal(again.status, 200);
    assert.deepEqual(again.json(), done.json());
    const resend = await putChunk(uri, data, 0, data.length);
    assert.equal(resend.json().id, done.json().id);
    assert.equal(Object.values(sb.requests).filter((e) => e.uploadId && e.status === 200).length >= 3, true);
  });

  test('a status query with the total completes an upload whose bytes are all stored', async () => {
    const data = fakeMp4(3000);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', storePartial: 3000 });
    const partial = await request(uri, { method: 'PUT', body: data });
    assert.equal(partial.status, 308);
    assert.equal(partial.headers.range, 'bytes=0-2999');
    const q = await statusQuery(uri, data.length);
    assert.equal(q.status, 200);
    assert.equal(sb.media(q.json().id)?.sha256, sha256(data));
  });

  test('unknown and expired sessions are 404 notFound', async () => {
    const unknown = await statusQuery(
      `${sb.url}/upload/youtube/v3/videos?uploadType=resumable&upload_id=nope`,
      '*',
    );
    assert.equal(unknown.status, 404);
    assert.equal(reason(unknown), 'notFound');
    const uri = await startSession(sb, token);
    clock.advance(61_000);
    const old = await statusQuery(uri, '*');
    assert.equal(old.status, 404);
  });

  test('part may be repeated, and the /resumable/upload path works too', async () => {
    const r = await request(
      `${sb.url}/resumable/upload/youtube/v3/videos?uploadType=resumable&part=snippet&part=status&part=recordingDetails`,
      {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json', slug: 'clip.mp4' },
        body: JSON.stringify({ ...meta(), recordingDetails: { recordingDate: '2024-01-02' } }),
      },
    );
    assert.equal(r.status, 200);
    const done = await request(String(r.headers.location), { method: 'PUT', body: fakeMp4(100) });
    const v = done.json();
    assert.equal(v.recordingDetails.recordingDate, '2024-01-02T00:00:00.000Z');
    assert.ok(v.status);
    assert.equal(
      sb.video(v.id)?.fileDetails && (sb.video(v.id)!.fileDetails as { fileName: string }).fileName,
      'clip.mp4',
    );
  });

  test('a total that contradicts X-Upload-Content-Length is 400; a bad Content-Range is 400', async () => {
    const uri = await startSession(sb, token, meta(), { 'x-upload-content-length': '100' });
    const r = await putChunk(uri, fakeMp4(50), 0, 50);
    assert.equal(r.status, 400);
    const bad = await request(uri, {
      method: 'PUT',
      body: 'abc',
      headers: { 'content-range': 'bytes 5-1/9' },
    });
    assert.equal(bad.status, 400);
    const garbage = await request(uri, {
      method: 'PUT',
      body: 'abc',
      headers: { 'content-range': 'items 0-2/3' },
    });
    assert.equal(garbage.status, 400);
  });

  test('a media type that is not video is rejected at initiation', async () => {
    const r = await request(`${sb.url}/upload/youtube/v3/videos?uploadType=resumable&part=snippet`, {
      method: 'POST',
      headers: {
        ...bearer(token),
        'content-type': 'application/json',
        'x-upload-content-type': 'text/plain',
      },
      body: JSON.stringify(meta()),
    });
    assert.equal(r.status, 400);
    assert.equal(reason(r), 'badContent');
  });

  test('uploadType=multipart inserts metadata and media in one request', async () => {
    const data = fakeMp4(70_000);
    const boundary = 'xyzzy-boundary';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n`),
      Buffer.from(JSON.stringify(meta('Multi'))),
      Buffer.from(`\r\n--${boundary}\r\nContent-Type: video/mp4\r\n\r\n`),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const r = await request(`${sb.url}/upload/youtube/v3/videos?uploadType=multipart&part=snippet,status`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': `multipart/related; boundary=${boundary}` },
      body,
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json().snippet.title, 'Multi');
    assert.equal(sb.media(r.json().id)?.sha256, sha256(data));
  });

  test('a multipart insert with bad metadata is refused before any media is kept; no media part is mediaBodyRequired', async () => {
    const boundary = 'bnd';
    const send = (metaJson: unknown, media?: Buffer) =>
      request(`${sb.url}/upload/youtube/v3/videos?uploadType=multipart&part=snippet`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': `multipart/related; boundary=${boundary}` },
        body: Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(metaJson)}`),
          media
            ? Buffer.concat([Buffer.from(`\r\n--${boundary}\r\nContent-Type: video/mp4\r\n\r\n`), media])
            : Buffer.alloc(0),
          Buffer.from(`\r\n--${boundary}--`),
        ]),
      });
    const before = Object.keys(sb.requests).length;
    const bad = await send({ snippet: { title: 'x'.repeat(101) } }, fakeMp4(1000));
    assert.equal(bad.status, 400);
    assert.equal(reason(bad), 'invalidTitle');
    const none = await send(meta());
    assert.equal(none.status, 400);
    assert.equal(reason(none), 'mediaBodyRequired');
    assert.equal(sb.requests.length, before + 2);
  });

  test('uploadType=media inserts the bytes and names the video after the Slug', async () => {
    const data = fakeMp4(4096);
    const r = await request(`${sb.url}/upload/youtube/v3/videos?uploadType=media&part=snippet`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'video/mp4', slug: 'holiday.mp4' },
      body: data,
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json().snippet.title, 'holiday');
    assert.equal(sb.media(r.json().id)?.sha256, sha256(data));
  });

  test('a videos.insert without media is mediaBodyRequired', async () => {
    const r = await request(`${sb.url}/youtube/v3/videos?part=snippet`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify(meta()),
    });
    assert.equal(r.status, 400);
    assert.equal(reason(r), 'mediaBodyRequired');
  });
});

describe('parseContentRange', () => {
  test('reads every form the protocol uses', () => {
    assert.deepEqual(parseContentRange('bytes 0-9/10'), { kind: 'data', first: 0, last: 9, total: 10 });
    assert.deepEqual(parseContentRange('bytes 0-9/*'), { kind: 'data', first: 0, last: 9, total: undefined });
    assert.deepEqual(parseContentRange('bytes */10'), { kind: 'status', total: 10 });
    assert.deepEqual(parseContentRange('bytes */*'), { kind: 'status', total: undefined });
    assert.equal(parseContentRange('bytes=0-9/10'), undefined);
  });
});
