// This file tests, at the curl level, how the sandbox answers early and short (issue 28, sandbox items 1 and 2): an
// error decided from the headers is answered before the body is read, then the connection closes after a little
// of the body; shortResponse sends the first B bytes of the final answer with an honest Content-Length.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EARLY_DISCARD_BYTES } from '../../../src/sandbox/http.js';
import {
  fakeMp4,
  KiB256,
  manualClock,
  putChunk,
  raw,
  rawPut,
  request,
  sha256,
  startSession,
  statusQuery,
  suiteSandbox,
  uploadIdOf,
} from '../http.js';

const MiB = 1024 * 1024;

const TOO_MANY = {
  error: {
    code: 429,
    message: 'Rate Limit Exceeded',
    errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }],
    status: 'RESOURCE_EXHAUSTED',
  },
};

describe('sandbox answers before the body, and short final answers', () => {
  const clock = manualClock();
  const suite = suiteSandbox({ now: clock.now });

  test('a status fault on a data request is answered before any byte of the body is sent', async () => {
    const { sb, token } = suite;
    const uri = await startSession(sb, token);
    sb.clearRequests();
    sb.faults.add({ on: 'upload-chunk', status: 429, retryAfter: 2 });
    // The head announces 5 MiB and not one byte follows: a server that waited for the body would never answer.
    const r = await raw(uri, rawPut(uri, `bytes 0-${5 * MiB - 1}/${5 * MiB}`, 5 * MiB));
    assert.equal(r.statusLine, 'HTTP/1.1 429 Too Many Requests');
    const body = JSON.stringify(TOO_MANY);
    const { date, ...headers } = r.headers;
    assert.ok(date);
    assert.deepEqual(headers, {
      connection: 'close',
      'content-type': 'application/json; charset=UTF-8',
      'content-length': String(body.length),
      'retry-after': '2',
      'x-guploader-uploadid': uploadIdOf(uri),
    });
    assert.equal(r.body.toString(), body);
    assert.equal(r.closed, 'close', 'the sandbox closed the connection after its linger');
    assert.deepEqual(
      sb.requests.map((e) => [e.kind, e.status, e.bodyBytes, e.storedAfter]),
      [['upload-chunk', 429, 0, 0]],
    );
  });

  test('a client that goes on sending has at most a little of its body read before the connection closes', async () => {
    const { sb, token } = suite;
    const data = fakeMp4(5 * MiB);
    const uri = await startSession(sb, token);
    sb.clearRequests();
    sb.faults.add({ on: 'upload-chunk', status: 503 });
    const r = await raw(uri, rawPut(uri, `bytes 0-${data.length - 1}/${data.length}`, data.length), data);
    assert.equal(r.statusLine, 'HTTP/1.1 503 Service Unavailable');
    assert.equal(r.headers.connection, 'close');
    assert.equal(JSON.parse(r.body.toString()).error.code, 503);
    const entry = sb.requests.at(-1)!;
    assert.ok(
      entry.bodyBytes < 2 * EARLY_DISCARD_BYTES,
      `read ${entry.bodyBytes} of ${data.length} bytes before closing`,
    );
    assert.equal(sb.session(uploadIdOf(uri))?.stored, 0);
    // The session is untouched: a status query answers, nothing stored, and the upload goes on.
    const q = await statusQuery(uri, data.length);
    assert.equal(q.status, 308);
    assert.equal(q.headers.range, undefined);
    const done = await putChunk(uri, data, 0, data.length);
    assert.equal(sb.media(done.json().id)?.sha256, sha256(data));
  });

  test('a data request back before Retry-After is answered early too, with the time still to wait', async () => {
    const { sb, token } = suite;
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', status: 429, retryAfter: 60 });
    await raw(uri, rawPut(uri, `bytes 0-${MiB - 1}/${MiB}`, MiB));
    clock.advance(20_000);
    sb.clearRequests();
    const again = await raw(uri, rawPut(uri, `bytes 0-${MiB - 1}/${MiB}`, MiB));
    assert.equal(again.statusLine, 'HTTP/1.1 429 Too Many Requests');
    assert.equal(again.headers['retry-after'], '40');
    assert.equal(again.headers.connection, 'close');
    assert.deepEqual(
      sb.requests.map((e) => [e.status, e.tooEarly, e.bodyBytes]),
      [[429, true, 0]],
    );
    clock.advance(40_000);
  });

  test('shortResponse sends the first B bytes of the final answer with Content-Length B; a status query has it whole', async () => {
    const { sb, token } = suite;
    const data = fakeMp4(2 * KiB256);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', shortResponse: 100 });
    // A chunk that cannot finish the upload leaves the fault waiting.
    assert.equal((await putChunk(uri, data.subarray(0, KiB256), 0, data.length)).status, 308);
    const short = await request(uri, {
      method: 'PUT',
      headers: { 'content-range': `bytes ${KiB256}-${data.length - 1}/${data.length}` },
      body: data.subarray(KiB256),
    });
    assert.equal(short.status, 200);
    assert.equal(short.headers['content-length'], '100');
    assert.equal(short.headers['content-type'], 'application/json; charset=UTF-8');
    assert.equal(short.headers['x-guploader-uploadid'], uploadIdOf(uri));
    assert.equal(short.body.length, 100);
    assert.throws(() => short.json(), SyntaxError);
    const whole = await statusQuery(uri, data.length);
    assert.equal(whole.status, 200);
    assert.ok(whole.body.length > 100);
    assert.deepEqual(whole.body.subarray(0, 100), short.body);
    assert.equal(sb.media(whole.json().id)?.sha256, sha256(data));
    assert.deepEqual(sb.faults.pending(), []);
  });

  test('shortResponse: 0 answers the final status with an empty body (return-broken-stream-final-chunk-after-0B)', async () => {
    const { sb, token } = suite;
    const data = fakeMp4(1000);
    const uri = await startSession(sb, token);
    sb.faults.add({ on: 'upload-chunk', shortResponse: 0 });
    const empty = await putChunk(uri, data, 0, data.length);
    assert.equal(empty.status, 200);
    assert.equal(empty.headers['content-length'], '0');
    assert.equal(empty.body.length, 0);
    const whole = await statusQuery(uri, data.length);
    assert.equal(sb.media(whole.json().id)?.size, data.length);
  });
});
