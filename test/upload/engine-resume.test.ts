// This file tests kept sessions, interruption, a changing file and the rate limit with a scripted transport.
import assert from 'node:assert/strict';
import { utimes, writeFile } from 'node:fs/promises';
import { afterEach, describe, test } from 'node:test';
import { VuploadError } from '../../src/errors.js';
import { sessionKey } from '../../src/upload/index.js';
import {
  created,
  finished,
  type Harness,
  harness,
  INIT,
  interruptedRun,
  isInit,
  isQuery,
  isSlice,
  METADATA,
  SESSION,
  SESSION2,
  stored,
  VIDEO,
} from './script.js';

const KiB256 = 262144;
let h: Harness;
afterEach(async () => {
  await h?.cleanup();
});

const isInterrupted = (exitCode: number) => (e: unknown) =>
  e instanceof VuploadError &&
  e.code === 'interrupted' &&
  e.exitCode === exitCode &&
  /re-running/.test(e.hint ?? '');

describe('interruption', () => {
  test('aborting with SIGINT mid-upload exits 130 and keeps the session', async () => {
    h = await harness(600_000);
    await interruptedRun(h, KiB256);
    h.transport.assertDone();
    const record = h.store.records.get(sessionKey({ path: h.path, account: 'me', initUrl: INIT }));
    assert.equal(record?.sessionUri, SESSION);
  });

  test('aborting with SIGTERM during a backoff wait exits 143', async () => {
    h = await harness(1000);
    const controller = new AbortController();
    h.transport.expect('init', isInit, { status: 503 });
    const sleep = h.clock.sleep;
    h.clock.sleep = async (ms, signal) => {
      controller.abort('SIGTERM');
      return sleep(ms, signal);
    };
    await assert.rejects(h.upload({ signal: controller.signal }), isInterrupted(143));
    h.transport.assertDone();
  });
});

describe('a kept session', () => {
  test('is resumed by a new run from the offset the server reports, not from 0', async () => {
    h = await harness(600_000);
    await interruptedRun(h, KiB256);
    h.events.length = 0;
    h.transport
      .expect('query first', isQuery(h), stored(KiB256 + 5))
      .expect('rest', isSlice(h, KiB256 + 5, 600_000), finished);
    const result = await h.upload();
    h.transport.assertDone();
    assert.equal(result.resumed, true);
    assert.equal(result.bytesSent, 600_000 - KiB256 - 5);
    assert.deepEqual(h.events, [`resumed ${KiB256 + 5} persisted`]);
    assert.equal(h.store.records.size, 0);
  });

  test('that already finished gives the final answer without sending a byte', async () => {
    h = await harness(600_000);
    await interruptedRun(h, KiB256);
    h.transport.expect('query first', isQuery(h), finished);
    const result = await h.upload();
    h.transport.assertDone();
    assert.deepEqual(result.response, VIDEO);
    assert.equal(result.bytesSent, 0);
    assert.equal(result.resumed, true);
  });

  test('that expired on the server is replaced by a new session from byte 0', async () => {
    h = await harness(600_000);
    await interruptedRun(h, KiB256);
    h.transport
      .expect('query first', isQuery(h), { status: 404 })
      .expect('init', isInit, created(SESSION2))
      .expect('whole file', isSlice(h, 0, 600_000, SESSION2), finished);
    const result = await h.upload();
    h.transport.assertDone();
    assert.equal(result.sessionRestarts, 1);
    assert.equal(result.resumed, false);
  });

  for (const [why, extra, reason] of [
    ['--restart', { restart: true }, 'restart'],
    ['other metadata', { metadata: { ...METADATA, snippet: { title: 'Other' } } }, 'metadataChanged'],
    ['older than the session lifetime', { sessionMaxAgeMs: 1000 }, 'stale'],
  ] as const) {
    test(`is asked first, then discarded for ${why}, starting a new session`, async () => {
      h = await harness(600_000);
      await interruptedRun(h, KiB256);
      h.clock.time += 2000;
      h.events.length = 0;
      h.transport
        .expect('asked first', isQuery(h), stored(KiB256))
        .expect('init', isInit, created(SESSION2))
        .expect('file', isSlice(h, 0, 600_000, SESSION2), finished);
      const result = await h.upload(extra);
      h.transport.assertDone();
      assert.equal(result.resumed, false);
      assert.equal(h.events[0], `discarded ${reason}`);
    });

    test(`that finished is the upload even for ${why}: recorded, never uploaded again`, async () => {
      h = await harness(600_000);
      await interruptedRun(h, KiB256);
      h.clock.time += 2000;
      h.transport.expect('asked first', isQuery(h), finished);
      const recorded: unknown[] = [];
      const result = await h.upload({ ...extra, record: async (r) => void recorded.push(r.response) });
      h.transport.assertDone();
      assert.deepEqual(result.response, VIDEO);
      assert.equal(result.finishedEarlier, true);
      assert.equal(result.bytesSent, 0);
      assert.deepEqual(recorded, [VIDEO]);
      assert.deepEqual(result.metadata, METADATA, 'the metadata the video was created with');
      assert.equal(h.store.records.size, 0);
    });
  }

  test('is not used for another account', async () => {
    h = await harness(600_000);
    await interruptedRun(h, KiB256);
    h.transport
      .expect('init', isInit, created(SESSION2))
      .expect('file', isSlice(h, 0, 600_000, SESSION2), finished);
    await h.upload({ account: 'someone-else' });
    h.transport.assertDone();
    assert.equal(h.store.records.size, 1, "the first account's session is left alone");
  });
});

