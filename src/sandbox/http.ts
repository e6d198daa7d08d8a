// This file is the per-request plumbing: reading bodies (with cut and slow faults applied) and sending answers.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from './errors.js';
import type { Fault, RequestLogEntry } from './types.js';

export type Query = Record<string, string | string[]>;

/** GUploader's own errors are plain text; its empty answers (308, the initiation's 200, 499) are labelled HTML. */
export const PLAIN_TEXT = { 'content-type': 'text/plain; charset=utf-8' };
export const HTML = { 'content-type': 'text/html; charset=UTF-8' };

/**
 * After an answer given before the body was read (answerBeforeBody), how much of the body is read and discarded,
 * and how long the connection may stay half-closed, before it is closed: GUploader answers, reads a little, then
 * closes, so that the client reads the answer before its next write fails (issue 28).
 */
export const EARLY_DISCARD_BYTES = 64 * 1024;
export const EARLY_LINGER_MS = 200;

export class Ctx {
  /** Set when the client went away (or we cut it): nothing can be answered any more. */
  gone = false;
  private readonly started = Date.now();
  /** Aborted when the connection closes, so a stall ends as soon as the client gives up. */
  private readonly closed = new AbortController();
  /** True while a stall fault holds the body unread. */
  stalling = false;
  /** Headers every answer carries (X-GUploader-UploadID on a session URL). */
  readonly always: Record<string, string> = {};
  /** The next answer goes out before the body is read; the connection is closed after it (answerBeforeBody). */
  private early = false;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly url: URL,
    readonly query: Query,
    readonly entry: RequestLogEntry,
    readonly fault: Fault | undefined,
  ) {}

  header(name: string): string | undefined {
    const v = this.req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  }

  param(name: string): string | undefined {
    const v = this.query[name];
    return Array.isArray(v) ? v[0] : v;
  }

  /** The client went away: nothing can be answered, and a stall stops waiting. */
  markGone(): void {
    this.gone = true;
    this.closed.abort();
  }

  /** Drops the connection (a stalled request superseded by a newer one on its session). */
  abandon(): void {
    this.markGone();
    this.req.socket.destroy();
  }

  /** The cut fault's byte budget, if this request is to be cut. */
  get cutAt(): number | undefined {
    return this.fault && 'cutAfterBytes' in this.fault ? this.fault.cutAfterBytes : undefined;
  }

  /**
   * The body as it arrives, never buffered whole. A cut fault ends it after K bytes (the socket is destroyed
   * when the handler answers); bytesPerSec reads slowly so TCP backpressure slows the sender; a stall stops
   * reading after K bytes for a while (the client's idle timeout path), and ends early if the client leaves.
   */
  async *body(): AsyncGenerator<Buffer> {
    const cutAt = this.cutAt ?? Number.POSITIVE_INFINITY;
    const rate = this.fault && 'bytesPerSec' in this.fault ? this.fault.bytesPerSec : undefined;
    const stall = this.fault && 'stallAfterBytes' in this.fault ? this.fault : undefined;
    let stallAt = stall && this.entry.bodyBytes <= stall.stallAfterBytes ? stall.stallAfterBytes : -1;
    if (this.entry.bodyBytes >= cutAt) return;
    try {
      if (stallAt === this.entry.bodyBytes) {
        stallAt = -1;
        await this.stall(stall!.stallMs);
      }
      for await (const chunk of this.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        let rest = chunk;
        while (rest.length > 0) {
          const room = Math.min(cutAt, stallAt >= 0 ? stallAt : cutAt) - this.entry.bodyBytes;
          const piece = rest.length > room ? rest.subarray(0, room) : rest;
          rest = rest.subarray(piece.length);
          this.entry.bodyBytes += piece.length;
          if (piece.length > 0) yield piece;
          if (this.entry.bodyBytes >= cutAt) return;
          if (this.entry.bodyBytes === stallAt) {
            stallAt = -1;
            await this.stall(stall!.stallMs);
          }
        }
        if (rate) {
          const wait = this.started + (this.entry.bodyBytes / rate) * 1000 - Date.now();
          if (wait > 0) await sleep(wait);
        }
      }
    } catch (err) {
      this.gone = true;
      throw err;
    }
  }

  private async stall(ms: number): Promise<void> {
    this.stalling = true;
    try {
      await sleep(ms, undefined, { signal: this.closed.signal });
    } finally {
      this.stalling = false;
    }
  }

  /**
   * The answer comes before the body is read, as Google's upload servers give an error they can decide from the
   * headers: drain() no longer reads, and after the answer a little of the body is read and discarded before the
   * connection is closed (EARLY_DISCARD_BYTES, EARLY_LINGER_MS).
   */
  answerBeforeBody(): void {
    this.early = true;
  }

  /** Reads and discards the rest of the body (before an error answer, so the client is not cut off mid-send). */
  async drain(): Promise<void> {
    if (this.early || this.gone || this.req.readableEnded) return;
    try {
      for await (const _ of this.body()) {
        // discard
      }
    } catch {
      // The client went away; nothing to answer.
    }
  }

  /** Collects a small body (metadata, forms); larger than `limit` is a 413. */
  async text(limit = 1 << 20): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.body()) {
      size += chunk.length;
      if (size > limit) throw new ApiError(413, 'uploadTooLarge', `Request body larger than ${limit} bytes.`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  /** Parses a JSON body (undefined when empty) and logs it. */
  async json(): Promise<unknown> {
    const text = await this.text();
    if (text.trim() === '') return undefined;
    try {
      this.entry.json = JSON.parse(text);
    } catch {
      throw new ApiError(400, 'parseError', 'Parse Error');
    }
    return this.entry.json;
  }

  /**
   * Sends an answer, after the fault's delay; a cut request is destroyed instead, unanswered. A brokenResponse
   * fault announces the whole body but sends only its first B bytes, then closes the connection; a shortResponse
   * fault sends only its first B bytes with an honest Content-Length of B (the connection stays usable).
   */
  async send(
    status: number,
    headers: Record<string, string>,
    body?: string | Buffer,
    statusMessage?: string,
  ): Promise<void> {
    if (this.gone || this.res.headersSent) return;
    if (this.cutAt !== undefined) {
      this.gone = true;
      this.req.socket.destroy();
      return;
    }
    const delay = this.fault && 'delayMs' in this.fault ? this.fault.delayMs : undefined;
    if (delay) await sleep(delay);
    if (this.res.destroyed) return;
    let payload = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
    const short = this.fault && 'shortResponse' in this.fault ? this.fault.shortResponse : undefined;
    if (short !== undefined) payload = payload.subarray(0, short);
    this.entry.status = status;
    // A 204 or 304 carries no Content-Length (RFC 9110 §8.6); every other answer announces its length.
    const all: Record<string, string> =
      status === 204 || status === 304
        ? { ...this.always, ...headers }
        : { ...this.always, ...headers, 'content-length': String(payload.length) };
    const early = this.early && !this.req.complete;
    if (early) all.connection = 'close';
    if (statusMessage) this.res.writeHead(status, statusMessage, all);
    else this.res.writeHead(status, all);
    const broken = this.fault && 'brokenResponse' in this.fault ? this.fault.brokenResponse : undefined;
    if (broken !== undefined && broken < payload.length) {
      this.gone = true;
      this.res.flushHeaders();
      if (broken > 0) this.res.write(payload.subarray(0, broken));
      // end(), not destroy(): what was written still leaves before the connection closes.
      this.req.socket.end();
      return;
    }
    if (early) return this.answerThenClose(payload);
    this.res.end(payload);
  }

  /**
   * The early answer's lingering close: the answer and a FIN go out, about EARLY_DISCARD_BYTES of the body are read
   * and discarded, and the connection is closed once the client has closed it or EARLY_LINGER_MS passed.
   */
  private async answerThenClose(payload: Buffer): Promise<void> {
    const socket = this.req.socket;
    // Node closes a `Connection: close` socket as soon as the answer is out; only its sending side closes here.
    socket.destroySoon = () => socket.end();
    this.res.end(payload);
    // Reading starts before the answer is flushed: Node would otherwise read the whole body itself.
    void this.discard();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, EARLY_LINGER_MS);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    socket.destroy();
  }

  /** Reads and discards the body until EARLY_DISCARD_BYTES are in (whole reads, counted as received), no more. */
  private async discard(): Promise<void> {
    try {
      for await (const chunk of this.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
        this.entry.bodyBytes += chunk.length;
        if (this.entry.bodyBytes >= EARLY_DISCARD_BYTES) return;
      }
    } catch {
      // The connection closed: nothing more to read.
    }
  }

  sendJson(status: number, value: unknown, headers: Record<string, string> = {}): Promise<void> {
    return this.send(
      status,
      { 'content-type': 'application/json; charset=UTF-8', ...headers },
      JSON.stringify(value),
    );
  }

  sendError(err: ApiError): Promise<void> {
    return this.sendJson(err.status, err.body(), err.headers);
  }
}

