// This file is the Vimeo REST client: the bearer token and API 3.4's Accept header on every call, Vimeo's rate limit
// honoured (X-RateLimit-Remaining/Reset before a call, 429 until the reset), retries of what may be retried, and
// Vimeo's error JSON turned into vupload's errors (errors.ts).
import { ExitCode, interruptedError, VuploadError } from '../../errors.js';
import {
  createHttpTransport,
  type HttpTransport,
  isRetryableNetworkError,
  parseRetryAfter,
  retryDelay,
  type TransportResponse,
} from '../../upload/index.js';
import type { RequestBody } from '../../upload/transport.js';
import { vimeoHttpError } from './errors.js';
import { VIMEO_ACCEPT } from './options.js';

type Json = Record<string, unknown>;

export interface VimeoApiOptions {
  /** The API root, already checked by the credential rule (src/credential-url.ts). */
  apiUrl: string;
  /** The `Authorization` header's value for each call. */
  authorization(): Promise<string>;
  profile: string;
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  signal?: AbortSignal;
  /** Retries of one call (default 5). */
  retries?: number;
  /** Told when a call waits for Vimeo's rate limit to reset (for stderr). */
  onWait?(message: string): void;
  /** Told before each wait for another attempt (a line on stderr: the wait is not silent). */
  onRetry?(event: { attempt: number; delayMs: number; reason: string }): void;
}

export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Completes "Vimeo refused to …" in errors: `create the showcase "Talks"`. */
  action: string;
}

/** Vimeo's rate limit window, as its answers say it (ratelimit headers; vimeo.py #86). */
interface RateState {
  remaining?: number;
  resetAt?: number;
}

