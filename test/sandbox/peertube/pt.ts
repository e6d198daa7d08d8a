// This file gives the PeerTube sandbox tests plain HTTP helpers (node:http through ../http.ts, no client code):
// login, resumable upload steps, multipart bodies and the problem+json checks.
import assert from 'node:assert/strict';
import type { PeerTubeSandbox } from '../../../src/sandbox/peertube/index.js';
import { type Json, type Reply, request } from '../http.js';

export { type Json, request, sha256 } from '../http.js';

export const API = '/api/v1';
export const UPLOAD = `${API}/videos/upload-resumable`;

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export function form(values: Record<string, string>): { headers: Record<string, string>; body: string } {
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values).toString(),
  };
}

/** POST /users/token as PeerTube's clients do. */
export function tokenRequest(
  sb: PeerTubeSandbox,
  values: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const f = form({ ...sb.client, ...values });
  return request(`${sb.url}${API}/users/token`, {
    method: 'POST',
    headers: { ...f.headers, ...headers },
    body: f.body,
  });
}

export async function login(sb: PeerTubeSandbox, username = 'sandbox', password = 'sandbox-password') {
  const r = await tokenRequest(sb, { grant_type: 'password', username, password });
  assert.equal(r.status, 200, r.text);
  return r.json() as { access_token: string; refresh_token: string };
}

/** The first channel of the token's user (GET /users/me). */
export async function channelOf(sb: PeerTubeSandbox, token: string): Promise<number> {
  const me = await request(`${sb.url}${API}/users/me`, { headers: bearer(token) });
  return me.json().videoChannels[0].id;
}

/** An MP4 'ftyp' header then filler: ffprobe (and the sandbox's probe) read it as a container. */
export function mp4(size: number, fill = 7): Buffer {
  const buf = Buffer.alloc(size, fill);
  Buffer.from('000000206674797069736f6d', 'hex').copy(buf, 0, 0, Math.min(12, size));
  return buf;
}

export function initUpload(
  sb: PeerTubeSandbox,
  token: string,
  meta: Record<string, unknown>,
  size: number,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return request(`${sb.url}${UPLOAD}`, {
    method: 'POST',
    headers: {
      ...bearer(token),
      'content-type': 'application/json',
      'x-upload-content-length': String(size),
      'x-upload-content-type': 'video/mp4',
      ...headers,
    },
    body: JSON.stringify(meta),
  });
}

/** Starts an upload and returns its Location. */
export async function startUpload(
  sb: PeerTubeSandbox,
  token: string,
  size: number,
  meta: Record<string, unknown> = {},
) {
  const channelId = await channelOf(sb, token);
  const r = await initUpload(sb, token, { name: 'A video', channelId, filename: 'a.mp4', ...meta }, size);
  assert.equal(r.status, 201, r.text);
  return String(r.headers.location);
}

export function putChunk(location: string, token: string, data: Buffer, first: number, total: number) {
  return request(location, {
    method: 'PUT',
    headers: { ...bearer(token), 'content-range': `bytes ${first}-${first + data.length - 1}/${total}` },
    body: data,
  });
}

export function statusQuery(location: string, token: string, total: number) {
  return request(location, {
    method: 'PUT',
    headers: { ...bearer(token), 'content-range': `bytes */${total}`, 'content-length': '0' },
  });
}

export const uploadIdOf = (location: string) => new URL(location).searchParams.get('upload_id')!;

/** Uploads `data` in one PUT and returns {id, shortUUID, uuid}. */
export async function uploadVideo(
  sb: PeerTubeSandbox,
  token: string,
  data: Buffer,
  meta: Record<string, unknown> = {},
) {
  const location = await startUpload(sb, token, data.length, meta);
  const r = await putChunk(location, token, data, 0, data.length);
  assert.equal(r.status, 200, r.text);
  return r.json().video as { id: number; shortUUID: string; uuid: string };
}

/** A multipart/form-data body of fields and files. */
export function multipart(
  fields: Record<string, string | string[]>,
  files: Record<string, { filename: string; type: string; data: Buffer }> = {},
) {
  const boundary = `----pt${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      const key = Array.isArray(value) ? `${name}[]` : name;
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${key}"\r\n\r\n${v}\r\n`),
      );
    }
  }
  for (const [name, f] of Object.entries(files)) {
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${f.filename}"\r\nContent-Type: ${f.type}\r\n\r\n`;
    parts.push(Buffer.from(head), f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body: Buffer.concat(parts),
  };
}

/** Asserts PeerTube's problem answer: status, problem+json, and the members given. */
export function assertProblem(r: Reply, status: number, expected: Json): Json {
  assert.equal(r.status, status, r.text);
  assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
  const body = r.json();
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(body[k], v, `${k} of ${r.text}`);
  assert.equal(body.status, status);
  return body;
}

export const docsOf = (code: string) =>
  `https://docs.joinpeertube.org/api-rest-reference.html#section/Errors/${code}`;
