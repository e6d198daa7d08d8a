// This file declares the Youku emulator's public contract: options, faults, the request log and the handle.

/** The Youku client the emulator knows out of the box (client_id + client_secret of an open-platform app). */
export const YOUKU_SANDBOX_CLIENT = {
  clientId: 'youku-sandbox-client',
  clientSecret: 'youku-sandbox-secret',
} as const;

export interface YoukuSandboxClient {
  clientId: string;
  clientSecret: string;
}

export interface YoukuSandboxOptions {
  /** Media files go to <dir>/media. Default: a fresh temp dir, removed on close(). */
  dir?: string;
  /** Default 0 (a free port). Always bound to 127.0.0.1. */
  port?: number;
  /** Lifetime of minted and issued access tokens. Default 3600. */
  accessTokenTtlSec?: number;
  /** How many check calls answer 2 or 3 after every slice arrived, before 1. Default 2. */
  confirmDelayChecks?: number;
  /** Slice length the server assigns, whatever the client asks for in create_file. Default: the client's. */
  sliceLengthKb?: number;
  /** Upload token lifetime. Default 24 h. */
  uploadTokenTtlMs?: number;
  /** Default [YOUKU_SANDBOX_CLIENT]. */
  clients?: YoukuSandboxClient[];
  /** What check reports as upload_server_ip (a private address the client must only echo). Default 10.0.0.7. */
  reportedServerIp?: string;
  /** Clock in ms since the epoch (tests move it to expire tokens). */
  now?: () => number;
  /** Optional human log, one line per request; secrets are redacted. */
  log?: (line: string) => void;
}

export type YoukuKind =
  | 'create'
  | 'create_file'
  | 'new_slice'
  | 'upload_slice'
  | 'check'
  | 'commit'
  | 'cancel'
  | 'authorize'
  | 'token'
  | 'show'
  | 'other';

/**
 * A scripted misbehaviour for the next `times` (default 1) matching requests — the same shape as the YouTube
 * sandbox's faults (`on` is a kind or {method, path}); the effects are Youku's. `atOffset` matches only the
 * upload_slice whose `offset` is that byte (as the YouTube sandbox's matches a Content-Range).
 */
export type YoukuFault = {
  on: YoukuKind | { method?: string; path?: string };
  times?: number;
  atOffset?: number;
} & (
  | YoukuErrorFault
  | { cutAfterBytes: number }
  | { delayMs?: number; bytesPerSec?: number }
  /** The body stops being read after K bytes for `stallMs` (the client's idle timeout); ends if the client leaves. */
  | { stallAfterBytes: number; stallMs: number }
  /** upload_slice: one byte of the slice is damaged on arrival, so the real hash check answers 120010225. */
  | { corruptSlice: true }
  /** Any request carrying an upload_token: the token expires just before it is handled. */
  | { expireUploadToken: true }
  /** commit: answer this video id instead of the one create gave (the seed's author saw ids he did not expect). */
  | { commitVideoId: string }
);

/** Answer `{"error":{"code","type","description"}}` with `httpStatus` (default: the code's usual status; 200 allowed). */
export interface YoukuErrorFault {
  error: number;
  httpStatus?: number;
  description?: string;
}

export interface YoukuRequestLogEntry {
  /** Emulator clock, ms. */
  time: number;
  method: string;
  path: string;
  /** access_token, refresh_token, code and client_secret are replaced by '***'. */
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  bodyBytes: number;
  /** Parsed form body (create_file, commit, cancel, token), secrets redacted. */
  form?: Record<string, string>;
  /** HTTP status answered; 0 while in flight or when cut. */
  status: number;
  kind: YoukuKind;
  fault?: YoukuFault;
  uploadToken?: string;
  /** upload_slice: the task and range claimed by the request. */
  sliceTaskId?: number;
  offset?: number;
  length?: number;
  /** The Youku error code answered, if any. */
  errorCode?: number;
  /** check: the status answered (1–4). */
  checkStatus?: number;
}

export interface YoukuTokenResponse {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: 'bearer';
}

export interface YoukuSandbox {
  /** 'http://127.0.0.1:PORT' — replaces https://api.youku.com (and https://openapi.youku.com/v2 for OAuth). */
  url: string;
  port: number;
  dir: string;
  faults: { add(fault: YoukuFault): void; clear(): void; pending(): YoukuFault[] };
  requests: YoukuRequestLogEntry[];
  clearRequests(): void;
  mintToken(opts?: { ttlSec?: number }): YoukuTokenResponse;
  /** The video as videos/show.json returns it, by create's or commit's id. */
  video(id: string): Record<string, unknown> | undefined;
  /** Every committed video, oldest first, by the id commit answered, with the file its bytes are stored in. */
  videos(): Array<{ id: string; size: number; md5: string; path: string }>;
  /** What was stored for an upload token or video id; md5 is '' until every slice arrived. */
  media(tokenOrId: string): { size: number; md5: string } | undefined;
  expireUploadToken(token: string): void;
  close(): Promise<void>;
}
