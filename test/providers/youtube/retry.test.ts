// This file tests the retry policy of the small API calls with a scripted function and a fake sleep.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExitCode, isVuploadError } from '../../../src/errors.js';
import {
  backoffMs,
  type RetryOptions,
  shouldRetry,
  withRetry,
} from '../../../src/providers/youtube/retry.js';

const apiError = (status: number, reason?: string, retryAfter?: string) => ({
  status,
  headers: retryAfter ? { 'retry-after': retryAfter } : {},
  body: JSON.stringify({ error: { code: status, errors: reason ? [{ reason }] : [] } }),
});

function script(outcomes: unknown[]) {
  let calls = 0;
  const fn = async () => {
    const outcome = outcomes[calls++];
    if (outcome instanceof Object && !('ok' in outcome)) throw outcome;
    return 'done';
  };
  return { fn, calls: () => calls };
}

function options(sleeps: number[]): RetryOptions {
  return { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5, now: () => 0 };
}

describe('withRetry', () => {
  test('retries 503 with Google-sample backoff and returns the eventual answer', async () => {
    const sleeps: number[] = [];
    const { fn, calls } = script([apiError(503, 'backendError'), apiError(500), { ok: true }]);
    assert.equal(await withRetry('videos.list', 'read video v', fn, options(sleeps)), 'done');
    assert.equal(calls(), 3);
    assert.deepEqual(sleeps, [1000, 2000]);
  });

  test('honours Retry-After when it is longer than the backoff', async () => {
    const sleeps: number[] = [];
    const { fn } = script([apiError(429, 'rateLimitExceeded', '5'), { ok: true }]);
    await withRetry('videos.update', 'update video v', fn, options(sleeps));
    assert.deepEqual(sleeps, [5000]);
  });

  test('gives up after the attempts with exit 5 for server errors', async () => {
    const sleeps: number[] = [];
    const { fn, calls } = script(Array(4).fill(apiError(503, 'backendError')));
    await assert.rejects(withRetry('videos.list', 'read video v', fn, options(sleeps)), (e: unknown) => {
      assert.ok(isVuploadError(e));
      assert.equal(e.exitCode, ExitCode.network);
      assert.match(e.message, /Gave up after 4 attempts/);
      return true;
    });
    assert.equal(calls(), 4);
    assert.equal(sleeps.length, 3);
  });

  test('a thumbnail upload rate limit is retried a few times, then exits 4', async () => {
    const { fn, calls } = script(Array(3).fill(apiError(429, 'uploadRateLimitExceeded')));
    await assert.rejects(
      withRetry('thumbnails.set', 'set the thumbnail', fn, { ...options([]), maxAttempts: 3 }),
      (e: unknown) =>
        isVuploadError(e) && e.exitCode === ExitCode.quota && e.code === 'uploadRateLimitExceeded',
    );
    assert.equal(calls(), 3);
  });

  test('quota exhaustion and refusals are not retried', async () => {
    for (const [status, reason, exit] of [
      [403, 'quotaExceeded', ExitCode.quota],
      [400, 'invalidTitle', ExitCode.api],
      [404, 'videoNotFound', ExitCode.api],
    ] as const) {
      const { fn, calls } = script([apiError(status, reason), { ok: true }]);
      await assert.rejects(
        withRetry('videos.update', 'update', fn, options([])),
        (e: unknown) => isVuploadError(e) && e.exitCode === exit,
      );
      assert.equal(calls(), 1, reason);
    }
  });

  test('a lost connection is retried for reads but not for inserts (which could duplicate)', async () => {
    const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const read = script([reset(), { ok: true }]);
    assert.equal(await withRetry('playlists.list', 'list', read.fn, options([])), 'done');
    const insert = script([reset(), { ok: true }]);
    await assert.rejects(
      withRetry('playlistItems.insert', 'add', insert.fn, options([])),
      (e: unknown) => isVuploadError(e) && e.exitCode === ExitCode.network,
    );
    assert.equal(insert.calls(), 1);
  });

  test('a file that cannot be read is not retried as if the network had failed', async () => {
    const missing = () =>
      Object.assign(new Error("ENOENT: no such file or directory, open 'cover.jpg'"), {
        code: 'ENOENT',
        syscall: 'open',
        path: 'cover.jpg',
      });
    const sleeps: number[] = [];
    const read = script([missing(), { ok: true }]);
    await assert.rejects(
      withRetry('thumbnails.set', 'set the thumbnail', read.fn, options(sleeps)),
      (e: unknown) => isVuploadError(e) && e.exitCode === ExitCode.api && /cover\.jpg/.test(e.message),
    );
    assert.equal(read.calls(), 1);
    assert.deepEqual(sleeps, []);
  });

  test('a Retry-After over a minute is not waited for', async () => {
    const sleeps: number[] = [];
    const { fn } = script([apiError(503, 'backendError', '3600'), { ok: true }]);
    await assert.rejects(
      withRetry('videos.list', 'read', fn, options(sleeps)),
      (e: unknown) => isVuploadError(e) && e.exitCode === ExitCode.network,
    );
    assert.deepEqual(sleeps, []);
  });

  test('an abort before or during a call ends with an interruption error', async () => {
    const controller = new AbortController();
    controller.abort('SIGTERM');
    await assert.rejects(
      withRetry('videos.list', 'read', async () => 'x', { ...options([]), signal: controller.signal }),
      (e: unknown) => isVuploadError(e) && e.exitCode === ExitCode.sigterm,
    );
  });
});

describe('retry helpers', () => {
  test('shouldRetry: 403 rate limits yes, 403 forbidden no', () => {
    assert.equal(shouldRetry({ status: 403, reason: 'userRateLimitExceeded' }, false), true);
    assert.equal(shouldRetry({ status: 403, reason: 'forbidden' }, true), false);
    assert.equal(shouldRetry({ status: 502 }, false), true);
  });
  test('backoffMs grows as random × 2^attempt seconds, capped at 32 s', () => {
    assert.equal(
      backoffMs(1, () => 1),
      2000,
    );
    assert.equal(
      backoffMs(3, () => 0.25),
      2000,
    );
    assert.equal(
      backoffMs(10, () => 1),
      32000,
    );
  });
});
