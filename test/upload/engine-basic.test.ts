// This file tests the engine's happy paths and the server-offset rules with a scripted transport.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { VuploadError } from '../../src/errors.js';
import type { UploadProgress } from '../../src/upload/index.js';
import {
  created,
  finished,
  type Harness,
  harness,
  INIT,
  isInit,
  isQuery,
  isSlice,
  METADATA,
  SESSION,
  stored,
  VIDEO,
} from './script.js';

const KiB256 = 262144;
let h: Harness;
afterEach(async () => {
  await h?.cleanup();
});

const isProtocolError = (e: unknown): boolean => e instanceof VuploadError && e.code === 'protocol';

describe('a session', () => {
  test('is started with the resource as JSON and the upload headers, and kept before the first byte', async () => {
    h = await harness(600_000);
    h.transport
      .expect(
        'init',
        (r) => {
          isInit(r);
          assert.equal(r.headers['content-type'], 'application/json; charset=UTF-8');
          assert.equal(r.headers['x-upload-content-length'], '600000');
          assert.equal(r.headers['x-upload-content-type'], 'video/mp4');
          assert.equal(r.headers.authorization, 'Bearer token-0');
          assert.deepEqual(JSON.parse(r.body.toString()), METADATA);
        },
        created(),
      )
      .expect(
        'whole file',
        (r) => {
          isSlice(h, 0, 600_000)(r);
          assert.equal(r.headers.authorization, 'Bearer token-0');
          const [record] = [...h.store.records.values()];
          assert.ok(record, 'the session must be stored before any byte is sent');
          assert.equal(record.sessionUri, SESSION);
          assert.equal(record.path, h.path);
          assert.equal(record.size, 600_000);
          assert.equal(record.account, 'me');
          assert.deepEqual(record.metadata, METADATA);
          assert.equal(record.initUrl, INIT);
          assert.match(record.fingerprint, /^sha256:[0-9a-f]{64}$/);
        },
        finished,
      );
    const result = await h.upload();
    h.transport.assertDone();
    assert.deepEqual(result.response, VIDEO);
    assert.equal(result.sessionUri, SESSION);
    assert.equal(result.bytesSent, 600_000);
    assert.equal(result.size, 600_000);
    assert.equal(result.retries, 0);
    assert.equal(result.resumed, false);
    assert.equal(result.sessionRestarts, 0);
    assert.equal(h.store.records.size, 0, 'the kept session is removed on success');
    assert.deepEqual(h.events, [`created ${SESSION}`]);
  });

  test('accepts 200 as the final answer too, and a relative Location', async () => {
    h = await harness(1000);
    h.transport
      .expect('init', isInit, {
        status: 200,
        headers: { location: '/upload/youtube/v3/videos?upload_id=s1&uploadType=resumable' },
      })
      .expect(
        'whole file',
        (r) =>
          assert.equal(
            r.url,
            'https://upload.test/upload/youtube/v3/videos?upload_id=s1&uploadType=resumable',
          ),
        {
          status: 200,
          body: VIDEO,
        },
      );
    const result = await h.upload();
    h.transport.assertDone();
    assert.deepEqual(result.response, VIDEO);
  });

  test('refuses an initiation answer without a Location', async () => {
    h = await harness(1000);
    h.transport.expect('init', isInit, { status: 200 });
    await assert.rejects(h.upload(), isProtocolError);
    h.transport.assertDone();
  });
});

