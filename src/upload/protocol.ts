// This file builds the three requests of Google's resumable protocol (initiation, a slice of bytes, a status query)
// and declares what any resumable protocol gives the engine (UploadProtocol; tus: protocols/tus.ts).

import { protocolError } from './errors.js';
import { contentRange, parseRange, statusQueryRange } from './range.js';
import { classifyStatus } from './retry.js';
import type { RequestBody, Transport, TransportResponse } from './transport.js';

/** How the engine authorises requests; it never sees how tokens are obtained (issue 3, STYLE.md). */
export interface UploadAuth {
  /** Headers to add to every request, e.g. `{ Authorization: 'Bearer …' }`. */
  headers(): Promise<Record<string, string>> | Record<string, string>;
  /** Called once after a 401; the next headers() must carry a fresh token. */
  refresh(): Promise<void>;
}

export interface ProtocolContext {
  transport: Transport;
  auth: UploadAuth;
  signal?: AbortSignal;
}

/**
 * `POST initUrl` with the resource as JSON; the answer's `Location` is the session URI (API-NOTES §1, "Start a
 * session"). X-Upload-Content-Length is optional for Google but lets it refuse an oversized file before any byte.
 */
export async function initiate(
  ctx: ProtocolContext,
  initUrl: string,
  metadata: unknown,
  size: number | undefined,
  contentType: string,
): Promise<TransportResponse> {
  const body = Buffer.from(JSON.stringify(metadata ?? {}), 'utf8');
  return ctx.transport.request({
    method: 'POST',
    url: initUrl,
    headers: {
      ...(await ctx.auth.headers()),
      'Content-Type': 'application/json; charset=UTF-8',
      'Content-Length': String(body.length),
      // A stream's size is not known in advance; the header is optional (porjo's client never sends it).
      ...(size === undefined ? {} : { 'X-Upload-Content-Length': String(size) }),
      'X-Upload-Content-Type': contentType,
    },
    body,
    signal: ctx.signal,
  });
}

/** `PUT <session>` with bytes [start, end) of `total` (one request when start = 0 and end = total; `*`: not known yet). */
export async function sendSlice(
  ctx: ProtocolContext,
  sessionUri: string,
  body: RequestBody,
  start: number,
  end: number,
  total: number | '*',
  contentType: string,
): Promise<TransportResponse> {
  return ctx.transport.request({
    method: 'PUT',
    url: sessionUri,
    headers: {
      ...(await ctx.auth.headers()),
      'Content-Length': String(end - start),
      'Content-Range': contentRange(start, end, total),
      'Content-Type': contentType,
    },
    body,
    signal: ctx.signal,
  });
}

// `PUT <session>` with no body and `Content-Range: bytes */TOTAL`: the server answers with what it holds.
export async function queryStatus(
  ctx: ProtocolContext,
  sessionUri: string,
  total: number | '*',
): Promise<TransportResponse> {
  return ctx.transport.request({
    method: 'PUT',
    url: sessionUri,
    headers: {
      ...(await ctx.auth.headers()),
      'Content-Length': '0',
      'Content-Range': statusQueryRange(total),
    },
    signal: ctx.signal,
  });
}

/** What the engine makes of an answer on the session (retry.ts SessionAnswer). */
export type { SessionAnswer } from './retry.js';

/**
 * The wire format of a resumable protocol: how a session is created and asked, how bytes are sent, what an answer
 * means. The engine (engine.ts) keeps every rule of its own — the server's offset is the truth, Retry-After, backoff
 * reset when the offset moves, write-ahead record before the saved session goes — whatever the protocol is:
 * Google's (YouTube; PeerTube's uploadx speaks it too) or tus 1.0 (Vimeo).
 */
export interface UploadProtocol {
  /** Every request but the last carries a multiple of this many bytes (Google: 256 KiB). */
  readonly granularity: number;
  /** Requests on the session URL carry the auth headers (a tus upload link is its own credential: none). */
  readonly authOnSession: boolean;
  /** The final answer carries the created resource (Google's 200/201); tus's has none: the session's data is it. */
  readonly finalInBody: boolean;
  /** Starts a session at `url` for `metadata` (size undefined: not known yet). */
  create(
    ctx: ProtocolContext,
    url: string,
    args: { metadata: unknown; size: number | undefined; contentType: string },
  ): Promise<TransportResponse>;
  /** The session URL in the create's (successful) answer, and what to keep with it (tus: the video it belongs to). */
  session(res: TransportResponse, createUrl: string): { uri: string; data?: unknown };
  send(
    ctx: ProtocolContext,
    uri: string,
    body: RequestBody,
    start: number,
    end: number,
    total: number | '*',
    contentType: string,
  ): Promise<TransportResponse>;
  query(ctx: ProtocolContext, uri: string, total: number | '*'): Promise<TransportResponse>;
  /** What an answer on the session means; `total`: the upload's size, when known. */
  classify(res: TransportResponse, total: number | '*'): import('./retry.js').SessionAnswer;
  /** The bytes the server holds, from an 'incomplete' answer. */
  offset(res: TransportResponse): number;
  /**
   * Ends a session given up for good (a kept one discarded), where the protocol has a way; errors are ignored. `data`
   * is what session() kept with it (tus: the video the upload link belongs to, which Vimeo keeps as an empty video).
   */
  cancel?(ctx: ProtocolContext, uri: string, data?: unknown): Promise<void>;
  /**
   * Where the last answer carries no resource (tus, finalInBody false): asks the platform whether the upload is
   * finished on its side and what it made (Vimeo: GET /videos/{id}?fields=upload.status). `retry`: not yet, the
   * session is asked again after the usual backoff. Without it, the session's data is the resource.
   */
  finished?(
    ctx: ProtocolContext,
    session: { uri: string; data?: unknown },
  ): Promise<{ done: unknown } | { retry: string }>;
}

/** Google's resumable protocol (API-NOTES §1): POST with the resource, Location; PUT slices; 308 with Range. */
export const googleResumable: UploadProtocol = {
  granularity: 256 * 1024,
  authOnSession: true,
  finalInBody: true,
  create: (ctx, url, { metadata, size, contentType }) => initiate(ctx, url, metadata, size, contentType),
  session(res, createUrl) {
    const location = res.headers.location;
    if (!location) throw protocolError('the server started no upload session (no Location header)');
    return { uri: new URL(location, createUrl).href };
  },
  send: sendSlice,
  query: queryStatus,
  classify: (res) => classifyStatus(res.status, res.headers['x-http-status-code-override']),
  offset: (res) => parseRange(res.headers.range),
};
