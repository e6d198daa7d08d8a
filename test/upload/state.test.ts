// This file tests what the engine keeps on disk and reads from it: sessions, history, fingerprints, file slices.
import assert from 'node:assert/strict';
import { appendFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { VuploadError } from '../../src/errors.js';
import {
  appendHistory,
  createFileSessionStore,
  fingerprintFile,
  readHistory,
  readSlice,
  type SessionRecord,
  sessionKey,
  sessionsDir,
  snapshotFile,
} from '../../src/upload/index.js';
import { tempDir, videoBytes, writeVideo } from './helpers.js';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
});

const record = (path: string): SessionRecord => ({
  version: 1,
  sessionUri: 'https://upload.test/s?upload_id=x',
  path,
  size: 10,
  mtimeMs: 1,
  fingerprint: 'sha256:00',
  metadata: { snippet: { title: 't' } },
  account: 'me',
  initUrl: 'https://upload.test/init',
  contentType: 'video/mp4',
  createdAt: 2,
});

describe('the file session store', () => {
  test('saves private 0600 records, loads them back and removes them', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const store = createFileSessionStore(sessionsDir(tmp.dir));
    const key = sessionKey({ path: '/v.mp4', account: 'me', initUrl: 'https://upload.test/init' });
    assert.equal(await store.load(key), undefined);
    await store.save(key, record('/v.mp4'));
    const info = await stat(join(tmp.dir, 'sessions', `${key}.json`));
    assert.equal(info.mode & 0o777, 0o600);
    assert.equal((await stat(join(tmp.dir, 'sessions'))).mode & 0o777, 0o700);
    assert.deepEqual(await store.load(key), record('/v.mp4'));
    await store.remove(key);
    await store.remove(key);
    assert.equal(await store.load(key), undefined);
  });

  test('treats a damaged record as none', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const store = createFileSessionStore(tmp.dir);
    await writeFile(join(tmp.dir, 'abc.json'), '{"version":1,"sessi');
    assert.equal(await store.load('abc'), undefined);
  });

  test('keys differ by file, account and endpoint', () => {
    const base = { path: '/v.mp4', account: 'me', initUrl: 'https://a/init' };
    const keys = new Set([
      sessionKey(base),
      sessionKey({ ...base, path: '/w.mp4' }),
      sessionKey({ ...base, account: 'you' }),
      sessionKey({ ...base, initUrl: 'https://b/init' }),
    ]);
    assert.equal(keys.size, 4);
    assert.equal(sessionKey(base), sessionKey({ ...base }));
  });
});

describe('the history journal', () => {
  test('appends one private JSON line per upload and reads them back, skipping a torn last line', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const entry = {
      time: '2024-01-01T00:00:00.000Z',
      account: 'me',
      provider: 'youtube',
      file: '/v.mp4',
      size: 10,
      fingerprint: 'sha256:00',
      videoId: 'abc',
      title: 'T',
    };
    await appendHistory(tmp.dir, entry);
    await appendHistory(tmp.dir, { ...entry, videoId: 'def' });
    await appendFile(join(tmp.dir, 'history.jsonl'), '{"time":"2024');
    assert.equal((await stat(join(tmp.dir, 'history.jsonl'))).mode & 0o777, 0o600);
    const history = await readHistory(tmp.dir);
    assert.deepEqual(
      history.map((e) => e.videoId),
      ['abc', 'def'],
    );
    assert.deepEqual(history[0], entry);
    assert.deepEqual(await readHistory(join(tmp.dir, 'none')), []);
  });
});

describe('fingerprints', () => {
  test('tell apart files that differ in the first, middle or last MiB, or in size', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const bytes = videoBytes(5 * 1024 * 1024);
    const path = join(tmp.dir, 'v.mp4');
    const print = async (data: Buffer): Promise<string> => {
      await writeFile(path, data);
      return fingerprintFile(path);
    };
    const original = await print(bytes);
    assert.equal(await print(bytes), original);
    const prints = new Set([original]);
    for (const at of [10, Math.floor(bytes.length / 2), bytes.length - 10]) {
      const changed = Buffer.from(bytes);
      changed[at] = changed[at]! ^ 0xff;
      prints.add(await print(changed));
    }
    prints.add(await print(bytes.subarray(0, bytes.length - 1)));
    assert.equal(prints.size, 5);
  });
});

describe('file slices', () => {
  test('stream exactly the requested bytes, each chunk lent until the next is asked for', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const { path, bytes } = await writeVideo(tmp.dir, 'v.mp4', 6_000_000);
    const snapshot = await snapshotFile(path);
    for (const [start, end] of [
      [123, 765_432],
      [1000, 5_800_000],
    ] as const) {
      const copies: Buffer[] = [];
      const lent = new Set<ArrayBufferLike>();
      for await (const chunk of readSlice(snapshot, start, end)) {
        copies.push(Buffer.from(chunk));
        lent.add(chunk.buffer);
      }
      assert.ok(Buffer.concat(copies).equals(bytes.subarray(start, end)));
      assert.ok(lent.size <= 3, `${lent.size} buffers for ${copies.length} chunks`);
    }
  });

  test('hold back their last piece when the file changed while it was read, so the server never gets it whole', async () => {
    const tmp = await tempDir();
    cleanup = tmp.cleanup;
    const { path } = await writeVideo(tmp.dir, 'v.mp4', 2 * 1024 * 1024);
    const snapshot = await snapshotFile(path);
    let received = 0;
    let changed = false;
    const error = await (async () => {
      for await (const chunk of readSlice(snapshot, 0, snapshot.size)) {
        received += (chunk as Buffer).length;
        if (!changed) {
          changed = true;
          await utimes(path, new Date(), new Date(Date.now() + 10_000));
        }
      }
    })().catch((e: unknown) => e);
    assert.ok(error instanceof VuploadError && error.code === 'fileChanged', String(error));
    assert.ok(received < snapshot.size, `received ${received} of ${snapshot.size}`);
  });
});