/** A JSON body parsed (an empty one is `{}`), or undefined when it is not JSON. */
function jsonOf(body: Buffer): Json | undefined {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

/** Methods whose retry after a lost answer cannot make a second resource. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE']);

export class VimeoApi {
  private readonly transport: HttpTransport = createHttpTransport();
  private readonly rate: RateState = {};

  constructor(private readonly o: VimeoApiOptions) {}

  close(): void {
    this.transport.close();
  }

  get(path: string, options: CallOptions): Promise<Json> {
    return this.call('GET', path, options).then((r) => r.json);
  }

  post(path: string, options: CallOptions): Promise<Json> {
    return this.call('POST', path, options).then((r) => r.json);
  }

  patch(path: string, options: CallOptions): Promise<Json> {
    return this.call('PATCH', path, options).then((r) => r.json);
  }

  put(path: string, options: CallOptions): Promise<void> {
    return this.call('PUT', path, options).then(() => undefined);
  }

  delete(path: string, options: CallOptions): Promise<void> {
    return this.call('DELETE', path, options).then(() => undefined);
  }

  /** GET of a 404 as undefined ("is the video in this showcase?"), any other error thrown. */
  async find(path: string, options: CallOptions): Promise<Json | undefined> {
    const r = await this.call('GET', path, { ...options }, [404]);
    return r.status === 404 ? undefined : r.json;
  }

  /** Every item of a paginated list (100 a page), at most `limit`. */
  async list(path: string, options: CallOptions, limit = 1000): Promise<Json[]> {
    const items: Json[] = [];
    let page = 1;
    for (;;) {
      const answer = await this.get(path, { ...options, query: { ...options.query, per_page: 100, page } });
      const data = Array.isArray(answer.data) ? (answer.data as Json[]) : [];
      items.push(...data);
      const paging = (answer.paging ?? {}) as { next?: unknown };
      if (!paging.next || data.length === 0 || items.length >= limit) return items.slice(0, limit);
      page++;
    }
  }

  /**
   * PUTs a file to an upload `link` a picture or text track gave (on Vimeo's upload host: no Authorization, the link
   * is signed). Retried on a lost connection or 5xx: the PUT replaces what the link holds.
   */
  async putFile(link: string, data: Buffer, contentType: string, action: string): Promise<void> {
    await this.send(
      'PUT',
      link,
      { 'Content-Type': contentType, 'Content-Length': String(data.length) },
      () => data,
      action,
    );
  }

  private async call(method: string, path: string, options: CallOptions, allowed: number[] = []) {
    const url = new URL(`${this.o.apiUrl}${path}`);
    for (const [k, v] of Object.entries(options.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body), 'utf8');
    const headers: Record<string, string> = {
      Authorization: await this.o.authorization(),
      Accept: VIMEO_ACCEPT,
      ...(body ? { 'Content-Type': 'application/json', 'Content-Length': String(body.length) } : {}),
    };
    const res = await this.send(method, url.href, headers, () => body, options.action, allowed, true);
    return { status: res.status, json: res.json, headers: res.headers };
  }

  /**
   * One request with Vimeo's rate limit and retries; an error answer (not in `allowed`) is thrown mapped. With
   * `json`, the answer's body is parsed (empty: `{}`), and one that is not JSON (cut short) is retried as a 5xx is:
   * never read as an empty answer ("no folder named …" for a folder that exists).
   */
  private async send(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: () => RequestBody | Buffer | undefined,
    action: string,
    allowed: number[] = [],
    json = false,
  ): Promise<TransportResponse & { json: Json }> {
    const retries = this.o.retries ?? 5;
    const api = url.startsWith(this.o.apiUrl);
    // A link on an upload host is a credential: never printed.
    const path = api ? new URL(url).pathname : '<upload link>';
    for (let attempt = 1; ; attempt++) {
      if (api) await this.waitForWindow();
      let res: TransportResponse;
      try {
        res = await this.transport.request({ method, url, headers, body: body(), signal: this.o.signal });
      } catch (error) {
        if (this.o.signal?.aborted) throw interruptedError(this.o.signal);
        // A POST whose answer was lost may have made its resource: only a refused connection is tried again.
        const retry = IDEMPOTENT.has(method) || (error as { code?: string }).code === 'ECONNREFUSED';
        if (!retry || !isRetryableNetworkError(error) || attempt > retries) throw error;
        const delayMs = retryDelay(attempt, this.o.random);
        this.o.onRetry?.({ attempt, delayMs, reason: `${method} ${path}: ${(error as Error).message}` });
        await this.o.sleep(delayMs, this.o.signal);
        continue;
      }
      if (api) this.noteWindow(res);
      if ((res.status < 400 && res.status !== 0) || allowed.includes(res.status)) {
        const parsed = json ? jsonOf(res.body) : {};
        if (parsed) return { ...res, json: parsed };
        const what = `Vimeo's answer to ${method} ${path} was cut short or is not JSON (${res.body.length} bytes)`;
        if (!IDEMPOTENT.has(method) || attempt > retries)
          throw new VuploadError('protocol', ExitCode.api, `${what}; vupload could not ${action}.`, {
            hint: 'Running the same command again asks Vimeo what was done before doing the rest.',
          });
        const delayMs = retryDelay(attempt, this.o.random);
        this.o.onRetry?.({ attempt, delayMs, reason: what });
        await this.o.sleep(delayMs, this.o.signal);
        continue;
      }
      const again = res.status === 429 || res.status === 503 || (IDEMPOTENT.has(method) && res.status >= 500);
      if (!again || attempt > retries) {
        const where = { method, path, action };
        throw vimeoHttpError(res.status, res.body.toString('utf8'), { ...where, profile: this.o.profile });
      }
      const delayMs = this.waitAfter(res, attempt);
      this.o.onRetry?.({ attempt, delayMs, reason: `Vimeo answered ${res.status} to ${method} ${path}` });
      await this.o.sleep(delayMs, this.o.signal);
    }
  }

  /** How long to wait before trying a refused call again: Retry-After, Vimeo's reset time on a 429, or backoff. */
  private waitAfter(res: TransportResponse, attempt: number): number {
    const now = this.o.now();
    const after = parseRetryAfter(res.headers['retry-after'], now);
    if (after !== undefined) return after;
    if (res.status === 429 && this.rate.resetAt !== undefined && this.rate.resetAt > now) {
      this.o.onWait?.(
        `Vimeo's rate limit is reached; waiting until ${new Date(this.rate.resetAt).toISOString()}.`,
      );
      return this.rate.resetAt - now;
    }
    return retryDelay(attempt, this.o.random);
  }

  private noteWindow(res: TransportResponse): void {
    const remaining = Number(res.headers['x-ratelimit-remaining']);
    const reset = rateLimitReset(res);
    if (Number.isFinite(remaining)) this.rate.remaining = remaining;
    if (reset !== undefined) this.rate.resetAt = reset;
  }

  /** No call is sent while the window is used up (X-RateLimit-Remaining 0): it would only earn a 429. */
  private async waitForWindow(): Promise<void> {
    const { remaining, resetAt } = this.rate;
    const now = this.o.now();
    if (remaining !== 0 || resetAt === undefined || resetAt <= now) return;
    this.o.onWait?.(
      `Vimeo's rate limit for this account is used up; waiting until ${new Date(resetAt).toISOString()}.`,
    );
    await this.o.sleep(resetAt - now, this.o.signal);
    this.rate.remaining = undefined;
  }
}

/**
 * When Vimeo's rate-limit window resets, by an answer's X-RateLimit-Reset (ISO 8601). It is given to the second, so
 * the true reset may be up to a second after it: that second is added, or the call comes back early for another 429.
 */
export function rateLimitReset(res: TransportResponse): number | undefined {
  const reset = Date.parse(res.headers['x-ratelimit-reset'] ?? '');
  return Number.isNaN(reset) ? undefined : reset + 1000;
}

/** The numeric id of `/videos/123` (a video's `uri`), or the id itself. */
export function videoIdOf(uri: string): string {
  return uri.replace(/^.*\//, '');
}