describe('chunked uploads', () => {
  test('send 256 KiB multiples with Content-Range and finish with the rest', async () => {
    h = await harness(600_000);
    h.transport
      .expect('init', isInit, created())
      .expect('chunk 1', isSlice(h, 0, KiB256), stored(KiB256))
      .expect('chunk 2', isSlice(h, KiB256, 2 * KiB256), stored(2 * KiB256))
      .expect('last chunk', isSlice(h, 2 * KiB256, 600_000), finished);
    const progress: UploadProgress[] = [];
    const result = await h.upload({ chunkSize: KiB256, onProgress: (p) => progress.push(p) });
    h.transport.assertDone();
    assert.equal(result.bytesSent, 600_000);
    const last = progress.at(-1)!;
    assert.equal(last.confirmed, 600_000);
    assert.equal(last.total, 600_000);
    assert.equal(last.bytesOnWire, 600_000);
    for (let i = 1; i < progress.length; i++) {
      assert.ok(progress[i]!.confirmed >= progress[i - 1]!.confirmed, 'confirmed never goes back');
    }
  });

  test('continue from a 308 that acknowledges part of a chunk, off the chunk boundary', async () => {
    h = await harness(600_000);
    h.transport
      .expect('init', isInit, created())
      .expect('chunk 1', isSlice(h, 0, KiB256), stored(100_000))
      .expect('from the stored offset', isSlice(h, 100_000, 100_000 + KiB256), stored(100_000 + KiB256))
      .expect('rest', isSlice(h, 100_000 + KiB256, 600_000), finished);
    const result = await h.upload({ chunkSize: KiB256 });
    h.transport.assertDone();
    assert.equal(result.bytesSent, 600_000 + KiB256 - 100_000);
    assert.equal(result.retries, 0);
  });

  test('a server that answers with a 200 carrying X-HTTP-Status-Code-Override: 308 is read as a 308', async () => {
    h = await harness(600_000);
    h.transport
      .expect('init', isInit, created())
      .expect('chunk 1', isSlice(h, 0, 2 * KiB256), {
        status: 200,
        headers: { 'x-http-status-code-override': '308', range: `bytes=0-${KiB256 - 1}` },
      })
      .expect('rest', isSlice(h, KiB256, 600_000), finished);
    await h.upload({ chunkSize: 2 * KiB256 });
    h.transport.assertDone();
  });
});

describe('the server offset is checked', () => {
  test('a server that falls behind what it confirmed stops the upload', async () => {
    h = await harness(600_000);
    h.transport
      .expect('init', isInit, created())
      .expect('chunk 1', isSlice(h, 0, KiB256), stored(KiB256))
      .expect('chunk 2', isSlice(h, KiB256, 2 * KiB256), stored(1000));
    await assert.rejects(
      h.upload({ chunkSize: KiB256 }),
      (e: unknown) => isProtocolError(e) && /1000/.test(String(e)),
    );
    h.transport.assertDone();
    assert.equal(h.store.records.size, 1, 'the session is kept for a later look');
  });

  test('a server that claims more than was sent stops the upload', async () => {
    h = await harness(600_000);
    h.transport
      .expect('init', isInit, created())
      .expect('chunk 1', isSlice(h, 0, KiB256), stored(KiB256 + 1));
    await assert.rejects(h.upload({ chunkSize: KiB256 }), isProtocolError);
    h.transport.assertDone();
  });

  test('a chunk size that is not a multiple of 256 KiB is refused before anything is sent', async () => {
    h = await harness(1000);
    await assert.rejects(
      h.upload({ chunkSize: 1_000_000 }),
      (e: unknown) => e instanceof VuploadError && e.exitCode === 2,
    );
    h.transport.assertDone();
  });

  test('an empty file is refused before anything is sent', async () => {
    h = await harness(0);
    await assert.rejects(h.upload(), (e: unknown) => e instanceof VuploadError && e.exitCode === 2);
  });
});

test('a status query is sent with Content-Range: bytes */TOTAL after a failure', async () => {
  h = await harness(1000);
  h.transport
    .expect('init', isInit, created())
    .expect('whole file, cut', (r) => assert.equal(r.body.length, 10), {
      error: 'ECONNRESET',
      afterBytes: 10,
    })
    .expect('query', isQuery(h), stored(0))
    .expect('again', isSlice(h, 0, 1000), finished);
  await h.upload();
  h.transport.assertDone();
});
