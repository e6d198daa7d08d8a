// This file gives the sandbox tests plain HTTP (node:http, no vupload client code) and small upload helpers.
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { after, before, beforeEach } from 'node:test';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/youtube/index.js';

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary API JSON; typing every resource would add nothing.
export type Json = any;

export interface Reply {
  status: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json: () => Json;
}

export interface Req {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/**
 * One request on a fresh connection; resolves with the answer, rejects when the server cuts the connection. An
 * answer given before the body was read is the outcome, whatever the rest of the body's writing meets.
 */
export function request(url: string, req: Req = {}): Promise<Reply> {
  let answered = false;
  return new Promise((resolve, reject) => {
    const body =
      req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
    const headers: Record<string, string> = { ...req.headers };
    if (body && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
    const r = httpRequest(url, { method: req.method ?? 'GET', headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        const text = buf.toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          statusMessage: res.statusMessage ?? '',
          headers: res.headers,
          body: buf,
          text,
          json: () => JSON.parse(text),
        });
      });
    });
    r.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (body) r.end(body);
    else r.end();
  });
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** The upload id a session URI names. */
export const uploadIdOf = (uri: string): string => new URL(uri).searchParams.get('upload_id')!;

/**
 * Registers the hooks of a suite that shares one sandbox and a day-long token; faults and the request log are
 * cleared before each test. Read `sb` and `token` inside tests (they are set once the suite starts).
 */
export function suiteSandbox(options: SandboxOptions = {}): { sb: Sandbox; token: string } {
  const suite = {} as { sb: Sandbox; token: string };
  before(async () => {
    suite.sb = await startSandbox({ dailyQuota: 1e9, ...options });
    suite.token = suite.sb.mintToken({ ttlSec: 86_400 }).access_token;
  });
  beforeEach(() => {
    suite.sb.faults.clear();
    suite.sb.clearRequests();
  });
  after(() => suite.sb.close());
  return suite;
}
export const KiB256 = 256 * 1024;

/** Deterministic-looking video bytes: a real MP4 'ftyp' header followed by random data. */
export function fakeMp4(size: number): Buffer {
  const buf = randomBytes(size);
  Buffer.from('000000206674797069736f6d', 'hex').copy(buf, 0);
  return buf;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export const meta = (title = 'A title', extra: Record<string, unknown> = {}) => ({
  snippet: { title, description: 'd', tags: ['x'], categoryId: '22' },
  status: { privacyStatus: 'private' },
  ...extra,
});

/** Starts a resumable session and returns its URI. */
export async function startSession(
  sb: Sandbox,
  token: string,
  body: unknown = meta(),
  headers: Record<string, string> = {},
  part = 'snippet,status',
): Promise<string> {
  const r = await request(`${sb.url}/upload/youtube/v3/videos?uploadType=resumable&part=${part}`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json; charset=UTF-8', ...headers },
    body: JSON.stringify(body),
  });
  if (r.status !== 200) throw new Error(`initiation failed: ${r.status} ${r.text}`);
  return String(r.headers.location);
}

/** Uploads `data` in one PUT and returns the video resource. */
export async function uploadVideo(
  sb: Sandbox,
  token: string,
  data: Buffer,
  body: unknown = meta(),
): Promise<Json> {
  const uri = await startSession(sb, token, body);
  const r = await request(uri, { method: 'PUT', body: data, headers: { 'content-type': 'video/mp4' } });
  if (r.status !== 200) throw new Error(`upload failed: ${r.status} ${r.text}`);
  return r.json();
}

export function statusQuery(
  uri: string,
  total: number | '*',
  extra: Record<string, string> = {},
): Promise<Reply> {
  return request(uri, {
    method: 'PUT',
    headers: { 'content-range': `bytes */${total}`, ...extra },
    body: Buffer.alloc(0),
  });
}

export function putChunk(
  uri: string,
  data: Buffer,
  first: number,
  total: number | '*',
  method = 'PUT',
): Promise<Reply> {
  return request(uri, {
    method,
    body: data,
    headers: { 'content-range': `bytes ${first}-${first + data.length - 1}/${total}` },
  });
}

/** The error reason of a Google error body. */
export function reason(r: Reply): string | undefined {
  return r.json().error?.errors?.[0]?.reason;
}

/** A clock tests move by hand. */
export function manualClock(start = Date.parse('2025-06-01T12:00:00Z')) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    set: (ms: number) => {
      t = ms;
    },
  };
}

/** The head of a raw data request on a session: `PUT <uri>` with Content-Range and Content-Length (for raw()). */
export function rawPut(uri: string, range: string, length: number): string[] {
  const u = new URL(uri);
  return [`PUT ${u.pathname}${u.search} HTTP/1.1`, `Content-Range: ${range}`, `Content-Length: ${length}`];
}

export interface RawReply {
  /** e.g. 'HTTP/1.1 503 Service Unavailable'. */
  statusLine: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
  /** How the server left: a clean close, or a reset (after an answer given before the body was read). */
  closed: 'close' | 'reset';
}

/**
 * Sends `head` (request line and headers, Host added) and then `body` on a fresh connection, as curl would, and
 * resolves with every byte the server sent until the connection closed. The head states Content-Length itself, so a
 * body shorter than announced (or none) can be sent; a reset after the answer still resolves.
 */
export function raw(url: string, head: string[], body?: Buffer): Promise<RawReply> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(u.port), u.hostname);
    const chunks: Buffer[] = [];
    let closed: RawReply['closed'] = 'close';
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {
      closed = 'reset';
    });
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const end = all.indexOf('\r\n\r\n');
      const [statusLine = '', ...fields] = all
        .subarray(0, end < 0 ? all.length : end)
        .toString('latin1')
        .split('\r\n');
      const headers: Record<string, string> = {};
      for (const field of fields) {
        const colon = field.indexOf(':');
        headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim();
      }
      resolve({ statusLine, headers, body: end < 0 ? Buffer.alloc(0) : all.subarray(end + 4), closed });
    });
    const [line = '', ...rest] = head;
    socket.write(`${[line, `Host: ${u.host}`, ...rest].join('\r\n')}\r\n\r\n`);
    if (body) socket.write(body);
  });
}
