// This file retries the small YouTube calls (not the resumable upload) with backoff on 429, 5xx and rate limits.
import { VuploadError } from '../../errors.js';
import { CUT_ANSWER, type HttpFailure, httpFailure, interruptedError, mapApiError } from './errors.js';
import { type ApiOperation, IDEMPOTENT } from './quota.js';

export interface RetryOptions {
  /** Attempts in all, the first included. Default 4. */
  maxAttempts?: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  now: () => number;
  signal?: AbortSignal;
  timeZone?: string;
  /** Told before each wait, e.g. to show "YouTube is busy, retrying in 3 s". */
  onRetry?: (info: { operation: ApiOperation; attempt: number; delayMs: number; why: string }) => void;
}

/** A Retry-After longer than this is not worth waiting for inside one command: give up and say so. */
export const MAX_RETRY_DELAY_MS = 60_000;

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const RATE_LIMITS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'uploadRateLimitExceeded']);
/** Limits that last until the quota resets: waiting seconds cannot help. */
const NEVER_RETRY = new Set(['quotaExceeded', 'dailyLimitExceeded', 'uploadLimitExceeded']);

/**
 * Whether a failed call is worth repeating: 408/429/5xx and rate limits (which YouTube also sends as 403);
 * a lost connection only for calls that change nothing when repeated.
 */
export function shouldRetry(failure: HttpFailure, idempotent: boolean): boolean {
  if (failure.reason && NEVER_RETRY.has(failure.reason)) return false;
  if (failure.status === undefined) return failure.networkCode !== undefined && idempotent;
  if (RETRY_STATUSES.has(failure.status)) return true;
  return failure.status === 403 && failure.reason !== undefined && RATE_LIMITS.has(failure.reason);
}

/** Google's sample: sleep `random() * 2^retry` seconds (API-NOTES §1), here capped at 32 s. */
export function backoffMs(attempt: number, random: () => number): number {
  return Math.round(random() * Math.min(2 ** attempt, 32) * 1000);
}

/** Runs `fn`, retrying as above; any final failure becomes a VuploadError from mapApiError. */
export async function withRetry<T>(
  operation: ApiOperation,
  action: string,
  fn: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 4;
  const { signal } = options;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw interruptedError(signal);
    try {
      return await fn();
    } catch (error) {
      if (signal?.aborted) throw interruptedError(signal);
      if (error instanceof VuploadError) throw error;
      const failure = httpFailure(error, options.now());
      let delayMs = backoffMs(attempt, options.random);
      if (failure.retryAfterMs !== undefined) delayMs = Math.max(delayMs, failure.retryAfterMs);
      const again = attempt < maxAttempts && shouldRetry(failure, IDEMPOTENT.has(operation));
      if (!again || delayMs > MAX_RETRY_DELAY_MS) {
        const context = {
          operation,
          action,
          attempts: attempt,
          now: new Date(options.now()),
          timeZone: options.timeZone,
        };
        throw mapApiError(error, context);
      }
      const why =
        failure.reason ??
        (failure.status
          ? `HTTP ${failure.status}`
          : failure.networkCode === CUT_ANSWER
            ? 'the answer was cut short'
            : (failure.networkCode ?? 'error'));
      options.onRetry?.({ operation, attempt, delayMs, why });
      try {
        await options.sleep(delayMs, signal);
      } catch (sleepError) {
        if (signal?.aborted) throw interruptedError(signal);
        throw sleepError;
      }
    }
  }
}
