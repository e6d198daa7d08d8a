// This file is the HTTP transport of the engine: node:http/https with keep-alive, streamed bodies, buffered answers.
// Not fetch: Node's fetch follows a 308 that carries a Location header (API-NOTES §1, "308 Resume Incomplete").
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { agentFor } from '../net/agents.js';

/**
 * A streamed body: a stream is piped with backpressure; chunks of an async iterable (readSlice) are written one by one,
 * the next asked for only once the socket took the last, so the iterable may reuse its buffers. An iterable body ends
 * the request as soon as its Content-Length has been written, not when the iterable is closed.
 */
export type RequestBody = Readable | AsyncIterable<Buffer>;

export interface TransportRequest {
  method: string;
  url: string;
  headers: Readonly<Record<string, string>>;
  /** Set Content-Length yourself so nothing is sent chunked. */
  body?: RequestBody | Buffer;
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

/** Sends one request. Network failures reject with an error carrying `.code` (ECONNRESET, ETIMEDOUT …). */
export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
}

/** A request with no traffic for this long fails with ETIMEDOUT (and is retried), unless the caller sets another. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

export interface HttpTransportOptions {
  /** A socket with no traffic for this long fails with ETIMEDOUT (default DEFAULT_IDLE_TIMEOUT_MS). */
  idleTimeoutMs?: number;
}

export interface HttpTransport extends Transport {
  /** Closes idle keep-alive sockets. */
  close(): void;
}

/** Answers are small JSON documents; a larger one is a misbehaving server, not something to buffer. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true }),
  };
  return {
    request: (request) => send(request, agents, idleTimeoutMs),
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

function send(
  { method, url, headers, body, signal }: TransportRequest,
  agents: { 'http:': http.Agent; 'https:': https.Agent },
  idleTimeoutMs: number,
): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      reject(new Error(`unsupported URL scheme ${target.protocol}`));
      return;
    }
    if (signal?.aborted) {
      reject(abortError(signal.reason));
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    // A proxy chosen for this URL (--proxy, HTTPS_PROXY …, src/net/proxy.ts) replaces the direct keep-alive agent.
    const agent = agentFor(target) ?? agents[target.protocol];
    const req = client.request(target, { method, headers, agent });
    const stream = body instanceof Readable ? body : undefined;
    const chunks = body && !Buffer.isBuffer(body) && !stream ? body : undefined;
    let settled = false;
    /** The answer's head arrived: from then on it alone decides the outcome. */
    let answered = false;
    let bodyDone = stream === undefined && chunks === undefined;
    const writer = chunks ? new BodyWriter(req, declaredLength(headers)) : undefined;

    const finish = (error: Error | undefined, response?: TransportResponse): void => {
      if (settled) return;
      settled = true;
      writer?.stop();
      signal?.removeEventListener('abort', onAbort);
      if (stream && !bodyDone) {
        stream.unpipe(req);
        stream.destroy();
      }
      // A request whose body was not fully written cannot leave its socket in the keep-alive pool.
      if (error || !(bodyDone || writer?.complete)) req.destroy();
      if (error) reject(error);
      else resolve(response!);
    };
    const onAbort = (): void => finish(abortError(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    /**
     * A failure of the sending side (EPIPE, ECONNRESET, a body that failed) once the answer has begun: a server that
     * answers before reading the whole body (a 429, 503 or 401 from Google's upload servers) then closes, and the
     * write that follows fails. The answer is the outcome (issue 28); its own end or cut settles the request.
     * A write that fails before Node has read an answer waiting on the socket loses that answer (Node closes the
     * socket first): that is a network error, and the engine asks the server where it stands.
     */
    const sendFailed = (error: Error): void => {
      if (!answered) finish(error);
    };

    req.setTimeout(idleTimeoutMs, () => {
      finish(withCode(new Error(`no answer or progress for ${idleTimeoutMs} ms`), 'ETIMEDOUT'));
    });
    req.on('error', sendFailed);
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let length = 0;
      res.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length > MAX_RESPONSE_BYTES) finish(new Error(`answer larger than ${MAX_RESPONSE_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on('error', (error) => finish(error));
      res.on('close', () => {
        if (!res.complete) finish(withCode(new Error('the answer was cut off'), 'ECONNRESET'));
      });
      res.on('end', () => {
        finish(undefined, {
          status: res.statusCode ?? 0,
          headers: flatten(res.headers),
          body: Buffer.concat(chunks),
        });
      });
    });

    if (chunks && writer) {
      writer.write(chunks).catch(sendFailed);
    } else if (stream) {
      stream.on('error', sendFailed);
      stream.on('end', () => {
        bodyDone = true;
      });
      stream.pipe(req);
    } else {
      req.end(body);
      bodyDone = true;
    }
  });
}

/**
 * Writes the chunks of an iterable body each once the socket took the one before, so the iterable may reuse its
 * buffers. The request is ended with the chunk that completes its Content-Length (or when the iterable runs out):
 * the answer can come while the iterable is still being closed (readSlice closes its file), and the socket of a
 * complete request goes back to the keep-alive pool. stop() ends it when the request is over: a write to a request
 * destroyed before it had a socket never calls back, and leaving the loop closes the iterable.
 */
class BodyWriter {
  private stopped = false;
  private release: (() => void) | undefined;
  /** The whole body was handed to the request and the request ended. */
  complete = false;

  constructor(
    private readonly req: http.ClientRequest,
    private readonly length: number | undefined,
  ) {}

  async write(chunks: AsyncIterable<Buffer>): Promise<void> {
    let written = 0;
    for await (const chunk of chunks) {
      if (this.stopped) break;
      written += chunk.length;
      const last = written === this.length;
      await new Promise<void>((resolve, reject) => {
        this.release = resolve;
        const done = (error?: Error | null) => (error && !this.stopped ? reject(error) : resolve());
        if (last) {
          this.complete = true;
          this.req.end(chunk, done);
        } else this.req.write(chunk, done);
      });
      if (this.stopped || last) return;
    }
    if (this.stopped) return;
    this.complete = true;
    this.req.end();
  }

  stop(): void {
    this.stopped = true;
    this.release?.();
  }
}

/** The Content-Length header's value, if set. */
function declaredLength(headers: Readonly<Record<string, string>>): number | undefined {
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'content-length');
  return name === undefined ? undefined : Number(headers[name]);
}

function flatten(headers: http.IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function withCode(error: Error, code: string): Error {
  return Object.assign(error, { code });
}

/** The error an aborted request rejects with; `.reason` is the signal's reason ('SIGINT', 'SIGTERM' …). */
export function abortError(reason: unknown): Error {
  return Object.assign(new Error('the request was aborted'), {
    name: 'AbortError',
    code: 'ABORT_ERR',
    reason,
  });
}
