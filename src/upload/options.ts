// This file declares what the upload engine takes (options, side effects, callbacks) and what it gives back.
import type { Clock } from './clock.js';
import type { UploadProgress } from './progress.js';
import type { UploadAuth } from './protocol.js';
import type { DiscardReason, SessionStore } from './session-store.js';
import type { Transport } from './transport.js';

export interface UploadOptions {
  /** The file to upload (made absolute). */
  file: string;
  /** Initiation URL, e.g. `<root>/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`. */
  initUrl: string;
  /** The JSON resource sent at initiation (for YouTube: the video resource). */
  metadata: unknown;
  /** Who uploads (profile or channel); part of the key under which the session is kept. */
  account: string;
  auth: UploadAuth;
  /** `X-Upload-Content-Type` and the slices' Content-Type (default application/octet-stream). */
  contentType?: string;
  /**
   * Whether a session URL (the initiation's `Location`, or a kept one) may receive the auth headers. A URL it
   * refuses is a protocol error: nothing is saved or sent there. Default: any URL.
   */
  sessionUrlAllowed?: (url: string) => boolean;
  /** The wire format (protocol.ts): Google's resumable protocol by default; tus for Vimeo (protocols/tus.ts). */
  protocol?: import('./protocol.js').UploadProtocol;
  /**
   * Finds the resource a session made when the server no longer knows the session (404/410) and every byte may have
   * reached it: PeerTube deletes a finished session, so a run killed after its last answer finds the video this way.
   * Undefined: it made none, and a new session starts.
   */
  findFinished?(session: {
    sessionUri: string;
    size: number;
    metadata: unknown;
    /** When the session was created (clock ms). */
    createdAt: number;
    data?: unknown;
  }): Promise<unknown | undefined>;
  /** Default: a keep-alive node:http transport, closed at the end. */
  transport?: Transport;
  /** Where sessions are kept between runs (createFileSessionStore); default: memory only, no resume across runs. */
  store?: SessionStore;
  /** Bytes per request, a multiple of 256 KiB (alignChunkSize); default: the whole file in one request. */
  chunkSize?: number;
  /** Average send rate cap in bytes per second. */
  limitRate?: number;
  /** Retries in a row without the server's offset moving forward (default 10). */
  retries?: number;
  /** Cap of one backoff wait (default 64 s). Retry-After is honoured as given. */
  maxDelayMs?: number;
  /** No retry starts once this much time has passed since the upload began (default 24 h). */
  timeBudgetMs?: number;
  /** New sessions after 404/410 before giving up (default 5). */
  maxSessionRestarts?: number;
  /** Discard a kept session and start from byte 0. */
  restart?: boolean;
  /**
   * A kept session whose file changed since it started is dropped (once asked: one that finished is recorded) and
   * the file as it is now uploaded, as new content (`vupload watch`). Without it the upload stops (fileChanged,
   * exit 2) and the session stays, for a file that is put back.
   */
  changedIsNew?: boolean;
  /** Kept sessions older than this are discarded (default 7 days: API-NOTES §1 "Session lifetime"). */
  sessionMaxAgeMs?: number;
  clock?: Clock;
  random?: () => number;
  /** Aborting stops the upload, keeps the session, and rejects with code 'interrupted' (exit 130, or 143 for 'SIGTERM'). */
  signal?: AbortSignal;
  /** Minimum time between two progress events (default 100 ms); every request's end also emits. */
  progressIntervalMs?: number;
  onProgress?(progress: UploadProgress): void;
  onRetry?(event: { attempt: number; delayMs: number; reason: string }): void;
  /** After every status query that lets the upload go on; `persisted` when it continues a session kept on disk. */
  onResumed?(event: { offset: number; persisted: boolean }): void;
  onSessionCreated?(event: { uri: string }): void;
  /** The session was gone (404/410); a new one starts from byte 0. `count` is how many times so far. */
  onSessionExpired?(event: { count: number }): void;
  /** A kept session was not used: --restart, older than sessionMaxAgeMs, or other metadata this time. */
  onSessionDiscarded?(event: { reason: DiscardReason }): void;
  /**
   * Called when no kept session can be continued and a new one is about to start (after every kept session was
   * asked whether it finished). The caller's last word before a video is created: return `{ skip }` to create
   * none (e.g. the journal proves this content was uploaded), or throw (e.g. no quota left). Nothing was sent
   * to the initiation URL yet.
   */
  beforeNewSession?(): Promise<{ skip: unknown } | undefined>;
  /**
   * Write-ahead record of a finished upload, awaited before the kept session is removed: at every instant either
   * the session or this record exists, so a run killed at any point finds the upload again. If it throws, the
   * session is kept and the result carries `recordError`. Also called for a kept session of the file's earlier
   * content that turns out to have finished (`result.earlierContent`), before a new upload of the current content.
   */
  record?(result: UploadResult): Promise<void>;
}

export interface UploadResult {
  /** The parsed JSON of the final 200/201 answer (for YouTube: the video resource). */
  response: unknown;
  sessionUri: string;
  /** Every byte put on the wire, re-sends included. */
  bytesSent: number;
  size: number;
  /** Absolute path, sample fingerprint and modification time of what was uploaded (for the history journal). */
  path: string;
  fingerprint: string;
  mtimeMs: number;
  /** The content hash of the whole content (`xxh3-128:<hex>`, content-hash.ts); absent only for `earlierContent`. */
  contentHash?: string;
  /** The metadata the session was started with (differs from the options' when `finishedEarlier`). */
  metadata: unknown;
  retries: number;
  /** True when a session kept by an earlier run was continued. */
  resumed: boolean;
  /** The kept session had finished already: an earlier run uploaded everything but was stopped before recording it. */
  finishedEarlier: boolean;
  /** A kept session of content the file no longer has, found finished; passed to `record` only, never returned. */
  earlierContent?: boolean;
  /** `record` failed (e.g. ENOSPC): the upload is done, the session is kept so a re-run finds it. */
  recordError?: unknown;
  /** `beforeNewSession` said to skip: no upload happened, this is what it gave. */
  skipped?: unknown;
  sessionRestarts: number;
  elapsedMs: number;
}

export const DEFAULT_RETRIES = 10;
export const DEFAULT_SESSION_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
export const DEFAULT_TIME_BUDGET_MS = 24 * 3600 * 1000;
