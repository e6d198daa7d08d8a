// This file checks over plain HTTP that the sandbox takes uploads of unknown size the way Google does (API-NOTES §1):
// no declared length, `bytes A-B/*` chunks, status queries with `bytes */*` before the total is known.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../../src/sandbox/youtube/index.js';
import { fakeMp4, KiB256, putChunk, request, sha256, startSession, statusQuery } from '../http.js';

let sb: Sandbox;
let token: string;
before(async () => {
  sb = await startSandbox({ dailyQuota: 1_000_000 });
  token = sb.mintToken().access_token;
});
after(() => sb.close());

const uploadId = (uri: string) => new URL(uri).searchParams.get('upload_id')!;

describe('uploads of unknown size', () => {
  test('a status query before the total is known answers 308 with the stored range; the last chunk finishes', async () => {
    const data = fakeMp4(2 * KiB256 + 4321);
    const uri = await startSession(sb, token); // no X-Upload-Content-Length
    const none = await statusQuery(uri, '*');
    assert.equal(none.status, 308);
    assert.equal(none.headers.range, undefined, 'nothing stored: no Range');
    assert.equal((await putChunk(uri, data.subarray(0, KiB256), 0, '*')).status, 308);
    const asked = await statusQuery(uri, '*');
    assert.equal(asked.status, 308);
    assert.equal(asked.headers.range, `bytes=0-${KiB256 - 1}`);
    assert.equal(sb.session(uploadId(uri))?.total, undefined, 'the total is still unknown');
    assert.equal((await putChunk(uri, data.subarray(KiB256, 2 * KiB256), KiB256, '*')).status, 308);
    const last = await putChunk(uri, data.subarray(2 * KiB256), 2 * KiB256, data.length);
    assert.equal(last.status, 200);
    assert.deepEqual(sb.media(last.json().id), { size: data.length, sha256: sha256(data) });
    const again = await statusQuery(uri, '*');
    assert.equal(again.status, 200, 'a finished session answers */* with the video');
    assert.equal(again.json().id, last.json().id);
  });

  test('a last chunk cut off: */* then tells what arrived, and the rest with the total finishes', async () => {
    const data = fakeMp4(KiB256 + 50_000);
    const uri = await startSession(sb, token);
    await putChunk(uri, data.subarray(0, KiB256), 0, '*');
    sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 20_000 });
    await putChunk(uri, data.subarray(KiB256), KiB256, data.length).catch(() => undefined);
    const asked = await statusQuery(uri, '*');
    assert.equal(asked.status, 308);
    const stored = Number(/bytes=0-(\d+)/.exec(String(asked.headers.range))![1]) + 1;
    assert.ok(stored >= KiB256 && stored <= KiB256 + 20_000, `stored ${stored}`);
    const rest = await putChunk(uri, data.subarray(stored), stored, data.length);
    assert.equal(rest.status, 200);
    assert.deepEqual(sb.media(rest.json().id), { size: data.length, sha256: sha256(data) });
  });

  test('a stream that ended on a chunk boundary is finished by a status query that names the total', async () => {
    const data = fakeMp4(2 * KiB256);
    const uri = await startSession(sb, token);
    await putChunk(uri, data.subarray(0, KiB256), 0, '*');
    await putChunk(uri, data.subarray(KiB256), KiB256, '*');
    const done = await statusQuery(uri, data.length);
    assert.equal(done.status, 200);
    assert.deepEqual(sb.media(done.json().id), { size: data.length, sha256: sha256(data) });
  });

  test('a total that contradicts what is stored is refused with 400', async () => {
    const data = fakeMp4(KiB256);
    const uri = await startSession(sb, token);
    await putChunk(uri, data, 0, '*');
    const wrong = await statusQuery(uri, 1000);
    assert.equal(wrong.status, 400);
    const after = await request(uri, { method: 'PUT', headers: { 'content-range': 'bytes */*' }, body: '' });
    assert.equal(after.headers.range, `bytes=0-${KiB256 - 1}`, 'nothing was lost');
  });
});
