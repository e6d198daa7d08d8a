// This file declares the Vimeo emulator's public contract: options, the in-process handle, settings and the log.
import type { Fault, FaultKind, RequestLogEntry } from '../types.js';

/** The API app the emulator knows out of the box (a sandbox app's secret is not confidential). */
export const VIMEO_SANDBOX_APP = {
  clientId: 'vimeo-sandbox-client',
  clientSecret: 'vimeo-sandbox-secret',
  name: 'vupload sandbox',
} as const;

export interface VimeoSandboxApp {
  clientId: string;
  clientSecret: string;
  name?: string;
  /**
   * The app's registered callback URLs: Vimeo sends the user back only to one of them, exactly. Default: any
   * loopback http URL is accepted (a test that wants the real rule lists the URLs it registered).
   */
  redirectUris?: string[];
}

export interface VimeoRateLimit {
  /** Requests a user may make in the rolling window. Default 10000. */
  limit?: number;
  /** The rolling window, in seconds. Default 900 (the 15 minutes vimeo.py #86 quotes from Vimeo). */
  windowSec?: number;
}

export interface VimeoSandboxOptions {
  /** State (state.json), tus uploads (tus/) and picture/text-track files (files/). Default: a temp dir, removed on close. */
  dir?: string;
  /** API port on 127.0.0.1. Default: the one this dir used last (ports.json), else a free one. */
  port?: number;
  /** Upload host port (tus, picture and text-track links), another origin than the API. Default as `port`. */
  uploadPort?: number;
  /** How long transcoding takes after the last byte arrived. Default 3000. */
  processingMs?: number;
  /** Default [VIMEO_SANDBOX_APP]. */
  apps?: VimeoSandboxApp[];
  /** Default rate limit of every user (setUser changes one user's). */
  rateLimit?: VimeoRateLimit;
  /** Lifetime of a tus upload link (@tus/file-store's expiration; 410 Gone after it). Default 24 h. */
  uploadLinkTtlMs?: number;
  /**
   * Status of a successful `POST /me/videos`. Default 200, what vimeo.py and vimeo.php check for; Vimeo's OpenAPI
   * file says 201 (api.yaml, upload_video_alt1), so a client should accept both.
   */
  createStatus?: 200 | 201;
  /** Clock in ms since the epoch (transcoding, quota periods, the rate-limit window, codes). Default Date.now. */
  now?: () => number;
  /** Optional human log, one line per request (`vupload sandbox --log-requests`); secrets are redacted. */
  log?: (line: string) => void;
}

/** Vimeo's upload_quota, set per user (bytes; `max: null` = no such limit). */
export interface VimeoQuotaSettings {
  /** Total storage ("lifetime" in upload_quota). */
  lifetime?: { max?: number | null; used?: number };
  /** The weekly allowance ("periodic"); resetDate is ISO 8601, the period is 7 days. */
  periodic?: { max?: number | null; used?: number; resetDate?: string };
}

export interface VimeoUserSettings {
  displayName?: string;
  /** 'basic', 'plus', 'pro', 'business', … (shown in /me). */
  account?: string;
  quota?: VimeoQuotaSettings;
  rateLimit?: VimeoRateLimit;
}

export interface MintVimeoTokenOptions {
  /** Default 'sandbox-user'. */
  user?: string;
  /** Default: every scope (a personal access token made with all boxes ticked). */
  scopes?: string[];
}

/** Fault kinds on this emulator: the YouTube sandbox's vocabulary, mapped to Vimeo's requests (docs/sandbox.md). */
export type VimeoFaultKind = Extract<
  FaultKind,
  | 'upload-init'
  | 'upload-chunk'
  | 'upload-status'
  | 'api'
  | 'token'
  | 'auth'
  | 'revoke'
  | 'thumbnail'
  | 'caption'
>;

/** The shared log entry (src/sandbox/types.ts), with the origin it came to and Vimeo's own kinds and codes. */
export interface VimeoRequestLogEntry extends Omit<RequestLogEntry, 'kind'> {
  /** Which origin the request came to. */
  host: 'api' | 'upload';
  kind: VimeoFaultKind;
  /** The API version the Accept header asked for (`version=3.4`), if any. */
  apiVersion?: string;
  /** Vimeo's error_code answered, if any. */
  errorCode?: number;
  /** Answered 429 by the rate limiter. */
  rateLimited?: true;
  /** The video the request concerned, when known. */
  videoId?: string;
  /** tus requests: the Upload-Offset the request claimed, and the offset stored after it. */
  offset?: number;
  offsetAfter?: number;
}

export type TranscodeOutcome = 'complete' | 'error';

export interface VimeoUploadInfo {
  size: number;
  /** Bytes @tus/server's file store holds (its offset). */
  offset: number;
  status: 'in_progress' | 'complete';
  link: string;
}

export interface VimeoSandbox {
  /** API base, 'http://127.0.0.1:PORT' — replaces https://api.vimeo.com. */
  url: string;
  /** Upload origin, 'http://127.0.0.1:UPLOADPORT' — Vimeo's upload hosts (files.tus.vimeo.com and others). */
  uploadUrl: string;
  port: number;
  uploadPort: number;
  dir: string;
  /** The ports this dir used last, when they were taken and others were chosen (links saved against them broke). */
  movedFrom?: { port: number; uploadPort: number };
  app: { clientId: string; clientSecret: string };
  authorizeUri: string;
  tokenUri: string;
  /** A new personal access token (Vimeo's tokens do not expire). */
  mintToken(opts?: MintVimeoTokenOptions): string;
  /** The default user's personal access token, made once and kept in the state. */
  personalToken(): string;
  revokeToken(token: string): void;
  faults: { add(fault: Fault): void; clear(): void; pending(): Fault[] };
  requests: VimeoRequestLogEntry[];
  clearRequests(): void;
  /** The video as its owner's GET /videos/{id} shows it. */
  video(id: string): Record<string, unknown> | undefined;
  /** Video ids of a user (default: every user's), oldest first. */
  videoIds(user?: string): string[];
  /** The stored media once the upload is complete. */
  media(id: string): { size: number; sha256: string } | undefined;
  upload(id: string): Promise<VimeoUploadInfo | undefined>;
  transcodeStatus(id: string): 'in_progress' | 'complete' | 'error' | undefined;
  /** Forces how transcoding ends; 'next' applies to the next video created. */
  setTranscodeOutcome(id: string, outcome: TranscodeOutcome): void;
  pictures(
    videoId: string,
  ): Array<{ id: string; active: boolean; size?: number; sha256?: string; mimeType?: string }>;
  textTracks(videoId: string): Array<{
    id: string;
    type: string;
    language: string;
    name: string;
    active: boolean;
    size?: number;
    sha256?: string;
  }>;
  /** Folders (/me/projects) and showcases (/me/albums) of a user (default: all), with the videos they hold. */
  folders(user?: string): Array<{ id: string; owner: string; name: string; videoIds: string[] }>;
  showcases(user?: string): Array<{ id: string; owner: string; name: string; videoIds: string[] }>;
  /** The tus upload of a video is gone: 'expire' (tus answers 410, the default) or 'remove' (404). */
  expireUpload(videoId: string, how?: 'expire' | 'remove'): Promise<void>;
  setUser(name: string, settings: VimeoUserSettings): void;
  /** A user's upload_quota as GET /me?fields=upload_quota shows it. */
  quota(name?: string): Record<string, unknown>;
  close(): Promise<void>;
}
