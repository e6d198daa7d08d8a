// This file tests the engine's failure handling with a scripted transport: backoff, refresh, expiry, refusals.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { VuploadError } from '../../src/errors.js';
import { HttpError } from '../../src/upload/index.js';
import {
  created,
  finished,
  googleError,
  type Harness,
  harness,
  isInit,
  isQuery,
  isSlice,
  SESSION,
  SESSION2,
  stored,
} from './script.js';

const KiB256 = 262144;
let h: Harness;
afterEach(async () => {
  await h?.cleanup();
});

const cut = (afterBytes: number) => ({ error: 'ECONNRESET', afterBytes });
const anything = (): void => {};

describe('retries', () => {
  test('a 503 with Retry-After waits as told, asks the server, and goes on', async () => {
    h = await harness(600_000);
    h.transport
      .expect('init', isInit, created())
      .expect('whole file', isSlice(h, 0, 600_000), googleError(503, 'backendError', { 'retry-after': '7' }))
      .expect('query', isQuery(h), stored(300_000))
      .expect('rest', isSlice(h, 300_000, 600_000), finished);
    const result = await h.upload();
    h.transport.assertDone();
    assert.deepEqual(h.clock.sleeps, [7000]);
    assert.equal(result.retries, 1);
    assert.deepEqual(h.events.slice(1), ['retry 1 7000 HTTP 503 backendError', 'resumed 300000']);
    assert.equal(result.bytesSent, 900_000);
  });

  test('a 429 and the other retryable statuses back off with jitter: random() * 2^attempt seconds', async () => {
    h = await harness(1000);
    h.transport.expect('init', isInit, googleError(429, 'rateLimitExceeded'));
    for (const status of [500, 502, 504, 408]) h.transport.expect(`init ${status}`, isInit, { status });
    h.transport.expect('init', isInit, created()).expect('file', isSlice(h, 0, 1000), finished);
    const result = await h.upload();
    h.transport.assertDone();
    // random() is 0.5 in the harness: 0.5 * 2^n s
    assert.deepEqual(h.clock.sleeps, [1000, 2000, 4000, 8000, 16000]);
    assert.equal(result.retries, 5);
  });

  test('a connection reset mid-body is followed by a status query and a resume from the stored offset', async () => {
    h = await harness(600_000);
    h.transport
      .expect('init', isInit, created())
      .expect('whole file, cut', anything, cut(200_000))
      .expect('query', isQuery(h), stored(123_457))
      .expect('rest', isSlice(h, 123_457, 600_000), finished);
    const result = await h.upload();
    h.transport.assertDone();
    assert.equal(result.retries, 1);
    assert.match(h.events[1]!, /^retry 1 1000 ECONNRESET/);
  });

  test('the retry counter resets whenever the server offset moved forward', async () => {
    h = await harness(600_000);
    h.transport.expect('init', isInit, created());
    // Three failures in a row each with progress: with retries: 1 this only finishes if the counter resets.
    let offset = 0;
    for (const next of [100_000, 200_000, 300_000]) {
      h.transport.expect(`from ${offset}`, anything, cut(next - offset + 1000));
      h.transport.expect('query', isQuery(h), stored(next));
      offset = next;
    }
    h.transport.expect('rest', isSlice(h, 300_000, 600_000), finished);
    const result = await h.upload({ retries: 1 });
    h.transport.assertDone();
    assert.equal(result.retries, 3);
    assert.deepEqual(h.clock.sleeps, [1000, 1000, 1000], 'each streak starts again at attempt 1');
  });

  test('retries exhausted without progress end with exit 5, a resume hint, and the session kept', async () => {
    h = await harness(600_000);
    h.transport.expect('init', isInit, created()).expect('file', anything, cut(10));
    h.transport.expect('query 1', isQuery(h), { status: 503 });
    h.transport.expect('query 2', isQuery(h), { status: 502 });
    await assert.rejects(
      h.upload({ retries: 2 }),
      (e: unknown) =>
        e instanceof VuploadError &&
        e.code === 'network' &&
        e.exitCode === 5 &&
        /re-running/.test(e.hint ?? ''),
    );
    h.transport.assertDone();
    assert.equal(h.clock.sleeps.length, 2);
    assert.equal(h.store.records.size, 1);
  });

  test('one retry that did not help is "1 retry" in the message (issue 27, item 9)', async () => {
    h = await harness(600_000);
    h.transport.expect('init', isInit, created()).expect('file', anything, cut(10));
    h.transport.expect('query', isQuery(h), { status: 503 });
    await assert.rejects(h.upload({ retries: 1 }), (e: unknown) => {
      assert.ok(e instanceof VuploadError);
      assert.match(e.message, /^gave up after 1 retry: /);
      return true;
    });
  });

  test('a 308 that stored nothing of a slice counts as a failed try, so a stuck server cannot loop for ever', async () => {
    h = await harness(600_000);
    h.transport
      .expect('init', isInit, created())
      .expect('chunk', isSlice(h, 0, KiB256), stored(0))
      .expect('chunk again', isSlice(h, 0, KiB256), stored(0));
    await assert.rejects(
      h.upload({ chunkSize: KiB256, retries: 1 }),
      (e: unknown) => e instanceof VuploadError && e.exitCode === 5,
    );
    h.transport.assertDone();
  });

  test('the time budget stops retrying even when retries are left', async () => {
    h = await harness(1000);
    h.transport.expect('init', isInit, { status: 503, headers: { 'retry-after': '30' } });
    h.transport.expect('init', isInit, { status: 503, headers: { 'retry-after': '30' } });
    await assert.rejects(
      h.upload({ timeBudgetMs: 45_000 }),
      (e: unknown) => e instanceof VuploadError && e.exitCode === 5,
    );
    h.transport.assertDone();
    assert.deepEqual(h.clock.sleeps, [30_000]);
  });
});

