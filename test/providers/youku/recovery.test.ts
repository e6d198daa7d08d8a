// This file checks how uploadToYouku recovers: hash mismatch, expired upload token, 1009, errors with HTTP 200.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { uploadToYouku } from '../../../src/providers/youku/index.js';
import { count, world } from './helpers.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('uploadToYouku recovery', () => {
  test('re-sends a slice the emulator rejected with 120010225 (hash mismatch), same task and range', async () => {
    const w = await world(200 * 1024);
    try {
      w.sb.faults.add({ on: 'upload_slice', corruptSlice: true });
      const retries: string[] = [];
      const result = await uploadToYouku(w.options({ onRetry: (e) => retries.push(e.reason) }));
      const slices = w.sb.requests.filter((r) => r.kind === 'upload_slice');
      assert.equal(slices[0]!.errorCode, 120010225);
      assert.equal(slices[0]!.status, 400);
      assert.deepEqual(
        [slices[1]!.sliceTaskId, slices[1]!.offset, slices[1]!.length],
        [slices[0]!.sliceTaskId, slices[0]!.offset, slices[0]!.length],
      );
      assert.equal(slices[1]!.status, 201);
      assert.deepEqual(retries, ['slice hash mismatch (120010225)']);
      assert.deepEqual(w.sb.media(result.videoId), { size: w.bytes.length, md5: md5(w.bytes) });
    } finally {
      await w.close();
    }
  });

  test('starts over with a new create when the upload token expired (120010223)', async () => {
    const w = await world(200 * 1024);
    try {
      // The token expires on the third upload_slice: two slices went into an upload that is now dead.
      w.sb.faults.add({ on: 'upload_slice', times: 2, delayMs: 0 });
      w.sb.faults.add({ on: 'upload_slice', expireUploadToken: true });
      const restarts: string[] = [];
      const result = await uploadToYouku(w.options({ onRestarted: (e) => restarts.push(e.reason) }));
      assert.deepEqual(restarts, ['uploadTokenExpired']);
      assert.equal(count(w.sb, 'create'), 2);
      const creates = w.sb.requests.filter((r) => r.kind === 'create');
      const expired = w.sb.requests.find((r) => r.errorCode === 120010223)!;
      assert.equal(expired.kind, 'upload_slice');
      const after = w.sb.requests.slice(w.sb.requests.indexOf(creates[1]!));
      assert.deepEqual(
        after.filter((r) => r.kind === 'upload_slice').map((r) => r.offset),
        [0, 65536, 131072, 196608],
        'the new upload sends the whole file again',
      );
      assert.deepEqual(w.sb.media(result.videoId), { size: w.bytes.length, md5: md5(w.bytes) });
    } finally {
      await w.close();
    }
  });

  test('refreshes the access token once on 1009 and repeats the call', async () => {
    const w = await world(10 * 1024, { accessTokenTtlSec: 0 });
    try {
      const result = await uploadToYouku(w.options());
      // Every token the emulator issues is already expired: create fails, refresh, create fails again → exit 3.
      assert.fail(`should not succeed: ${result.videoId}`);
    } catch (error) {
      assert.equal((error as { exitCode: number }).exitCode, 3);
      assert.equal(w.refreshes, 1, 'refreshed once, not in a loop');
      assert.deepEqual(
        w.sb.requests.map((r) => [r.kind, r.errorCode]),
        [
          ['create', 1009],
          ['create', 1009],
        ],
      );
    } finally {
      await w.close();
    }
  });

  test('a 1009 on commit refreshes and the commit goes through', async () => {
    const w = await world(10 * 1024);
    try {
      w.sb.faults.add({ on: 'commit', error: 1009 });
      const result = await uploadToYouku(w.options());
      assert.equal(w.refreshes, 1);
      const commits = w.sb.requests.filter((r) => r.kind === 'commit');
      assert.equal(commits.length, 2);
      assert.equal(commits[0]!.status, 200, 'the emulator answers commit errors with HTTP 200');
      assert.ok(w.sb.video(result.videoId));
    } finally {
      await w.close();
    }
  });

  test('an error body with HTTP 200 is an error: a 1002 on check is retried with backoff', async () => {
    const w = await world(10 * 1024);
    try {
      w.sb.faults.add({ on: 'check', error: 1002, httpStatus: 200 });
      const retries: number[] = [];
      const result = await uploadToYouku(w.options({ onRetry: (e) => retries.push(e.delayMs) }));
      const checks = w.sb.requests.filter((r) => r.kind === 'check');
      assert.equal(checks[0]!.status, 200);
      assert.equal(checks[0]!.errorCode, 1002);
      assert.deepEqual(retries, [1000], 'retryDelay(1, 0.5) of the engine');
      assert.ok(result.videoId);
    } finally {
      await w.close();
    }
  });

  test('an error body with HTTP 200 that is not transient stops the upload with its code', async () => {
    const w = await world(10 * 1024);
    try {
      w.sb.faults.add({ on: 'commit', error: 120020001, httpStatus: 200 });
      await assert.rejects(
        uploadToYouku(w.options()),
        (e: Error & { exitCode: number; http?: { reason?: string } }) => {
          assert.equal(e.exitCode, 1);
          assert.equal(e.http?.reason, '120020001');
          assert.doesNotMatch(e.message, /yk-access|yk-upload/, 'no token in the message');
          return true;
        },
      );
    } finally {
      await w.close();
    }
  });

  test('transient HTTP 503 and a cut connection are retried; exit 5 after the retries run out', async () => {
    const w = await world(100 * 1024);
    try {
      w.sb.faults.add({ on: 'new_slice', error: 1001 });
      w.sb.faults.add({ on: 'upload_slice', cutAfterBytes: 1000 });
      const result = await uploadToYouku(w.options());
      assert.equal(result.retries, 2);
      assert.deepEqual(w.sb.media(result.videoId), { size: w.bytes.length, md5: md5(w.bytes) });

      w.sb.faults.add({ on: 'create', error: 1001, times: 10 });
      await assert.rejects(uploadToYouku(w.options({ retries: 3 })), { exitCode: 5 });
    } finally {
      await w.close();
    }
  });
});
