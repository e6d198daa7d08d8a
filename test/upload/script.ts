// This file holds the pieces engine tests script conversations with: a harness, request checks and answers.
import assert from 'node:assert/strict';
import { VuploadError } from '../../src/errors.js';
import {
  createMemorySessionStore,
  type UploadOptions,
  type UploadResult,
  uploadResumable,
} from '../../src/upload/index.js';
import { FakeAuth, FakeClock, type Reply, ScriptedTransport, type SeenRequest } from './fake-transport.js';
import { tempDir, writeVideo } from './helpers.js';

export const INIT = 'https://upload.test/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status';
export const SESSION = 'https://upload.test/upload/youtube/v3/videos?uploadType=resumable&upload_id=s1';
export const SESSION2 = 'https://upload.test/upload/youtube/v3/videos?uploadType=resumable&upload_id=s2';
export const METADATA = { snippet: { title: 'Summer vacation' }, status: { privacyStatus: 'private' } };
export const VIDEO = { id: 'vid123', kind: 'youtube#video' };

export interface Harness {
  path: string;
  bytes: Buffer;
  size: number;
  transport: ScriptedTransport;
  clock: FakeClock;
  auth: FakeAuth;
  store: ReturnType<typeof createMemorySessionStore>;
  events: string[];
  /** Runs the engine with the harness's fakes; `extra` overrides options. */
  upload(extra?: Partial<UploadOptions>): Promise<UploadResult>;
  cleanup(): Promise<void>;
}

export async function harness(size = 600_000): Promise<Harness> {
  const tmp = await tempDir();
  const { path, bytes } = await writeVideo(tmp.dir, 'video.mp4', size);
  const h: Harness = {
    path,
    bytes,
    size,
    transport: new ScriptedTransport(),
    clock: new FakeClock(),
    auth: new FakeAuth(),
    store: createMemorySessionStore(),
    events: [],
    upload: (extra = {}) =>
      uploadResumable({
        file: path,
        initUrl: INIT,
        metadata: METADATA,
        account: 'me',
        contentType: 'video/mp4',
        auth: h.auth,
        transport: h.transport,
        store: h.store,
        clock: h.clock,
        random: () => 0.5,
        onRetry: (e) => h.events.push(`retry ${e.attempt} ${e.delayMs} ${e.reason}`),
        onResumed: (e) => h.events.push(`resumed ${e.offset}${e.persisted ? ' persisted' : ''}`),
        onSessionCreated: (e) => h.events.push(`created ${e.uri}`),
        onSessionExpired: (e) => h.events.push(`expired ${e.count}`),
        onSessionDiscarded: (e) => h.events.push(`discarded ${e.reason}`),
        ...extra,
      }),
    cleanup: tmp.cleanup,
  };
  return h;
}

export function isInit(request: SeenRequest): void {
  assert.equal(request.method, 'POST');
  assert.equal(request.url, INIT);
}

/** Checks a slice request: PUT to the session with bytes [start, end) of the file, whole. */
export function isSlice(h: Harness, start: number, end: number, session = SESSION): (r: SeenRequest) => void {
  return (request) => {
    assert.equal(request.method, 'PUT');
    assert.equal(request.url, session);
    assert.equal(request.headers['content-range'], `bytes ${start}-${end - 1}/${h.size}`);
    assert.equal(request.headers['content-length'], String(end - start));
    assert.ok(
      request.body.equals(h.bytes.subarray(start, end)),
      `body of ${start}-${end} differs from the file`,
    );
  };
}

export function isQuery(h: Harness, session = SESSION): (r: SeenRequest) => void {
  return (request) => {
    assert.equal(request.method, 'PUT');
    assert.equal(request.url, session);
    assert.equal(request.headers['content-range'], `bytes */${h.size}`);
    assert.equal(request.headers['content-length'], '0');
    assert.equal(request.body.length, 0);
  };
}

export const created = (session = SESSION): Reply => ({ status: 200, headers: { location: session } });
export const stored = (bytes: number, headers: Record<string, string> = {}): Reply => ({
  status: 308,
  headers: bytes > 0 ? { range: `bytes=0-${bytes - 1}`, ...headers } : headers,
});
export const finished: Reply = { status: 201, body: VIDEO };
export const googleError = (status: number, reason: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: { error: { code: status, message: `${reason} happened`, errors: [{ domain: 'test', reason }] } },
});

/**
 * A first upload in 256 KiB chunks, interrupted (SIGINT) after the server stored `storedBytes` of its first chunk:
 * it exits 130 saying that re-running resumes, and keeps its session.
 */
export async function interruptedRun(h: Harness, storedBytes = 262144): Promise<void> {
  const controller = new AbortController();
  h.transport
    .expect('init', isInit, created())
    .expect('chunk', isSlice(h, 0, 262144), stored(storedBytes))
    .expect('hangs', () => controller.abort('SIGINT'), { hang: true });
  await assert.rejects(
    h.upload({ chunkSize: 262144, signal: controller.signal }),
    (e: unknown) =>
      e instanceof VuploadError &&
      e.code === 'interrupted' &&
      e.exitCode === 130 &&
      /re-running/.test(e.hint ?? ''),
  );
}
