// This file is the Vimeo handlers' per-request context: reading bodies and answering in Vimeo's media types.
import { ApiError } from '../errors.js';
import type { Ctx } from '../http.js';
import type { Fault } from '../types.js';
import type { VimeoCore } from './core.js';
import { malformedBody, type VimeoError } from './errors.js';
import type { TokenRec, UserRec } from './state.js';
import type { VimeoRequestLogEntry } from './types.js';

export type Json = Record<string, unknown>;

export interface VReq {
  ctx: Ctx;
  core: VimeoCore;
  entry: VimeoRequestLogEntry;
  fault: Fault | undefined;
  /** Path params of the route, in order. */
  params: string[];
  /** Set by authenticate(). */
  user?: UserRec;
  token?: TokenRec;
  /** X-RateLimit-* headers for every answer once the user is known. */
  rateHeaders: Record<string, string>;
}

/** Vimeo answers each resource in its own media type (api.yaml `content:` keys; errors as vimeo/laravel#53 shows). */
export const MEDIA = {
  video: 'application/vnd.vimeo.video+json',
  user: 'application/vnd.vimeo.user+json',
  picture: 'application/vnd.vimeo.picture+json',
  texttrack: 'application/vnd.vimeo.video.texttrack+json',
  album: 'application/vnd.vimeo.album+json',
  project: 'application/vnd.vimeo.project+json',
  auth: 'application/vnd.vimeo.auth+json',
  error: 'application/vnd.vimeo.error+json',
} as const;

/** Logged bodies hide what is secret: passwords, codes, tokens and client secrets. */
const SECRET_FIELDS = ['password', 'code', 'access_token', 'refresh_token', 'client_secret'];
const redactSecrets = (value: Json): Json =>
  Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.includes(k) ? '***' : v]));

/** `a[b][c]=v` or `a.b.c=v` form keys into nested objects (Vimeo accepts form bodies as well as JSON). */
export function nestForm(form: URLSearchParams): Json {
  const out: Json = {};
  for (const [key, value] of form) {
    const parts = key.replace(/\]/g, '').split(/[[.]/);
    let node = out;
    for (const part of parts.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Json;
    }
    node[parts.at(-1)!] = value;
  }
  return out;
}

/** The request body as an object: JSON (any +json type) or a form; empty is {}; anything else is 2205. */
export async function readBody(r: VReq): Promise<Json> {
  let text: string;
  try {
    text = await r.ctx.text();
  } catch (err) {
    if (err instanceof ApiError) throw malformedBody(err.message);
    throw err;
  }
  if (text.trim() === '') return {};
  const type = (r.ctx.header('content-type') ?? '').toLowerCase();
  let value: unknown;
  if (type.startsWith('application/x-www-form-urlencoded')) value = nestForm(new URLSearchParams(text));
  else {
    try {
      value = JSON.parse(text);
    } catch {
      throw malformedBody('The request body is not valid JSON.');
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw malformedBody('The request body must be a JSON object.');
  r.entry.json = redactSecrets(value as Json);
  return value as Json;
}

export function send(r: VReq, status: number, value: unknown, type: string = MEDIA.video): Promise<void> {
  return r.ctx.send(status, { 'content-type': type, ...r.rateHeaders }, JSON.stringify(value));
}

export function noContent(r: VReq): Promise<void> {
  return r.ctx.send(204, { ...r.rateHeaders });
}

export function sendError(r: VReq, err: VimeoError): Promise<void> {
  if (err.code) r.entry.errorCode = err.code;
  return r.ctx.send(
    err.status,
    { 'content-type': MEDIA.error, ...r.rateHeaders, ...err.extra.headers },
    JSON.stringify(err.body()),
  );
}

/** A boolean parameter as Vimeo takes it: true/false, or the strings "true"/"false" (vimeo.py sends "true"). */
export function bool(value: unknown): boolean | undefined {
  if (value === true || value === 'true' || value === 1 || value === '1') return true;
  if (value === false || value === 'false' || value === 0 || value === '0') return false;
  return undefined;
}
