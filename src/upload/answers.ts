// This file turns the upload server's answers into what both engines (file and stream) do next: a retry (honouring
// Retry-After), the final JSON, or one token refresh after a 401.
import { ProxyFailure } from '../net/proxy-errors.js';
import { HttpError, parseGoogleError, protocolError } from './errors.js';
import type { UploadAuth } from './protocol.js';
import { isRetryableNetworkError, parseRetryAfter } from './retry.js';
import type { TransportResponse } from './transport.js';

export interface RetryStep {
  kind: 'retry';
  reason: string;
  afterMs?: number;
  /** The failure itself, when there was one (the last one is the cause of giving up). */
  error?: unknown;
}

/** A transient answer (408, 429, 5xx): retry, after Retry-After when the server gave one. */
export function retryStep(res: TransportResponse, nowMs: number): RetryStep {
  const { reason } = parseGoogleError(res.body.toString('utf8'));
  return {
    kind: 'retry',
    reason: reason ? `HTTP ${res.status} ${reason}` : `HTTP ${res.status}`,
    afterMs: parseRetryAfter(res.headers['retry-after'], nowMs),
  };
}

/** Final answers cut short in a row that are each followed by a status query before the engine gives up. */
export const MAX_CUT_FINALS = 3;

/**
 * Reads final 200/201 answers. One whose body is empty or not JSON was cut short (storage-testbench's
 * return-broken-stream-final-chunk-after-NB sends the first N bytes with an honest Content-Length): the upload is
 * finished, and a status query answers the resource again (API-NOTES §1, "Status query"). That is a retry step,
 * up to MAX_CUT_FINALS in a row; the next one is a protocol error (issue 28).
 */
export class FinalAnswers {
  private cut = 0;

  read(res: TransportResponse): { kind: 'done'; response: unknown } | RetryStep {
    const text = res.body.toString('utf8');
    try {
      const response: unknown = JSON.parse(text);
      if (typeof response === 'object' && response !== null) {
        this.cut = 0;
        return { kind: 'done', response };
      }
    } catch {
      // Cut short: asked again below.
    }
    const what = `the final answer (${res.status}) ${text.trim() === '' ? 'is empty' : 'is not JSON'}`;
    this.cut++;
    if (this.cut > MAX_CUT_FINALS) throw protocolError(`${what}, ${this.cut} times in a row`);
    return { kind: 'retry', reason: `${what} (${res.body.length} bytes); asking the server again` };
  }
}

/** `ECONNRESET (socket hang up)`-style text of a network failure, for retry messages; a proxy's names the proxy. */
export function describeNetworkError(error: unknown): string {
  if (error instanceof ProxyFailure) return error.message;
  const { code, message } = error as { code?: string; message?: string };
  return code
    ? `${code}${message && !message.includes(code) ? ` (${message})` : ''}`
    : (message ?? 'network error');
}

/**
 * Runs one step; a network failure worth retrying becomes a retry step (`lost` is told, so that the session is
 * asked how much it holds before the next byte). Anything else, or anything after an abort, is thrown.
 */
export async function tryStep<S>(
  step: () => Promise<S>,
  signal: AbortSignal | undefined,
  lost: () => void,
): Promise<S | RetryStep> {
  try {
    return await step();
  } catch (error) {
    if (signal?.aborted || !isRetryableNetworkError(error)) throw error;
    lost();
    return { kind: 'retry', reason: describeNetworkError(error), error };
  }
}

/** 401: refresh the token once and go on; a second 401 in a row is the server's final word. */
export class RefreshOnce {
  private refreshed = false;

  constructor(private readonly auth: UploadAuth) {}

  /** Any answer but a 401: the next 401 may refresh again. */
  answered(): void {
    this.refreshed = false;
  }

  async unauthorized(method: string, url: string, res: TransportResponse): Promise<void> {
    if (this.refreshed) throw new HttpError(method, url, res.status, res.headers, res.body.toString('utf8'));
    this.refreshed = true;
    await this.auth.refresh();
  }
}
