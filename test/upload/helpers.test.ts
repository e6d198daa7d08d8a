// This file tests the engine's pure helpers: ranges, sizes, backoff, classification and error parsing.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VuploadError } from '../../src/errors.js';
import {
  alignChunkSize,
  classifyStatus,
  contentRange,
  HttpError,
  isRetryableNetworkError,
  parseGoogleError,
  parseRange,
  parseRetryAfter,
  parseSize,
  redactUrl,
  retryDelay,
  statusQueryRange,
} from '../../src/upload/index.js';

describe('parseRange', () => {
  test('an absent or empty Range header means nothing is stored', () => {
    assert.equal(parseRange(undefined), 0);
    assert.equal(parseRange(''), 0);
  });
  test('bytes=0-N is inclusive, so the next byte to send is N+1', () => {
    assert.equal(parseRange('bytes=0-0'), 1);
    assert.equal(parseRange('bytes=0-262143'), 262144);
    assert.equal(parseRange('bytes=0-99999'), 100000);
  });
  test('an unreadable or non-prefix range is a protocol error, not a guess', () => {
    for (const bad of ['bytes=5-10', 'bytes=0-', 'garbage', 'bytes=10-5']) {
      assert.throws(
        () => parseRange(bad),
        (e: unknown) => e instanceof VuploadError && e.code === 'protocol',
        bad,
      );
    }
  });
  test('Content-Range headers are built inclusive, and the status query asks with */TOTAL', () => {
    assert.equal(contentRange(0, 262144, 1000000), 'bytes 0-262143/1000000');
    assert.equal(contentRange(262144, 1000000, 1000000), 'bytes 262144-999999/1000000');
    assert.equal(statusQueryRange(1000000), 'bytes */1000000');
  });
});

describe('parseSize', () => {
  test('reads plain bytes and binary K, M, G units, fractions included', () => {
    assert.equal(parseSize('1048576'), 1048576);
    assert.equal(parseSize('256K'), 262144);
    assert.equal(parseSize('8M'), 8 * 1024 * 1024);
    assert.equal(parseSize('8m'), 8 * 1024 * 1024);
    assert.equal(parseSize('1.5G'), 1.5 * 1024 ** 3);
    assert.equal(parseSize('2MiB'), 2 * 1024 * 1024);
    assert.equal(parseSize('512KB'), 512 * 1024);
  });
  test('refuses anything else with a usage error naming the option', () => {
    for (const bad of ['', 'abc', '8X', '-1M', '0', '1.2.3M', 'M']) {
      assert.throws(
        () => parseSize(bad, '--chunk-size'),
        (e: unknown) => e instanceof VuploadError && e.exitCode === 2 && e.message.startsWith('--chunk-size'),
        bad,
      );
    }
  });
});

describe('alignChunkSize', () => {
  test('keeps multiples of 256 KiB and says nothing changed', () => {
    assert.deepEqual(alignChunkSize(8 * 1024 * 1024), { bytes: 8 * 1024 * 1024, changed: false });
    assert.deepEqual(alignChunkSize(262144), { bytes: 262144, changed: false });
  });
  test('rounds to the nearest multiple, never below 256 KiB, and says so', () => {
    assert.deepEqual(alignChunkSize(8_000_000), { bytes: 31 * 262144, changed: true });
    assert.deepEqual(alignChunkSize(1000), { bytes: 262144, changed: true });
    assert.deepEqual(alignChunkSize(400_000), { bytes: 2 * 262144, changed: true });
  });
});

describe('retryDelay', () => {
  test('is random() * 2^attempt seconds', () => {
    assert.equal(
      retryDelay(1, () => 1),
      2000,
    );
    assert.equal(
      retryDelay(3, () => 0.5),
      4000,
    );
    assert.equal(
      retryDelay(2, () => 0),
      0,
    );
  });
  test('is capped', () => {
    assert.equal(
      retryDelay(20, () => 1, 30_000),
      30_000,
    );
    assert.equal(
      retryDelay(20, () => 0.5, 30_000),
      15_000,
    );
  });
});

describe('classification', () => {
  test('sorts answers on the session into done, incomplete, retry, unauthorized, expired and fatal', () => {
    assert.equal(classifyStatus(200), 'done');
    assert.equal(classifyStatus(201), 'done');
    assert.equal(classifyStatus(308), 'incomplete');
    assert.equal(classifyStatus(200, '308'), 'incomplete');
    assert.equal(classifyStatus(401), 'unauthorized');
    assert.equal(classifyStatus(404), 'expired');
    assert.equal(classifyStatus(410), 'expired');
    for (const s of [408, 429, 500, 502, 503, 504]) assert.equal(classifyStatus(s), 'retry', String(s));
    for (const s of [400, 403, 413, 416, 501]) assert.equal(classifyStatus(s), 'fatal', String(s));
  });
  test('network resets, broken pipes, timeouts, DNS hiccups and hang-ups are retryable; others are not', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNREFUSED']) {
      assert.equal(isRetryableNetworkError(Object.assign(new Error('x'), { code })), true, code);
    }
    assert.equal(isRetryableNetworkError(new Error('socket hang up')), true);
    assert.equal(isRetryableNetworkError(Object.assign(new Error('x'), { code: 'ENOENT' })), false);
    assert.equal(isRetryableNetworkError(new VuploadError('fileChanged', 2, 'changed')), false);
    assert.equal(isRetryableNetworkError('ECONNRESET'), false);
  });
  test('Retry-After is read as seconds or as an HTTP date', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });
});

describe('HTTP errors', () => {
  test('reads the reason of a Data API error and of an OAuth error', () => {
    const data = {
      error: {
        code: 403,
        message: 'Quota spent',
        errors: [{ domain: 'youtube.quota', reason: 'quotaExceeded' }],
      },
    };
    assert.deepEqual(parseGoogleError(JSON.stringify(data)), {
      reason: 'quotaExceeded',
      message: 'Quota spent',
    });
    assert.deepEqual(parseGoogleError('{"error":"invalid_grant","error_description":"Bad"}'), {
      reason: 'invalid_grant',
      message: 'Bad',
    });
    assert.deepEqual(parseGoogleError('<html>'), {});
  });
  test('HttpError carries status, reason and a URL without tokens', () => {
    const body = JSON.stringify({
      error: { code: 400, message: 'no', errors: [{ reason: 'invalidTitle' }] },
    });
    const url =
      'https://x.test/upload/youtube/v3/videos?uploadType=resumable&upload_id=SECRET&access_token=TOK';
    const error = new HttpError('PUT', url, 400, { 'x-guploader-uploadid': 'rid' }, body);
    assert.equal(error.status, 400);
    assert.equal(error.reason, 'invalidTitle');
    assert.equal(error.exitCode, 1);
    assert.equal(error.http?.requestId, 'rid');
    assert.ok(!error.url.includes('SECRET') && !error.url.includes('TOK'), error.url);
    assert.ok(!error.message.includes('SECRET') && !error.message.includes('TOK'), error.message);
    assert.match(error.message, /invalidTitle/);
  });
  test('redactUrl keeps ordinary parameters', () => {
    assert.equal(
      redactUrl('http://127.0.0.1:1/upload?uploadType=resumable&key=abc'),
      'http://127.0.0.1:1/upload?uploadType=resumable&key=REDACTED',
    );
  });
});
