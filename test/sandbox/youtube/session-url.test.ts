// This file tests, at the curl level, what the sandbox's session URL answers besides chunks and queries, and how it
// words and labels its answers (issue 28, sandbox items 4 to 6): DELETE cancels (499, then 404), an empty PUT without
// Content-Range finishes, X-GUploader-UploadID on every answer, GUploader's Content-Type and 400 text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bearer,
  fakeMp4,
  KiB256,
  putChunk,
  request,
  startSession,
  statusQuery,
  suiteSandbox,
  uploadIdOf,
} from '../http.js';

const HTML = 'text/html; charset=UTF-8';

describe("the sandbox's session URL", () => {
  const suite = suiteSandbox();

  test('DELETE cancels the session: 499 with an empty body, then 404 for that session, its bytes gone', async () => {
    const { sb, token } = suite;
    const data = fakeMp4(2 * KiB256);
    const uri = await startSession(sb, token);
    await putChunk(uri, data.subarray(0, KiB256), 0, data.length);
    const cancel = await request(uri, { method: 'DELETE' });
    assert.equal(cancel.status, 499);
    const { date, connection, ...headers } = cancel.headers;
    assert.deepEqual(headers, {
      'content-length': '0',
      'content-type': HTML,
      'x-guploader-uploadid': uploadIdOf(uri),
    });
    assert.equal(cancel.body.length, 0);
    assert.equal(sb.session(uploadIdOf(uri)), undefined);
    for (const after of [await statusQuery(uri, data.length), await putChunk(uri, data, 0, data.length)]) {
      assert.equal(after.status, 404);
      assert.equal(after.headers['x-guploader-uploadid'], uploadIdOf(uri));
      assert.equal(after.json().error.code, 404);
    }
    assert.equal(
      (await request(uri, { method: 'DELETE' })).status,
      404,
      'a cancelled session cannot be cancelled',
    );
  });

  test('DELETE on a finished session forgets the session; the video stays', async () => {
    const { sb, token } = suite;
    const data = fakeMp4(3000);
    const uri = await startSession(sb, token);
    const done = await request(uri, { method: 'PUT', body: data });
    assert.equal((await request(uri, { method: 'DELETE' })).status, 499);
    assert.equal((await statusQuery(uri, data.length)).status, 404);
    assert.equal(sb.media(done.json().id)?.size, data.length);
  });

  test('an empty PUT without Content-Range finishes the upload with what is stored (a 0-byte session too)', async () => {
    const { sb, token } = suite;
    const empty = await startSession(sb, token);
    const zero = await request(empty, { method: 'PUT', headers: { 'content-length': '0' } });
    assert.equal(zero.status, 200);
    assert.equal(zero.headers['x-guploader-uploadid'], uploadIdOf(empty));
    assert.equal(zero.json().kind, 'youtube#video');
    assert.equal(sb.media(zero.json().id)?.size, 0);
    assert.equal(sb.requests.at(-1)?.kind, 'upload-chunk');

    const data = fakeMp4(KiB256);
    const some = await startSession(sb, token);
    await putChunk(some, data, 0, '*');
    const end = await request(some, { method: 'PUT', headers: { 'content-length': '0' } });
    assert.equal(end.status, 200);
    assert.equal(sb.media(end.json().id)?.size, KiB256);
  });

  test('an empty PUT without Content-Range on a session of declared size it does not reach is refused', async () => {
    const { sb, token } = suite;
    const uri = await startSession(sb, token, undefined, { 'x-upload-content-length': '5000' });
    const r = await request(uri, { method: 'PUT', headers: { 'content-length': '0' } });
    assert.equal(r.status, 400);
    assert.equal(r.json().error.errors[0].location, 'Content-Range');
    assert.equal(sb.session(uploadIdOf(uri))?.videoId, undefined);
  });

  test('X-GUploader-UploadID is on every answer from the session URL: 308, final, errors', async () => {
    const { sb, token } = suite;
    const data = fakeMp4(KiB256 + 10);
    const uri = await startSession(sb, token);
    const id = uploadIdOf(uri);
    const answers = [
      await putChunk(uri, data.subarray(0, KiB256), 0, data.length),
      await putChunk(uri, data.subarray(0, 100), 0, data.length),
      await request(uri, { method: 'PUT', headers: { 'content-range': 'bytes junk' } }),
      await putChunk(uri, data.subarray(2 * KiB256), 2 * KiB256, data.length + KiB256),
    ];
    sb.faults.add({ on: 'upload-status', status: 503 });
    answers.push(await statusQuery(uri, data.length));
    answers.push(await putChunk(uri, data.subarray(KiB256), KiB256, data.length));
    assert.deepEqual(
      answers.map((r) => [r.status, r.headers['x-guploader-uploadid']]),
      [
        [308, id],
        [400, id],
        [400, id],
        [400, id],
        [503, id],
        [200, id],
      ],
    );
    const unknown = `${sb.url}/upload/youtube/v3/videos?uploadType=resumable&upload_id=nosuch`;
    const gone = await statusQuery(unknown, 10);
    assert.deepEqual([gone.status, gone.headers['x-guploader-uploadid']], [404, 'nosuch']);
  });

  test("308 and the initiation's 200 are labelled text/html; charset=UTF-8, with an empty body", async () => {
    const { sb, token } = suite;
    const init = await request(`${sb.url}/upload/youtube/v3/videos?uploadType=resumable&part=snippet`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json; charset=UTF-8' },
      body: JSON.stringify({ snippet: { title: 'Labels', categoryId: '22' } }),
    });
    assert.equal(init.status, 200);
    assert.equal(init.headers['content-type'], HTML);
    assert.equal(init.headers['content-length'], '0');
    const uri = String(init.headers.location);
    assert.equal(init.headers['x-guploader-uploadid'], uploadIdOf(uri));
    const data = fakeMp4(2 * KiB256);
    const chunk = await putChunk(uri, data.subarray(0, KiB256), 0, data.length);
    const query = await statusQuery(uri, data.length);
    const no308 = await statusQuery(uri, data.length, { 'x-guploader-no-308': 'yes' });
    for (const r of [chunk, query, no308]) {
      assert.equal(r.headers['content-type'], HTML);
      assert.equal(r.headers['content-length'], '0');
      assert.equal(r.headers.range, `bytes=0-${KiB256 - 1}`);
    }
  });

  test("a non-final chunk under 256 KiB gets GUploader's 400 in plain text, and nothing is stored", async () => {
    const { sb, token } = suite;
    const uri = await startSession(sb, token);
    const r = await putChunk(uri, fakeMp4(8192), 0, 50_000);
    assert.equal(r.status, 400);
    assert.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(r.headers['x-guploader-uploadid'], uploadIdOf(uri));
    assert.equal(
      r.text,
      "Invalid request. The number of bytes uploaded is required to be equal or greater than 262144, except for the final request (it's recommended to be the exact multiple of 262144). The received request contained 8192 bytes, which does not meet this requirement.",
    );
    assert.equal(sb.session(uploadIdOf(uri))?.stored, 0);
  });
});
