// This file declares the YouTube emulator's public contract: options, the in-process handle, its client.
import type { Fault, RequestLogEntry } from '../types.js';

export type { Fault, FaultKind, PartialFault, RequestLogEntry, StatusFault } from '../types.js';

/** The OAuth client the sandbox knows out of the box (a "Desktop app" client; its secret is not confidential). */
export const SANDBOX_CLIENT = {
  clientId: 'sandbox-client.apps.googleusercontent.com',
  clientSecret: 'sandbox-secret',
} as const;

export interface SandboxClient {
  clientId: string;
  clientSecret: string;
}

export interface SandboxOptions {
  /** Storage root (state.json + media/). Default: a fresh temp dir, removed on close(), with no state file. */
  dir?: string;
  /** Default 0 (a free port). Always bound to 127.0.0.1. */
  port?: number;
  /** 'hash': keep only size + sha256 (+ the first bytes, for the container check) of uploaded media. */
  storage?: 'full' | 'hash';
  /** Default 3600. */
  accessTokenTtlSec?: number;
  /**
   * Refresh tokens expire after this long, as Google's do for apps whose OAuth consent screen is in "Testing"
   * (7 days: 604800); token answers then carry `refresh_token_expires_in`. Default: they never expire.
   */
  refreshTokenTtlSec?: number;
  /** How long simulated processing takes after an upload. Default 3000. */
  processingMs?: number;
  /** Default 10000 units a day (reset at midnight America/Los_Angeles). */
  dailyQuota?: number;
  /** Override per-method quota costs, keyed like 'videos.insert' (see quota.ts for the defaults). */
  costs?: Partial<Record<string, number>>;
  /** Resumable session lifetime. Default 7 days (API-NOTES §1). */
  sessionTtlMs?: number;
  /** Default [SANDBOX_CLIENT]. */
  clients?: SandboxClient[];
  /** Uploads a channel may finish per Pacific day before `uploadLimitExceeded`. Default: unlimited. */
  uploadLimitPerDay?: number;
  /** Simulate an unaudited API project: every uploaded video is locked to private (API-NOTES §2). */
  unverifiedProject?: boolean;
  /**
   * The origin session URLs are given on (the `Location` of an initiation). Default: the sandbox's own URL. Another
   * origin emulates an upload host other than the API's (which a client must not trust with its token).
   */
  sessionOrigin?: string;
  /** Optional human log, one line per request (for `vupload sandbox --log-requests`). Secrets are redacted. */
  log?: (line: string) => void;
  /** Clock in ms since the epoch (tests move it to expire tokens, finish processing or cross midnight). */
  now?: () => number;
  /**
   * Share (0 to 1) of finished resumable uploads answered `201 Created` instead of `200 OK`; Google's clients accept
   * both (API-NOTES §1, "Finish"). Default 0. Which completions get 201 follows `seed`, so runs repeat.
   */
  createdShare?: number;
  /** Seed of the sandbox's own randomness (the 201 share). Default 1. */
  seed?: number;
}

export type ProcessingOutcome =
  | { kind: 'succeeded' }
  | { kind: 'failed'; failureReason?: string }
  | { kind: 'rejected'; rejectionReason?: string };

export interface MintTokenOptions {
  /** Full scope URLs or short names like 'youtube.upload'. Default: youtube.upload, youtube, youtube.force-ssl. */
  scopes?: string[];
  ttlSec?: number;
  /** Default 'sandbox-user'. */
  user?: string;
}

export interface TokenResponse {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  /** Only when refresh tokens expire (SandboxOptions.refreshTokenTtlSec). */
  refresh_token_expires_in?: number;
  scope: string;
  token_type: 'Bearer';
}

export interface ClientSecretsFile {
  installed: {
    client_id: string;
    client_secret: string;
    auth_uri: string;
    token_uri: string;
    redirect_uris: string[];
    revoke_uri: string;
  };
}

export interface UserSettings {
  /** false: thumbnails.set answers 403 forbidden (channel not verified for custom thumbnails). Default true. */
  customThumbnails?: boolean;
  channelTitle?: string;
}

export interface SessionInfo {
  uploadId: string;
  stored: number;
  total?: number;
  videoId?: string;
}

export interface Sandbox {
  /** 'http://127.0.0.1:PORT' — replaces https://www.googleapis.com. */
  url: string;
  authUri: string;
  tokenUri: string;
  revokeUri: string;
  port: number;
  dir: string;
  clientSecrets(): ClientSecretsFile;
  mintToken(opts?: MintTokenOptions): TokenResponse;
  faults: { add(fault: Fault): void; clear(): void; pending(): Fault[] };
  requests: RequestLogEntry[];
  clearRequests(): void;
  video(id: string): Record<string, unknown> | undefined;
  /** Every video's id (all users), oldest first: what the server holds, however it was made. */
  videos(): string[];
  media(id: string): { size: number; sha256: string } | undefined;
  thumbnail(videoId: string): { size: number; sha256: string; mimeType: string } | undefined;
  /** Every playlist (all users), oldest first, with the video ids it holds in order. */
  playlists(): Array<{ id: string; owner: string; title: string; videoIds: string[] }>;
  /** The caption tracks of a video, oldest first. */
  captions(videoId: string): Array<{ id: string; language: string; name: string }>;
  session(uploadId: string): SessionInfo | undefined;
  setQuotaUsed(units: number): void;
  quotaUsed(): number;
  /** Forces a video's processing result; id 'next' applies to the next upload that finishes. */
  setProcessingOutcome(id: string, outcome: ProcessingOutcome): void;
  setUser(name: string, settings: UserSettings): void;
  close(): Promise<void>;
}
