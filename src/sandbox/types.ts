// This file declares what every emulator shares: the fault vocabulary and the request log entry.

export type FaultKind =
  | 'upload-init'
  | 'upload-chunk'
  | 'upload-status'
  | 'api'
  | 'token'
  | 'auth'
  | 'revoke'
  | 'thumbnail'
  | 'caption';

/**
 * A scripted misbehaviour for the next `times` (default 1) matching requests.
 * `on` is a kind, or a method and/or an exact pathname (a trailing '*' makes `path` a prefix).
 * `nth` (1-based) lets the first N-1 matching requests pass; `atOffset` matches only the data request whose
 * Content-Range starts at that byte (a request without Content-Range starts at 0).
 */
export type Fault = {
  on: FaultKind | { method?: string; path?: string };
  times?: number;
  nth?: number;
  atOffset?: number;
} & (
  | StatusFault
  | { cutAfterBytes: number }
  | PartialFault
  | { expireSession: true }
  | { delayMs?: number; bytesPerSec?: number }
  | { stallAfterBytes: number; stallMs: number }
  | { brokenResponse: number }
  | { shortResponse: number }
);

/**
 * Keep the first `storePartial` bytes of an upload-chunk request. Alone: answer 308 with the shorter Range. With
 * `status`: answer that error after keeping them (storage-testbench's `return-503-after-256K`).
 */
export interface PartialFault extends Partial<StatusFault> {
  storePartial: number;
}

/** Answer with this error (Google's body; OAuth's on token/revoke; a redirect with error=reason on auth). */
export interface StatusFault {
  status: number;
  reason?: string;
  message?: string;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
}

export interface RequestLogEntry {
  /** When the request arrived (sandbox clock, ms). */
  time: number;
  method: string;
  /** Pathname only; the query is in `query`. */
  path: string;
  /** Secret values (token, code, refresh_token, client_secret, code_verifier, password) are replaced by '***'. */
  query: Record<string, string | string[]>;
  /** Lower-case names; Authorization is logged as 'Bearer ***' / 'Basic ***', x-peertube-otp as '***'. */
  headers: Record<string, string>;
  /** Body bytes actually received. */
  bodyBytes: number;
  /** Parsed body of JSON requests (initiation, update, insert, multipart metadata part). */
  json?: unknown;
  /** Parsed form body (token endpoint, revoke), secrets redacted. */
  form?: Record<string, string>;
  /** Status answered; 0 while in flight or when the connection was cut without an answer. */
  status: number;
  kind: FaultKind;
  /** The fault applied to this request, if any. */
  fault?: Fault;
  /** It came before the Retry-After of an earlier error had passed, and got that error again. */
  tooEarly?: true;
  uploadId?: string;
  /** Offset the request claimed in Content-Range (upload-chunk only). */
  firstByte?: number;
  /** Bytes stored for the session after this request. */
  storedAfter?: number;
}