const SECRET_KEYS = new Set([
  'password',
  'token',
  'code',
  'refresh_token',
  'client_secret',
  'code_verifier',
  'access_token',
]);

/** Copies a query or form with secret values replaced by '***' (requests are logged; secrets never are). */
export function redact<T extends Record<string, string | string[]>>(values: T): T {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(values)) out[k] = SECRET_KEYS.has(k) ? '***' : v;
  return out as T;
}

export function queryOf(url: URL): Query {
  const out: Query = {};
  for (const [k, v] of url.searchParams) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** Headers that carry a secret whole: PeerTube's two-factor code and video password. */
const SECRET_HEADERS = new Set(['x-peertube-otp', 'x-peertube-video-password']);

export function loggedHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(', ') : v;
    out[k] =
      k === 'authorization' ? value.replace(/^(\S+)\s.*$/s, '$1 ***') : SECRET_HEADERS.has(k) ? '***' : value;
  }
  return out;
}

/** A list parameter given comma-separated or repeated (`id=a,b` or `id=a&id=b`). */
export function listParam(query: Query, name: string): string[] {
  const v = query[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Listens on 127.0.0.1 (port 0: a free one) and resolves with the port; the emulators never bind elsewhere. */
export function listenLoopback(server: Server, port = 0): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      const address = server.address();
      done(typeof address === 'object' && address ? address.port : 0);
    });
  });
}
