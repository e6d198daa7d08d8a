// This file builds the three requests of Google's resumable protocol: initiation, a slice of bytes, a status query.

import { contentRange, statusQueryRange } from './range.js';
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
