// This file is the retry policy: which failures are worth another try and how long to wait before it.

/** `1 retry`, `3 retries`. */
export function retriesText(count: number): string {
  return `${count} ${count === 1 ? 'retry' : 'retries'}`;
}

/** How a run ended that ran out of its `limit` retries: "gave up after 2 retries", or "not retried (--retries 0)". */
export function gaveUpAfter(limit: number): string {
  return limit === 0 ? 'not retried (--retries 0)' : `gave up after ${retriesText(limit)}`;
}

/** Statuses that mean "try again" (API-NOTES §1, "Retry or restart"). */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Network error codes that are transient: reset, broken pipe, timeout, DNS hiccup, refused while restarting. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'ENOTCONN',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
]);

/** Default cap on one backoff wait: Google's sample grows to 2^10 s; a minute keeps a CLI responsive. */
export const DEFAULT_MAX_DELAY_MS = 64_000;

/**
 * Google's sample backoff: `random() * 2^attempt` seconds (attempt counts from 1), capped at `capMs`.
 * The jitter spreads clients that failed together.
 */
export function retryDelay(attempt: number, random: () => number, capMs = DEFAULT_MAX_DELAY_MS): number {
  const ceiling = Math.min(capMs, 2 ** Math.max(0, attempt) * 1000);
  return Math.round(random() * ceiling);
}

/** True for a network failure worth retrying ("socket hang up" has code ECONNRESET; some carry no code). */
export function isRetryableNetworkError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code)) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && /socket hang up|other side closed|premature close/i.test(message);
}

/** Failures of making a connection at all: a request that failed so was never received (ENOTFOUND: no such host). */
const NOT_CONNECTED_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);

/**
 * True when a failure (or a cause it wraps) proves its request never reached the server: no connection was made to
 * it, directly or through a proxy (whose failures carry the connection's code). A timeout or reset is not proof.
 */
export function neverConnected(error: unknown): boolean {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 6; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_CONNECTED_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** What the engine does with an answer to a request on the session URI. */
export type SessionAnswer =
  | 'done' // 200/201: the final answer with the resource
  | 'incomplete' // 308: read Range and go on
  | 'retry' // transient: wait, ask the server, go on
  | 'unauthorized' // 401: refresh the token once and go on
  | 'expired' // 404/410: the session is gone, start a new one (API-NOTES §1)
  | 'fatal'; // anything else: stop with the reason

/**
 * Classifies a status. A `X-HTTP-Status-Code-Override: 308` on a 200 (the `X-GUploader-No-308` variant,
 * API-NOTES §1) counts as 308.
 */
export function classifyStatus(status: number, overrideHeader?: string): SessionAnswer {
  if (status === 200 && overrideHeader?.trim() === '308') return 'incomplete';
  if (status === 200 || status === 201) return 'done';
  if (status === 308) return 'incomplete';
  if (status === 401) return 'unauthorized';
  if (status === 404 || status === 410) return 'expired';
  if (RETRYABLE_STATUSES.has(status)) return 'retry';
  return 'fatal';
}

/** `Retry-After` in milliseconds (delta seconds or an HTTP date), or undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
