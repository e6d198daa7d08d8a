// This file tests the engine's write-ahead record, its content hash and its last word before a new session.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { xxhash128 } from 'hash-wasm';
import { hashFile } from '../../src/upload/index.js';
import {
  created,
  finished,
  googleError,
  type Harness,
  harness,
  interruptedRun,
  isInit,
  isQuery,
  isSlice,
  stored,
  VIDEO,
} from './script.js';

const KiB256 = 262144;
let h: Harness;
afterEach(async () => {
  await h?.cleanup();
});

/** XXH3-128 by hash-wasm's one-shot function (the engine feeds its streaming hasher piece by piece). */
const contentHashOf = async (bytes: Buffer) => `xxh3-128:${await xxhash128(bytes)}`;
const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

describe('the write-ahead record', () => {
  test('is written while the session is still kept, and the session is removed only after it', async () => {
    h = await harness(600_000);
    h.transport.expect('init', isInit, created()).expect('file', isSlice(h, 0, 600_000), finished);
    const seen: number[] = [];
    const result = await h.upload({ record: async () => void seen.push(h.store.records.size) });
    assert.deepEqual(seen, [1], 'the session existed when the record was written');
    assert.equal(h.store.records.size, 0);
    assert.equal(result.recordError, undefined);
  });

  test('that fails keeps the session; the next run asks it, finds the video and records it then', async () => {
    h = await harness(600_000);
    h.transport.expect('init', isInit, created()).expect('file', isSlice(h, 0, 600_000), finished);
    const first = await h.upload({
      record: async () => {
        throw enospc();
      },
    });
    assert.deepEqual(first.response, VIDEO, 'the id still reaches the caller');
    assert.equal((first.recordError as { code?: string }).code, 'ENOSPC');
    assert.equal(h.store.records.size, 1, 'the session is kept');
    h.transport.expect('asked', isQuery(h), finished);
    const recorded: unknown[] = [];
    const second = await h.upload({ record: async (r) => void recorded.push(r.response) });
    h.transport.assertDone();
    assert.deepEqual(recorded, [VIDEO]);
    assert.equal(second.finishedEarlier, true);
    assert.equal(second.bytesSent, 0, 'nothing uploaded twice');
    assert.equal(h.store.records.size, 0);
  });
});

describe('the content hash', () => {
  test('is the XXH3-128 of the whole file when it goes in one request', async () => {
    h = await harness(600_000);
    h.transport.expect('init', isInit, created()).expect('file', isSlice(h, 0, 600_000), finished);
    const result = await h.upload();
    assert.equal(result.contentHash, await contentHashOf(h.bytes));
    assert.equal(result.contentHash, await hashFile(h.path));
  });

  test('is the same after chunks, a partial store, a resend and an overlap', async () => {
    h = await harness(3 * KiB256 + 100);
    h.transport
      .expect('init', isInit, created())
      .expect('chunk 1', isSlice(h, 0, KiB256), stored(KiB256))
      .expect('chunk 2 cut', () => {}, { error: 'ECONNRESET', afterBytes: 5000 })
      .expect('query', isQuery(h), stored(KiB256 + 1000))
      .expect('rest of 2', isSlice(h, KiB256 + 1000, 2 * KiB256 + 1000), googleError(503, 'backendError'))
      .expect('query again', isQuery(h), stored(2 * KiB256))
      .expect('chunk 3', isSlice(h, 2 * KiB256, 3 * KiB256), stored(3 * KiB256))
      .expect('last', isSlice(h, 3 * KiB256, 3 * KiB256 + 100), finished);
    const result = await h.upload({ chunkSize: KiB256 });
    h.transport.assertDone();
    assert.equal(result.contentHash, await contentHashOf(h.bytes));
  });

  test('of a resumed upload hashes the part an earlier run sent from disk', async () => {
    h = await harness(600_000);
    await interruptedRun(h);
    h.transport
      .expect('asked', isQuery(h), stored(KiB256))
      .expect('rest', isSlice(h, KiB256, 600_000), finished);
    const result = await h.upload();
    h.transport.assertDone();
    assert.equal(result.resumed, true);
    assert.equal(result.contentHash, await contentHashOf(h.bytes));
  });
});

describe('beforeNewSession', () => {
  test('can skip the upload: nothing is sent to the initiation URL', async () => {
    h = await harness(1000);
    const result = await h.upload({ beforeNewSession: async () => ({ skip: 'journaled' }) });
    h.transport.assertDone();
    assert.equal(result.skipped, 'journaled');
    assert.equal(result.bytesSent, 0);
  });

  test('is not asked when a kept session is continued', async () => {
    h = await harness(600_000);
    await interruptedRun(h);
    let asked = 0;
    h.transport
      .expect('asked', isQuery(h), stored(KiB256))
      .expect('rest', isSlice(h, KiB256, 600_000), finished);
    await h.upload({ beforeNewSession: async () => void asked++ });
    assert.equal(asked, 0);
  });
});
