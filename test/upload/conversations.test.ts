// This file runs vupload's engines through the fault conversations Google's storage conformance tests use for
// resumable uploads (storage-testbench's retry instructions), one scenario a line, against the in-process sandbox.
// Each must end in an intact upload whose data requests all start where the server stood, never before a
// Retry-After has passed, with at most the listed bytes received twice. Scenarios marked BOTH also run on the
// stream engine (an upload from a pipe).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { EARLY_DISCARD_BYTES } from '../../src/sandbox/http.js';
import { type Fault, type Sandbox, startSandbox } from '../../src/sandbox/youtube/index.js';
import {
  createHttpTransport,
  type HttpTransport,
  type UploadResult,
  uploadResumable,
  uploadStream,
} from '../../src/upload/index.js';
import { FakeClock } from './fake-transport.js';
import { sandboxUpload, tempDir, writeVideo } from './helpers.js';

const K = 256 * 1024;
const MiB = 1024 * 1024;
const SIZE = 2 * MiB + 12_345;
/** How the engine sends: one request, or 512 KiB chunks; `idleMs` shortens the transport's idle timeout. */
type Mode = { chunk?: number; idleMs?: number };
const ONE: Mode = {};
const CHUNKED: Mode = { chunk: 2 * K };
/** What the sandbox reads of a request it refused before the body: a little, then it closes (issue 28). */
const EARLY = 2 * EARLY_DISCARD_BYTES;

type Engine = 'file' | 'pipe';
const FILE: Engine[] = ['file'];
const BOTH: Engine[] = ['file', 'pipe'];
type Scenario = [name: string, faults: Fault[], mode: Mode, mostReceivedTwice: number, engines?: Engine[]];
const chunk = 'upload-chunk' as const;
const status = 'upload-status' as const;

// biome-ignore format: one scenario a line
const SCENARIOS: Scenario[] = [
  ['return-503', [{ on: chunk, status: 503 }], ONE, EARLY],
  ['return-503 on the third chunk', [{ on: chunk, status: 503, nth: 3 }], CHUNKED, EARLY, BOTH],
  ['return-408', [{ on: chunk, status: 408 }], ONE, EARLY],
  ['return-429 with Retry-After', [{ on: chunk, status: 429, retryAfter: 2 }], ONE, EARLY, BOTH],
  ['return-401 before the body', [{ on: chunk, status: 401 }], ONE, EARLY, BOTH],
  ['return-503 with Retry-After on a chunk', [{ on: chunk, status: 503, retryAfter: 3, nth: 2 }], CHUNKED, EARLY, BOTH],
  ['return-429 with Retry-After on the session start', [{ on: 'upload-init', status: 429, retryAfter: 1 }], ONE, 0],
  ['return-503 on the status query after a cut', [{ on: chunk, cutAfterBytes: 300_000 }, { on: 'upload-status', status: 503, retryAfter: 1 }], ONE, 0],
  ['return-reset-connection', [{ on: chunk, cutAfterBytes: 0 }], ONE, 0],
  ['return-reset-connection, return-503', [{ on: chunk, cutAfterBytes: 0 }, { on: chunk, status: 503 }], CHUNKED, EARLY],
  ['return-broken-stream-after-256K', [{ on: chunk, cutAfterBytes: K }], ONE, 0],
  ['return-broken-stream-after-256K at offset 1 MiB', [{ on: chunk, cutAfterBytes: K, atOffset: MiB }], CHUNKED, 0],
  ['return-503-after-256K', [{ on: chunk, storePartial: K, status: 503 }], ONE, SIZE - K],
  ['return-503-after-256K while chunking', [{ on: chunk, storePartial: K, status: 503, nth: 2 }], CHUNKED, K],
  // Stored off the 256 KiB grid: the rest of the chunk is sent again, then the next chunk's bytes past the grid.
  ['return-503-after-300K (off the 256 KiB grid)', [{ on: chunk, storePartial: 300 * 1024, status: 503 }], CHUNKED, 2 * K - 300 * 1024 + 44 * 1024],
  ['return-503-after-1024K, return-408', [{ on: chunk, storePartial: MiB, status: 503 }, { on: chunk, status: 408 }], ONE, SIZE - MiB + EARLY],
  ['a 308 that kept fewer bytes than sent', [{ on: chunk, storePartial: 100_000, nth: 2 }], CHUNKED, 2 * K - 100_000 + 100_000],
  ['return-broken-stream-final-chunk-after-1B', [{ on: chunk, brokenResponse: 1 }], ONE, 0],
  ['return-broken-stream-final-chunk-after-40B while chunking', [{ on: chunk, brokenResponse: 40 }], CHUNKED, 0],
  ['return-broken-stream-final-chunk-after-100B (a short, honest Content-Length)', [{ on: chunk, shortResponse: 100 }], ONE, 0, BOTH],
  ['return-broken-stream-final-chunk-after-0B (an empty final answer)', [{ on: chunk, shortResponse: 0 }], ONE, 0, BOTH],
  ['return-broken-stream-final-chunk-after-100B while chunking', [{ on: chunk, shortResponse: 100 }], CHUNKED, 0, BOTH],
  ['a final answer cut short, then twice more on the status queries', [{ on: chunk, shortResponse: 100 }, { on: status, shortResponse: 7, times: 2 }], ONE, 0, BOTH],
  ['stall-for-30s-after-256K (idle timeout)', [{ on: chunk, stallAfterBytes: K, stallMs: 30_000 }], { idleMs: 400 }, 0],
  ['stall-for-30s-after-256K while chunking', [{ on: chunk, stallAfterBytes: K, stallMs: 30_000, nth: 2 }], { ...CHUNKED, idleMs: 400 }, 0],
  ['a stall shorter than the idle timeout', [{ on: chunk, stallAfterBytes: K, stallMs: 50 }], ONE, 0],
  ['the session expires mid-upload', [{ on: chunk, expireSession: true, nth: 2 }], CHUNKED, 4 * K],
];