describe('a file that changes', () => {
  test('between runs is refused with exit 2 and a hint to use --restart', async () => {
    h = await harness(600_000);
    await interruptedRun(h, KiB256);
    await utimes(h.path, new Date(), new Date(Date.now() + 5000));
    h.transport.expect('asked first', isQuery(h), stored(KiB256));
    await assert.rejects(
      h.upload(),
      (e: unknown) =>
        e instanceof VuploadError &&
        e.code === 'fileChanged' &&
        e.exitCode === 2 &&
        /--restart/.test(e.hint ?? ''),
    );
    h.transport.assertDone();
  });

  test('between runs, with changedIsNew (watch): the session is asked, dropped, and the new content uploaded', async () => {
    h = await harness(600_000);
    await interruptedRun(h, KiB256);
    const before = { ...h }; // the session is asked with the size it was started with
    h.bytes = Buffer.alloc(700_000, 9);
    h.size = 700_000;
    await writeFile(h.path, h.bytes);
    const discarded: string[] = [];
    h.transport
      .expect('asked first', isQuery(before), stored(KiB256))
      .expect('init', isInit, created(SESSION2))
      .expect('new content', isSlice(h, 0, 700_000, SESSION2), finished);
    const result = await h.upload({
      changedIsNew: true,
      onSessionDiscarded: (e) => void discarded.push(e.reason),
    });
    h.transport.assertDone();
    assert.equal(result.size, 700_000);
    assert.equal(result.resumed, false);
    assert.deepEqual(discarded, ['fileChanged']);
    assert.equal(h.store.records.size, 0, 'the stale session is gone');
  });

  test('between runs, after the earlier content finished: that upload is recorded, the new content uploaded', async () => {
    h = await harness(600_000);
    await interruptedRun(h, KiB256);
    h.bytes = Buffer.alloc(600_000, 7);
    await writeFile(h.path, h.bytes);
    await utimes(h.path, new Date(), new Date(Date.now() + 5000));
    h.transport
      .expect('asked first', isQuery(h), finished)
      .expect('init', isInit, created(SESSION2))
      .expect('new content', isSlice(h, 0, 600_000, SESSION2), { status: 200, body: { id: 'vid456' } });
    const recorded: Array<{ id: unknown; earlier: boolean | undefined; hash: string | undefined }> = [];
    const result = await h.upload({
      record: async (r) =>
        void recorded.push({
          id: (r.response as { id: string }).id,
          earlier: r.earlierContent,
          hash: r.contentHash,
        }),
    });
    h.transport.assertDone();
    assert.deepEqual((result.response as { id: string }).id, 'vid456');
    assert.equal(recorded.length, 2);
    assert.deepEqual(recorded[0], { id: 'vid123', earlier: true, hash: undefined });
    assert.equal(recorded[1]?.id, 'vid456');
    assert.match(recorded[1]?.hash ?? '', /^xxh3-128:[0-9a-f]{32}$/);
  });

  test('between attempts is refused before another byte is sent', async () => {
    h = await harness(600_000);
    h.transport
      .expect('init', isInit, created())
      .expect(
        'file, cut while the file changes',
        async () => {
          await writeFile(h.path, Buffer.alloc(600_000, 1));
          await utimes(h.path, new Date(), new Date(Date.now() + 5000));
        },
        { error: 'ECONNRESET', afterBytes: 1000 },
      )
      .expect('query', isQuery(h), stored(0));
    await assert.rejects(h.upload(), (e: unknown) => e instanceof VuploadError && e.code === 'fileChanged');
    h.transport.assertDone();
  });
});

test('limitRate caps the average send rate on the injected clock', async () => {
  h = await harness(1_000_000);
  h.transport.expect('init', isInit, created()).expect('file', isSlice(h, 0, 1_000_000), finished);
  const rate = 200_000;
  const result = await h.upload({ limitRate: rate });
  h.transport.assertDone();
  const slept = h.clock.sleeps.reduce((a, b) => a + b, 0);
  // The bucket starts full (a quarter second of data), so the rest takes at least (size - burst) / rate.
  const burst = rate / 4;
  assert.ok(slept >= ((1_000_000 - burst) / rate) * 1000 - 50, `slept ${slept} ms`);
  assert.ok(slept <= (1_000_000 / rate) * 1000 + 100, `slept ${slept} ms`);
  assert.equal(result.bytesSent, 1_000_000);
});
