// This file sends one PeerTube REST request over the engine's Transport (proxies included) and reads its answer:
// JSON on success; on failure PeerTube's problem+json (type, title, detail, status, code, invalid-params) or uploadx's
// own {"error":{"code","message"}}, kept in a PeerTubeApiError that holds no header and no request body.
import { randomBytes } from 'node:crypto';
import { redactUrl } from '../../upload/errors.js';
import type { RequestBody, Transport } from '../../upload/transport.js';

export interface Problem {
  type?: string;
  title?: string;
  detail?: string;
  status?: number;
  /** PeerTube's error code (ServerErrorCode or an OAuth error name, e.g. quota_reached, invalid_grant). */
  code?: string;
  /** express-validator's failures by field: the message of each. */
  invalidParams?: Record<string, string>;
}

/** A refusal by the instance (any status ≥ 400). Its message quotes PeerTube's `detail`, never a secret. */
export class PeerTubeApiError extends Error {
  constructor(
    readonly method: string,
    /** Redacted (no upload_id, no token). */
    readonly url: string,
    readonly status: number,
    readonly problem: Problem,
    readonly retryAfter?: string,
  ) {
    super(
      `PeerTube answered ${method} ${new URL(url).pathname} with ${status}${problem.detail ? `: ${problem.detail}` : ''}`,
    );
    this.name = 'PeerTubeApiError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The problem an error answer describes: problem+json, uploadx's error object, or nothing readable. */
export function parseProblem(text: string): Problem {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  if (!isObject(body)) return {};
  // uploadx: {"error":{"code":"FileNotFound","message":"Not found"}} (not problem+json).
  if (isObject(body.error)) return { code: str(body.error.code), detail: str(body.error.message) };
  const problem: Problem = {
    type: str(body.type),
    title: str(body.title),
    detail: str(body.detail) ?? str(body.error),
    code: str(body.code),
    ...(typeof body.status === 'number' ? { status: body.status } : {}),
  };
  const params = body['invalid-params'];
  if (isObject(params)) {
    problem.invalidParams = {};
    for (const [field, value] of Object.entries(params))
      problem.invalidParams[field] = isObject(value) ? (str(value.msg) ?? 'Invalid value') : String(value);
  }
  return problem;
}

/** A multipart/form-data body: text fields and files (each a name, a type and its bytes). */
export function multipartBody(
  fields: Record<string, string>,
  files: Record<string, { filename: string; type: string; data: Buffer }>,
): { contentType: string; body: Buffer } {
  const boundary = `----vupload${randomBytes(12).toString('hex')}`;
  const quote = (s: string) => s.replace(/["\r\n\\]/g, '_');
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`,
      ),
    );
  for (const [name, f] of Object.entries(files)) {
    const head =
      `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"; filename="${quote(f.filename)}"\r\n` +
      `Content-Type: ${f.type}\r\n\r\n`;
    parts.push(Buffer.from(head), f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}

export interface PtCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** A JSON body, a urlencoded form, or a ready body with its Content-Type. */
  json?: unknown;
  form?: Record<string, string>;
  raw?: { contentType: string; body: Buffer | RequestBody; length: number };
  signal?: AbortSignal;
}

export interface PtAnswer {
  status: number;
  headers: Record<string, string | undefined>;
  /** Parsed JSON, or undefined for an empty (204) answer. */
  json: unknown;
}

/** Sends the call; a status ≥ 400 throws PeerTubeApiError, a network failure rejects as the transport does. */
export async function ptSend(transport: Transport, call: PtCall): Promise<PtAnswer> {
  const headers: Record<string, string> = { Accept: 'application/json', ...call.headers };
  let body: Buffer | RequestBody | undefined;
  if (call.json !== undefined) {
    body = Buffer.from(JSON.stringify(call.json), 'utf8');
    headers['Content-Type'] = 'application/json; charset=utf-8';
  } else if (call.form) {
    body = Buffer.from(new URLSearchParams(call.form).toString(), 'utf8');
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  } else if (call.raw) {
    body = call.raw.body;
    headers['Content-Type'] = call.raw.contentType;
    headers['Content-Length'] = String(call.raw.length);
  }
  if (Buffer.isBuffer(body)) headers['Content-Length'] = String(body.length);
  else if (body === undefined && call.method !== 'GET') headers['Content-Length'] = '0';
  const res = await transport.request({
    method: call.method,
    url: call.url,
    headers,
    body,
    signal: call.signal,
  });
  const text = res.body.toString('utf8');
  if (res.status >= 400)
    throw new PeerTubeApiError(
      call.method,
      redactUrl(call.url),
      res.status,
      parseProblem(text),
      res.headers['retry-after'],
    );
  let json: unknown;
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      throw new PeerTubeApiError(call.method, redactUrl(call.url), res.status, {
        detail: `the answer (${res.status}) is not JSON`,
      });
    }
  }
  return { status: res.status, headers: res.headers, json };
}