describe('fault conversations (storage conformance retry scenarios)', () => {
  /** The engine's clock is the sandbox's: Retry-After is enforced, and nobody waits for real. */
  const clock = new FakeClock();
  const transports = new Map<number, HttpTransport>();
  const finals: number[] = [];
  let sb: Sandbox;
  let path: string;
  let bytes: Buffer;
  let sha256: string;
  let cleanup: () => Promise<void>;

  before(async () => {
    sb = await startSandbox({ dailyQuota: 1e9, now: clock.now, createdShare: 0.5 });
    let dir: string;
    ({ dir, cleanup } = await tempDir());
    const video = await writeVideo(dir, 'video.mp4', SIZE);
    path = video.path;
    bytes = video.bytes;
    sha256 = createHash('sha256').update(video.bytes).digest('hex');
  });
  after(async () => {
    for (const t of transports.values()) t.close();
    await sb.close();
    await cleanup();
  });

  const transport = (idleMs = 10_000) => {
    if (!transports.has(idleMs)) transports.set(idleMs, createHttpTransport({ idleTimeoutMs: idleMs }));
    return transports.get(idleMs)!;
  };

  const upload = (engine: Engine, name: string, mode: Mode): Promise<UploadResult> => {
    const options = {
      ...sandboxUpload(sb, path, { snippet: { title: name.slice(0, 100), categoryId: '22' } }),
      transport: transport(mode.idleMs),
      chunkSize: mode.chunk,
      clock,
      random: () => 0.5,
    };
    if (engine === 'file') return uploadResumable(options);
    const { file: _file, ...rest } = options;
    return uploadStream({ ...rest, stream: Readable.from([bytes]) });
  };

  const runs = SCENARIOS.flatMap(([name, faults, mode, most, engines = FILE]) =>
    engines.map((engine) => ({
      name: engine === 'file' ? name : `${name} (pipe)`,
      faults,
      mode,
      most,
      engine,
    })),
  );
  for (const { name, faults, mode, most: mostReceivedTwice, engine } of runs) {
    test(`${name}: the upload arrives intact`, async () => {
      sb.faults.clear();
      sb.clearRequests();
      for (const f of faults) sb.faults.add(f);
      const result = await upload(engine, name, mode);
      const id = (result.response as { id?: string }).id!;
      assert.deepEqual(sb.media(id), { size: SIZE, sha256 }, 'the stored media is the file');
      assert.deepEqual(sb.faults.pending(), [], 'every fault of the scenario fired');
      const log = sb.requests;
      assert.deepEqual(
        log.filter((r) => r.tooEarly).map((r) => r.kind),
        [],
        'no request came before its Retry-After',
      );
      let uploadId: string | undefined;
      let stood = 0;
      let received = 0;
      for (const r of log.filter((e) => e.uploadId)) {
        if (r.uploadId !== uploadId) [uploadId, stood] = [r.uploadId, 0];
        if (r.kind === 'upload-chunk') {
          if (r.status !== 404) assert.equal(r.firstByte ?? 0, stood, 'data starts where the server stood');
          received += r.bodyBytes;
        }
        if (r.storedAfter !== undefined) stood = r.storedAfter;
      }
      assert.ok(
        received - SIZE <= mostReceivedTwice,
        `${received - SIZE} bytes received twice, at most ${mostReceivedTwice} expected`,
      );
      const last = log.filter((r) => r.uploadId && (r.status === 200 || r.status === 201)).at(-1);
      finals.push(last?.status ?? 0);
    });
  }

  test('the final answers included both 200 OK and 201 Created', () => {
    assert.equal(finals.length, runs.length);
    assert.ok(finals.includes(200) && finals.includes(201), `final statuses: ${finals.join(' ')}`);
  });
});
