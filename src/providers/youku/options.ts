// This file declares what uploadToYouku takes (metadata, side effects, callbacks) and what it gives back.
import type { ProviderStateStore } from '../../state/store.js';
import type { Clock, Transport, UploadProgress } from '../../upload/index.js';

/** How the Youku client gets an access token; it never sees how tokens are stored. */
export interface YoukuAuth {
  accessToken(): Promise<string>;
  /** Called once after 1009 (access token expired); the next accessToken() must be fresh. */
  refresh(): Promise<void>;
}

export interface YoukuUploadOptions {
  file: string;
  title: string;
  /** Required by Youku; sent comma-separated. */
  tags: string[] | string;
  description?: string;
  category?: string;
  copyrightType?: 'original' | 'reproduced';
  publicType?: 'all' | 'friend' | 'password';
  /** Required when publicType is 'password'. */
  watchPassword?: string;
  /** Default https://api.youku.com (the emulator's url in tests). */
  apiUrl?: string;
  clientId: string;
  auth: YoukuAuth;
  /** vupload's state directory: resume state goes to <stateDir>/youku/, the journal to <stateDir>/history.jsonl. */
  stateDir: string;
  /** Where the resume state is kept instead of `<stateDir>/youku/` (the state database of a fleet). */
  states?: ProviderStateStore;
  /** Who uploads (profile); part of the resume key and of the journal entry. */
  account: string;
  transport?: Transport;
  clock?: Clock;
  random?: () => number;
  signal?: AbortSignal;
  /** Retries in a row without progress (default 10). */
  retries?: number;
  /** Slice length asked for in create_file, in KB (default 2048, as the SDKs); the server may assign another. */
  sliceLengthKb?: number;
  /** Average send rate cap in bytes per second. */
  limitRate?: number;
  /** Longest total wait for check's 2/3 ("still confirming") before giving up with exit 5 (default 10 min). */
  confirmTimeoutMs?: number;
  /** Discard kept resume state and start with create. */
  restart?: boolean;
  /** Resolves the upload server's host name to the address used from then on (default: node:dns lookup). */
  lookup?: (host: string) => Promise<string>;
  onProgress?(progress: UploadProgress): void;
  onRetry?(event: { attempt: number; delayMs: number; reason: string }): void;
  /** A kept upload is being continued (after its first check). */
  onResumed?(event: { uploadToken: string; status: number; transferredPercent: number }): void;
  /** check said 2 or 3: waiting `delayMs` before asking again. */
  onConfirmWait?(event: { status: number; delayMs: number; waitedMs: number }): void;
  /** The upload token expired (120010223) or the kept state did not fit: a new upload starts with create. */
  onRestarted?(event: { reason: 'uploadTokenExpired' | 'fileChanged' | 'metadataChanged' | 'restart' }): void;
  /**
   * Called once, right before the first `create` of this run (no kept upload could be continued): return `{ skip }`
   * to create nothing (the caller's journal proves the content was uploaded), or throw.
   */
  beforeNewUpload?(): Promise<{ skip: unknown } | undefined>;
  /**
   * Write-ahead record of a finished upload, awaited before the kept state is removed (default: append it to
   * `<stateDir>/history.jsonl`). If it throws, the state is kept and the result carries `recordError`. Also called
   * for a kept upload of the file's earlier content that turns out to be a video already (`earlierContent`).
   */
  record?(upload: YoukuRecord): Promise<void>;
}

/** A finished upload, as the journal needs it. */
export interface YoukuRecord {
  videoId: string;
  createVideoId: string;
  idsDiffer: boolean;
  path: string;
  size: number;
  mtimeMs: number;
  fingerprint: string;
  /** The content hash of the whole content (`xxh3-128:<hex>`, content-hash.ts); absent for `earlierContent`. */
  contentHash?: string;
  title?: string;
  /** The create parameters the video was made with (title, tags …; a watch password too: never journal it whole). */
  metadata?: Record<string, string>;
  earlierContent?: boolean;
}

export interface YoukuUploadResult {
  /** The id commit returned: the one to use. */
  videoId: string;
  /** The id create returned. */
  createVideoId: string;
  /** The seed's author saw ids he did not expect; both are journaled and this says whether they differ. */
  idsDiffer: boolean;
  /** Every byte put on the wire, re-sends included. */
  bytesSent: number;
  size: number;
  path: string;
  md5: string;
  fingerprint: string;
  mtimeMs: number;
  contentHash: string;
  /** The metadata (create's parameters) the video was created with. */
  metadata: Record<string, string>;
  resumed: boolean;
  /** The video existed already: an earlier run committed it but was stopped before recording it. */
  finishedEarlier: boolean;
  retries: number;
  elapsedMs: number;
  /** `record` failed: the video exists, the kept state lets the next run find it. */
  recordError?: unknown;
  /** beforeNewUpload said to skip; nothing was created. */
  skipped?: unknown;
}

export const YOUKU_API_URL = 'https://api.youku.com';
export const DEFAULT_SLICE_KB = 2048;
export const DEFAULT_CONFIRM_TIMEOUT_MS = 10 * 60 * 1000;
/** check's 2/3 waits: from 2 s doubling to 60 s (the SDKs wait 10–60 s; the seed suggests 60 s). */
export const CONFIRM_FIRST_WAIT_MS = 2_000;
export const CONFIRM_MAX_WAIT_MS = 60_000;
