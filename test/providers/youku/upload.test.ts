// This file runs whole Youku uploads against the emulator: the happy path, slices, ids, and the journal.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { uploadToYouku } from '../../../src/providers/youku/index.js';
import { readHistory } from '../../../src/upload/index.js';
import { count, kinds, world } from './helpers.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('uploadToYouku against the emulator', () => {
  test('uploads every slice the server assigns and the stored media has the file MD5', async () => {
    const w = await world(300 * 1024);
    try {
      const result = await uploadToYouku(w.options());
      assert.deepEqual(w.sb.media(result.videoId), { size: w.bytes.length, md5: md5(w.bytes) });
      assert.equal(result.md5, md5(w.bytes));
      assert.equal(result.idsDiffer, false);
      assert.equal(result.resumed, false);
      assert.equal(result.bytesSent, w.bytes.length);
      const slices = w.sb.requests.filter((r) => r.kind === 'upload_slice');
      // 300 KB in the server's 64 KB slices (it overrides the 2048 KB the client asks for): 5 slices.
      assert.deepEqual(
        slices.map((r) => [r.offset, r.length]),
        [0, 1, 2, 3, 4].map((i) => [i * 65536, i < 4 ? 65536 : 300 * 1024 - 4 * 65536]),
      );
      for (const r of slices) {
        const part = w.bytes.subarray(r.offset!, r.offset! + r.length!);
        assert.equal(r.query.hash, md5(part), 'each slice carries the MD5 of exactly its bytes');
      }
      assert.deepEqual(kinds(w.sb).slice(0, 3), ['create', 'create_file', 'new_slice']);
      const commit = w.sb.requests.find((r) => r.kind === 'commit')!;
      assert.equal(commit.form?.upload_server_ip, '10.0.0.7', 'commit echoes the IP check reported');
      assert.equal(commit.form?.access_token, '***');
      const video = w.sb.video(result.videoId)!;
      assert.equal(video.title, 'Emulated upload');
      assert.equal(video.tags, 'test,vupload');
      // Nothing is left to resume once the upload is committed.
      assert.deepEqual(await readdir(join(w.stateDir, 'youku')), []);
    } finally {
      await w.close();
    }
  });

  test('waits out check status 2 and 3 with growing pauses, then commits on 1', async () => {
    const w = await world(100 * 1024, { confirmDelayChecks: 3 });
    try {
      const waits: number[] = [];
      const result = await uploadToYouku(w.options({ onConfirmWait: (e) => waits.push(e.status) }));
      assert.ok(result.videoId);
      const statuses = w.sb.requests.filter((r) => r.kind === 'check').map((r) => r.checkStatus);
      assert.deepEqual(statuses, [2, 3, 2, 1]);
      assert.deepEqual(waits, [2, 3, 2]);
      assert.deepEqual(w.sleeps, [2000, 4000, 8000], 'backoff, not a fixed sleep');
    } finally {
      await w.close();
    }
  });

  test('gives up with exit 5 when confirmation takes longer than the bounded wait', async () => {
    const w = await world(64 * 1024, { confirmDelayChecks: 100 });
    try {
      await assert.rejects(
        uploadToYouku(w.options({ confirmTimeoutMs: 20_000 })),
        (e: { exitCode: number }) => {
          assert.equal(e.exitCode, 5);
          return true;
        },
      );
      assert.deepEqual(w.sleeps, [2000, 4000, 8000]);
      assert.equal(count(w.sb, 'commit'), 0);
    } finally {
      await w.close();
    }
  });

  test('journals both ids and flags that commit returned another id than create', async () => {
    const w = await world(70 * 1024);
    try {
      w.sb.faults.add({ on: 'commit', commitVideoId: 'XOTHER123' });
      const result = await uploadToYouku(w.options());
      assert.equal(result.videoId, 'XOTHER123');
      assert.notEqual(result.createVideoId, 'XOTHER123');
      assert.equal(result.idsDiffer, true);
      const [entry, ...rest] = await readHistory(w.stateDir);
      assert.equal(rest.length, 0);
      assert.equal(entry!.provider, 'youku');
      assert.equal(entry!.videoId, 'XOTHER123');
      assert.equal(entry!.createVideoId, result.createVideoId);
      assert.equal(entry!.idsDiffer, true);
      assert.equal(entry!.size, 70 * 1024);
    } finally {
      await w.close();
    }
  });

  test('refuses missing title or tags before any request (exit 2)', async () => {
    const w = await world(1024);
    try {
      await assert.rejects(uploadToYouku(w.options({ tags: [] })), { exitCode: 2 });
      await assert.rejects(uploadToYouku(w.options({ title: '  ' })), { exitCode: 2 });
      assert.equal(w.sb.requests.length, 0);
    } finally {
      await w.close();
    }
  });
});
