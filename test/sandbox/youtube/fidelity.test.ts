// This file tests how the sandbox answers the edge cases of the upload protocol the way Google's upload servers do
// (issue 14): offsets past or behind what is stored, chunks off the 256 KiB grid, 201 Created, "Resume Incomplete".
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../../src/sandbox/youtube/index.js';
import { fakeMp4, KiB256, putChunk, request, sha256, startSession, statusQuery } from '../http.js';

const uploadIdOf = (uri: string) => new URL(uri).searchParams.get('upload_id')!;

describe('sandbox protocol fidelity', () => {
  let sb: Sandbox;
  let token: string;
  before(async () => {
    sb = await startSandbox({ dailyQuota: 1e9 });
    token = sb.mintToken().access_token;
  });
  after(() => sb.close());

  test('a chunk that starts past the stored offset gets 503 with a plain-text body and stores nothing', async () => {
    const data = fakeMp4(3 * KiB256);
    const uri = await startSession(sb, token);
    await putChunk(uri, data.subarray(0, KiB256), 0, data.length);
    const skip = await putChunk(uri, data.subarray(2 * KiB256), 2 * KiB256, data.length);
    assert.equal(skip.status, 503);
    assert.equal(skip.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(skip.headers['x-guploader-uploadid'], uploadIdOf(uri));
    assert.equal(skip.headers.range, undefined);
    assert.equal(
      skip.text,
      'Invalid request.  According to the Content-Range header, the upload offset is 524288 byte(s), which exceeds already uploaded size of 262144 byte(s).',
    );
    assert.equal(sb.session(uploadIdOf(uri))?.stored, KiB256);
    assert.equal(sb.requests.at(-1)?.storedAfter, KiB256);
  });

  test('an overlapping resend has the overlap trimmed and its new bytes kept, up to the 256 KiB grid', async () => {
    // Issue 28's case: after bytes 0-262143/787432, bytes 131072-524287 leave the stored end at 524288, on the
    // grid, as the testbench and GCS do (not 393216: the grid is the upload's, not the request's).
    const data = fakeMp4(787_432);
    const uri = await startSession(sb, token);
    await putChunk(uri, data.subarray(0, KiB256), 0, data.length);
    const overlap = await putChunk(uri, data.subarray(KiB256 / 2, 2 * KiB256), KiB256 / 2, data.length);
    assert.equal(overlap.status, 308);
    assert.equal(overlap.headers.range, 'bytes=0-524287');
    assert.equal(sb.session(uploadIdOf(uri))?.stored, 2 * KiB256);
    // Ending off the grid: the bytes past its last multiple of 256 KiB are not kept.
    const past = await putChunk(uri, data.subarray(KiB256 * 1.5, KiB256 * 2.75), KiB256 * 1.5, data.length);
    assert.equal(past.status, 308);
    assert.equal(past.headers.range, 'bytes=0-524287');
    // Entirely behind what is stored: nothing new, the same Range.
    const old = await putChunk(uri, data.subarray(0, KiB256), 0, data.length);
    assert.equal(old.status, 308);
    assert.equal(old.headers.range, 'bytes=0-524287');
    assert.equal(sb.requests.at(-1)?.storedAfter, 2 * KiB256);
    // The whole file again without Content-Range: only what is missing is kept, and the upload finishes.
    const whole = await request(uri, { method: 'PUT', body: data });
    assert.equal(whole.status, 200);
    assert.deepEqual(sb.media(whole.json().id), { size: data.length, sha256: sha256(data) });
  });

  test('a non-final chunk of 256 KiB or more off the grid keeps its largest 256 KiB multiple (308, shorter Range)', async () => {
    // The Drive report in API-NOTES §1: 2,500,000 bytes sent, 2,359,296 kept.
    const data = fakeMp4(3_000_000);
    const uri = await startSession(sb, token);
    const r = await putChunk(uri, data.subarray(0, 2_500_000), 0, data.length);
    assert.equal(r.status, 308);
    assert.equal(r.statusMessage, 'Resume Incomplete');
    assert.equal(r.headers.range, 'bytes=0-2359295');
    assert.equal(r.body.length, 0);
    const log = sb.requests.at(-1)!;
    assert.equal(log.bodyBytes, 2_500_000);
    assert.equal(log.storedAfter, 2_359_296);
    const rest = await putChunk(uri, data.subarray(2_359_296), 2_359_296, data.length);
    assert.equal(rest.status, 200);
    assert.equal(sb.media(rest.json().id)?.sha256, sha256(data));
  });

  test('308 answers, to chunks and status queries, carry the reason phrase "Resume Incomplete"', async () => {
    const data = fakeMp4(2 * KiB256);
    const uri = await startSession(sb, token);
    const chunk = await putChunk(uri, data.subarray(0, KiB256), 0, data.length);
    const query = await statusQuery(uri, data.length);
    for (const r of [chunk, query]) {
      assert.equal(r.status, 308);
      assert.equal(r.statusMessage, 'Resume Incomplete');
      assert.equal(r.headers.range, `bytes=0-${KiB256 - 1}`);
      assert.equal(r.headers['content-length'], '0');
      assert.equal(r.headers.location, undefined);
    }
  });
});

describe('sandbox 201 Created share', () => {
  test('createdShare 1 answers every completion 201 Created, and repeats it to later requests', async () => {
    const sb = await startSandbox({ createdShare: 1 });
    try {
      const token = sb.mintToken().access_token;
      const data = fakeMp4(5000);
      const uri = await startSession(sb, token);
      const done = await request(uri, { method: 'PUT', body: data });
      assert.equal(done.status, 201);
      assert.equal(done.statusMessage, 'Created');
      assert.equal(done.headers['content-type'], 'application/json; charset=UTF-8');
      assert.equal(done.json().kind, 'youtube#video');
      const again = await statusQuery(uri, data.length);
      assert.equal(again.status, 201);
      assert.equal(again.text, done.text);
    } finally {
      await sb.close();
    }
  });

  test('a share of 0.5 mixes 200 and 201, the same way for the same seed', async () => {
    const statuses = async (seed: number) => {
      const sb = await startSandbox({ createdShare: 0.5, seed, dailyQuota: 1e9 });
      try {
        const token = sb.mintToken().access_token;
        const out: number[] = [];
        for (let i = 0; i < 12; i++) {
          const uri = await startSession(sb, token);
          out.push((await request(uri, { method: 'PUT', body: fakeMp4(100) })).status);
        }
        return out;
      } finally {
        await sb.close();
      }
    };
    const first = await statuses(7);
    assert.deepEqual(await statuses(7), first);
    assert.ok(first.includes(200) && first.includes(201), `both answers appear: ${first}`);
    assert.ok(first.every((s) => s === 200 || s === 201));
  });

  test('the default answers 200, and a share outside 0 to 1 is refused', async () => {
    const sb = await startSandbox();
    try {
      const uri = await startSession(sb, sb.mintToken().access_token);
      assert.equal((await request(uri, { method: 'PUT', body: fakeMp4(100) })).status, 200);
    } finally {
      await sb.close();
    }
    await assert.rejects(startSandbox({ createdShare: 1.5 }), /createdShare/);
  });
});