describe('authorisation', () => {
  test('a 401 refreshes the token once and goes on with the new one', async () => {
    h = await harness(1000);
    h.transport
      .expect('init', isInit, created())
      .expect('file', isSlice(h, 0, 1000), googleError(401, 'authError'))
      .expect(
        'query with the new token',
        (r) => assert.equal(r.headers.authorization, 'Bearer token-1'),
        stored(0),
      )
      .expect('file again', isSlice(h, 0, 1000), finished);
    await h.upload();
    h.transport.assertDone();
    assert.equal(h.auth.refreshes, 1);
    assert.deepEqual(h.clock.sleeps, [], 'a refresh is not a backoff');
  });

  test('a second 401 right after a refresh is final', async () => {
    h = await harness(1000);
    h.transport
      .expect('init', isInit, googleError(401, 'authError'))
      .expect('init', isInit, googleError(401, 'authError'));
    await assert.rejects(
      h.upload(),
      (e: unknown) => e instanceof HttpError && e.status === 401 && e.reason === 'authError',
    );
    h.transport.assertDone();
    assert.equal(h.auth.refreshes, 1);
  });
});

describe('session expiry', () => {
  test('a 404 on the session starts a new session from byte 0 and counts it', async () => {
    h = await harness(600_000);
    h.transport
      .expect('init', isInit, created(SESSION))
      .expect('chunk', isSlice(h, 0, KiB256), stored(KiB256))
      .expect('chunk 2', isSlice(h, KiB256, 2 * KiB256), googleError(404, 'notFound'))
      .expect('init again', isInit, created(SESSION2))
      .expect('from 0', isSlice(h, 0, KiB256, SESSION2), stored(KiB256))
      .expect('chunk 2', isSlice(h, KiB256, 2 * KiB256, SESSION2), stored(2 * KiB256))
      .expect('rest', isSlice(h, 2 * KiB256, 600_000, SESSION2), finished);
    const result = await h.upload({ chunkSize: KiB256 });
    h.transport.assertDone();
    assert.equal(result.sessionRestarts, 1);
    assert.equal(result.sessionUri, SESSION2);
    assert.ok(h.events.includes('expired 1'));
    assert.equal(result.bytesSent, 600_000 + 2 * KiB256);
  });

  test('a 410 is treated like a 404', async () => {
    h = await harness(1000);
    h.transport
      .expect('init', isInit, created(SESSION))
      .expect('file', isSlice(h, 0, 1000), { status: 410 })
      .expect('init again', isInit, created(SESSION2))
      .expect('file', isSlice(h, 0, 1000, SESSION2), finished);
    const result = await h.upload();
    h.transport.assertDone();
    assert.equal(result.sessionRestarts, 1);
  });
});

describe('refusals', () => {
  test('403 quotaExceeded at initiation stops at once with its reason, no retry', async () => {
    h = await harness(1000);
    h.transport.expect('init', isInit, googleError(403, 'quotaExceeded'));
    await assert.rejects(
      h.upload(),
      (e: unknown) => e instanceof HttpError && e.status === 403 && e.reason === 'quotaExceeded',
    );
    h.transport.assertDone();
    assert.deepEqual(h.clock.sleeps, []);
    assert.equal(h.store.records.size, 0);
  });

  test('a 400 on a slice stops at once with its reason', async () => {
    h = await harness(1000);
    h.transport
      .expect('init', isInit, created())
      .expect('file', isSlice(h, 0, 1000), googleError(400, 'uploadLimitExceeded'));
    await assert.rejects(
      h.upload(),
      (e: unknown) => e instanceof HttpError && e.reason === 'uploadLimitExceeded',
    );
    h.transport.assertDone();
    assert.deepEqual(h.clock.sleeps, []);
  });

  test('an error that is not a network failure is not retried', async () => {
    h = await harness(1000);
    h.transport.expect('init', isInit, { error: 'ENOTSUP' });
    await assert.rejects(h.upload(), (e: unknown) => (e as { code?: string }).code === 'ENOTSUP');
    h.transport.assertDone();
  });
});
