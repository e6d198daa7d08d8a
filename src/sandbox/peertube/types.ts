// This file declares the PeerTube emulator's public contract: options, user settings, faults and the handle.
import type { Fault, FaultKind, RequestLogEntry } from '../types.js';

export type { Fault, RequestLogEntry };

/** The account every PeerTube sandbox has (a test account: its password is no secret). */
export const PEERTUBE_SANDBOX_USER = { username: 'sandbox', password: 'sandbox-password' } as const;

/** The fault kinds the PeerTube emulator classifies requests into (the same vocabulary as the YouTube sandbox). */
export const PEERTUBE_FAULT_KINDS: readonly FaultKind[] = [
  'upload-init',
  'upload-chunk',
  'upload-status',
  'api',
  'token',
  'revoke',
  'caption',
];

export interface PeerTubeSandboxOptions {
  /** Storage root (state.json, resumable-uploads/, media/). Default: a temp dir, removed on close(), not saved. */
  dir?: string;
  /** Default 0 (a free port). Always bound to 127.0.0.1. */
  port?: number;
  /** Access token lifetime. Default 86400 (PeerTube's oauth2.token_lifetime.access_token: 1 day). */
  accessTokenTtlSec?: number;
  /** Refresh token lifetime. Default 1209600 (2 weeks, PeerTube's default). */
  refreshTokenTtlSec?: number;
  /** How long a new video stays "To transcode" (state 2) before "Published" (1). 0: published at once. Default 3000. */
  processingMs?: number;
  /**
   * How long creating the video takes after the last byte arrived (ffprobe, database, thumbnails). Meanwhile the
   * last chunk sent again gets 503 with Retry-After: 300, as PeerTube answers it. Default 0.
   */
  creationDelayMs?: number;
  /**
   * true (default): like PeerTube's ffprobe, a finished upload whose first bytes are no known audio or video
   * container is refused with 422 "Video file unreadable." and dropped. false: any bytes make a video.
   */
  probe?: boolean;
  /** 'hash': keep only size + sha256 of finished uploads (for large files); 'full' keeps the file. Default 'full'. */
  storage?: 'full' | 'hash';
  /** Users to create besides PEERTUBE_SANDBOX_USER (created on first start; later starts keep what was saved). */
  users?: Array<PeerTubeUserSettings & { username: string }>;
  /** Optional human log, one line per request (for `vupload sandbox --log-requests`). Secrets are redacted. */
  log?: (line: string) => void;
  /** Clock in ms since the epoch (tests move it to expire tokens, end processing, or move the two-factor code). */
  now?: () => number;
}

export interface PeerTubeUserSettings {
  /** Replaces the password. */
  password?: string;
  /** Bytes; -1: no limit (PeerTube's default). */
  videoQuota?: number;
  /** Bytes per 24 hours; -1: no limit. */
  videoQuotaDaily?: number;
  /** On: password logins also need the TOTP code in `x-peertube-otp` (see the handle's otp()). */
  twoFactor?: boolean;
  /** A blocked user cannot log in (400 account_blocked). */
  blocked?: boolean;
  /** Adds channels by name (a user always has `<username>_channel`). */
  channels?: string[];
}

export interface PeerTubeTokenResponse {
  token_type: 'Bearer';
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_token_expires_in: number;
}

export interface PeerTubeUserInfo {
  id: number;
  username: string;
  videoQuota: number;
  videoQuotaDaily: number;
  twoFactor: boolean;
  blocked: boolean;
  channels: Array<{ id: number; name: string; displayName: string }>;
}

export interface PeerTubeUploadInfo {
  uploadId: string;
  /** Bytes uploadx holds for the session (its file's size on disk). */
  stored: number;
  size: number;
  userId: number;
  metadata: Record<string, unknown>;
}

export type TranscodingOutcome = 'published' | 'failed';

export interface PeerTubeSandbox {
  /** 'http://127.0.0.1:PORT', the instance URL (API under /api/v1, admin under /__sandbox/). */
  url: string;
  port: number;
  dir: string;
  /** The instance's local OAuth client, as GET /api/v1/oauth-clients/local answers it. */
  client: { client_id: string; client_secret: string };
  faults: { add(fault: Fault): void; clear(): void; pending(): Fault[] };
  requests: RequestLogEntry[];
  clearRequests(): void;
  users(): PeerTubeUserInfo[];
  /** Creates the user (password defaults to `<username>-password`) or changes its settings. */
  setUser(username: string, settings?: PeerTubeUserSettings): void;
  /** The user's current two-factor code (TOTP, 30 s steps of the sandbox clock); throws if 2FA is off. */
  otp(username: string): string;
  /** Tokens as a password login would get them, without a request. Default user: PEERTUBE_SANDBOX_USER. */
  mintToken(username?: string, opts?: { ttlSec?: number }): PeerTubeTokenResponse;
  /** The video as GET /api/v1/videos/{id} answers its owner (id, UUID or short UUID). */
  video(id: number | string): Record<string, unknown> | undefined;
  /** Size and sha256 of the file the upload delivered (hashed on first call when kept whole). */
  media(id: number | string): Promise<{ size: number; sha256: string } | undefined>;
  thumbnail(id: number | string): { size: number; sha256: string; mimeType: string } | undefined;
  captions(id: number | string): Array<{ language: string; size: number; sha256: string; mimeType: string }>;
  /** Every playlist (all users), oldest first, with the ids of the videos it holds in order. */
  playlists(): Array<{
    id: number;
    uuid: string;
    displayName: string;
    privacy: number;
    channelId: number | null;
    ownerId: number;
    videoIds: number[];
  }>;
  /** What uploadx holds for a resumable session, or undefined once it is gone (finished, cancelled, expired). */
  upload(uploadId: string): Promise<PeerTubeUploadInfo | undefined>;
  /** Drops a resumable session as PeerTube's cleaner does: later requests on it get 404. */
  expireUpload(uploadId: string): Promise<void>;
  /** How transcoding of a video ends; 'next' applies to the next video created. */
  setTranscodingOutcome(id: number | string | 'next', outcome: TranscodingOutcome): void;
  close(): Promise<void>;
}
