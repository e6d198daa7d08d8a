// This file is the PeerTube REST client the login, steps, status, update and quota use: the instance's /api/v1, the
// Bearer token with one refresh after a 401, and retries of idempotent calls (GET, PUT, DELETE) on network failures,
// 408, 429 and 5xx, honouring Retry-After.
import { isRetryableNetworkError, parseRetryAfter, retryDelay } from '../../upload/retry.js';
import type { Transport } from '../../upload/transport.js';
import { PeerTubeApiError, type PtAnswer, type PtCall, ptSend } from './http.js';
import { apiRoot } from './instance.js';

export interface PtAuth {
  headers(): Promise<Record<string, string>>;
  refresh(): Promise<void>;
}

export interface PeerTubeApiOptions {
  transport: Transport;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  now(): number;
  signal?: AbortSignal;
  /** Attempts of an idempotent call in all (default 4). */
  attempts?: number;
  /** Told before each wait for another attempt (a line on stderr: the wait is not silent). */
  onRetry?(event: { attempt: number; delayMs: number; reason: string }): void;
}

type Body = Pick<PtCall, 'json' | 'form' | 'raw' | 'headers'>;

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

export class PeerTubeApi {
  constructor(
    readonly instance: string,
    private readonly auth: PtAuth | undefined,
    private readonly o: PeerTubeApiOptions,
  ) {}

  url(path: string, query?: Record<string, string | number | undefined>): string {
    const url = new URL(`${apiRoot(this.instance)}${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url.href;
  }

  get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
    return this.call('GET', this.url(path, query)).then((a) => a.json as T);
  }

  async send(method: PtCall['method'], path: string, body: Body = {}): Promise<PtAnswer> {
    return this.call(method, this.url(path), body);
  }

  /** One call with the login's headers; a 401 refreshes once; idempotent calls are retried on transient failures. */
  async call(method: PtCall['method'], url: string, body: Body = {}): Promise<PtAnswer> {
    const idempotent = method !== 'POST';
    const attempts = idempotent ? (this.o.attempts ?? 4) : 1;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const headers = { ...(this.auth ? await this.auth.headers() : {}), ...body.headers };
        return await ptSend(this.o.transport, { method, url, ...body, headers, signal: this.o.signal });
      } catch (error) {
        if (this.o.signal?.aborted) throw error;
        if (error instanceof PeerTubeApiError && error.status === 401 && this.auth && !refreshed) {
          refreshed = true;
          await this.auth.refresh();
          attempt--;
          continue;
        }
        // A 2xx that is not JSON (an answer cut short) is asked again like a 5xx: never read as an empty answer.
        const transient =
          error instanceof PeerTubeApiError
            ? RETRY_STATUSES.has(error.status) || error.status < 400
            : isRetryableNetworkError(error);
        if (!transient || attempt >= attempts) throw error;
        const after =
          error instanceof PeerTubeApiError ? parseRetryAfter(error.retryAfter, this.o.now()) : undefined;
        const delayMs = after ?? retryDelay(attempt, this.o.random, 30_000);
        const { pathname } = new URL(url);
        this.o.onRetry?.({
          attempt,
          delayMs,
          reason:
            error instanceof PeerTubeApiError
              ? error.status < 400
                ? `the instance's answer to ${method} ${pathname} was cut short or is not JSON`
                : `the instance answered ${error.status} to ${method} ${pathname}`
              : `${method} ${pathname}: ${(error as Error).message}`,
        });
        await this.o.sleep(delayMs, this.o.signal);
      }
    }
  }
}
