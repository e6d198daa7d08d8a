// This file sends one Youku request over the engine's Transport and reads the JSON answer, error bodies included.

import { protocolError, type Transport } from '../../upload/index.js';
import type { RequestBody } from '../../upload/transport.js';
import { parseYoukuError, YoukuApiError } from './errors.js';

export type Params = Record<string, string | number | undefined>;

export interface YoukuCall {
  method: 'GET' | 'POST';
  url: string;
  /** GET: the query. POST without `body`: a urlencoded form. POST with `body`: the query (upload_slice). */
  params: Params;
  body?: RequestBody;
  bodyLength?: number;
  signal?: AbortSignal;
}

function encode(params: Params): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) out.set(k, String(v));
  return out.toString();
}

/**
 * Sends the call and returns the parsed JSON object. An `error` object in the body is an error whatever the status:
 * Youku answers some errors with HTTP 200 (API-NOTES §10), so the status alone would take them for success.
 */
export async function youkuCall(transport: Transport, call: YoukuCall): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let url = call.url;
  let body: RequestBody | Buffer | undefined;
  if (call.method === 'GET' || call.body) {
    const qs = encode(call.params);
    if (qs) url += `${url.includes('?') ? '&' : '?'}${qs}`;
  }
  if (call.body) {
    body = call.body;
    headers['Content-Type'] = 'application/octet-stream';
    headers['Content-Length'] = String(call.bodyLength ?? 0);
  } else if (call.method === 'POST') {
    body = Buffer.from(encode(call.params), 'utf8');
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    headers['Content-Length'] = String(body.length);
  }
  const res = await transport.request({ method: call.method, url, headers, body, signal: call.signal });
  const text = res.body.toString('utf8');
  let json: unknown = {};
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      if (res.status >= 400) throw new YoukuApiError(call.method, url, res.status, undefined);
      throw protocolError(`Youku's answer to ${new URL(url).pathname} (${res.status}) is not JSON`);
    }
  }
  const info = parseYoukuError(json);
  if (info || res.status >= 400) throw new YoukuApiError(call.method, url, res.status, info);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw protocolError(`Youku's answer to ${new URL(url).pathname} is not a JSON object`);
  }
  return json as Record<string, unknown>;
}
