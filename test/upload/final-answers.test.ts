// This file tests, with a scripted transport, how both engines read a final answer cut short (issue 28, client
// defect 1): a 200/201 whose body is empty or not whole JSON is followed by a status query, at most MAX_CUT_FINALS in
// a row, and only then is it an error (exit 1) — with the file's session kept, so a re-run records the video.
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, describe, test } from 'node:test';
import { VuploadError } from '../../src/errors.js';
import { MAX_CUT_FINALS } from '../../src/upload/answers.js';
import { uploadStream } from '../../src/upload/index.js';
import { FakeAuth, FakeClock, type Reply, ScriptedTransport } from './fake-transport.js';
import { created, finished, type Harness, harness, isInit, isQuery, isSlice, VIDEO } from './script.js';

const cutAfter = (bytes: number, status = 201): Reply => ({
  status,
  body: JSON.stringify(VIDEO).slice(0, bytes),
});

let h: Harness;
afterEach(async () => {
  await h?.cleanup();
});

describe('a final answer cut short', () => {
  test('file: a 201 with the first 10 bytes of the video is asked about again, and the query answers it', async () => {
    h = await harness(5000);
    h.transport
      .expect('init', isInit, created())
      .expect('whole file', isSlice(h, 0, 5000), cutAfter(10))
      .expect('query', isQuery(h), finished);
    const result = await h.upload();
    h.transport.assertDone();
    assert.deepEqual(result.response, VIDEO);
    assert.equal(result.bytesSent, 5000, 'nothing was sent again');
    assert.equal(result.retries, 1);
    assert.deepEqual(h.events.slice(1), [
      'retry 1 1000 the final answer (201) is not JSON (10 bytes); asking the server again',
    ]);
  });

  test('file: an empty 200 (return-broken-stream-final-chunk-after-0B) is asked about again', async () => {
    h = await harness(5000);
    h.transport
      .expect('init', isInit, created())
      .expect('whole file', isSlice(h, 0, 5000), { status: 200 })
      .expect('query', isQuery(h), finished);
    const result = await h.upload();
    h.transport.assertDone();
    assert.deepEqual(result.response, VIDEO);
    assert.match(h.events[1]!, /the final answer \(200\) is empty/);
  });

  test(`file: cut short ${MAX_CUT_FINALS + 1} times in a row is an error, and the session is kept for a re-run`, async () => {
    h = await harness(5000);
    h.transport.expect('init', isInit, created()).expect('whole file', isSlice(h, 0, 5000), cutAfter(3));
    for (let i = 0; i < MAX_CUT_FINALS; i++) h.transport.expect(`query ${i + 1}`, isQuery(h), cutAfter(3));
    await assert.rejects(
      h.upload(),
      (e: unknown) =>
        e instanceof VuploadError &&
        e.code === 'protocol' &&
        e.exitCode === 1 &&
        e.message === `the final answer (201) is not JSON, ${MAX_CUT_FINALS + 1} times in a row`,
    );
    h.transport.assertDone();
    // The session was kept: the re-run asks it first and records the finished video without sending a byte.
    h.transport.expect('query of the kept session', isQuery(h), finished);
    const again = await h.upload();
    h.transport.assertDone();
    assert.deepEqual(again.response, VIDEO);
    assert.equal(again.bytesSent, 0);
    assert.equal(again.finishedEarlier, true);
  });

  test('pipe: a cut final answer is asked about with the total, and a whole JSON body ends the upload', async () => {
    const data = Buffer.alloc(3000, 7);
    const t = new ScriptedTransport();
    const clock = new FakeClock();
    t.expect('init', () => {}, { status: 200, headers: { location: 'http://upload.test/s' } })
      .expect('all of it', (r) => assert.equal(r.headers['content-range'], 'bytes 0-2999/3000'), cutAfter(20))
      .expect('query', (r) => assert.equal(r.headers['content-range'], 'bytes */3000'), { status: 200 })
      .expect('query', (r) => assert.equal(r.headers['content-range'], 'bytes */3000'), finished);
    const result = await uploadStream({
      stream: Readable.from([data]),
      initUrl: 'http://upload.test/init',
      metadata: {},
      account: 'a',
      auth: new FakeAuth(),
      transport: t,
      clock,
      random: () => 0.5,
    });
    t.assertDone();
    assert.deepEqual(result.response, VIDEO);
    assert.equal(result.bytesSent, 3000);
    assert.equal(result.retries, 2);
    assert.deepEqual(clock.sleeps, [1000, 2000]);
  });
});
