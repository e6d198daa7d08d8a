// This file gives the Vimeo emulator tests plain HTTP helpers (node:http through ../http.ts, no vupload client code).
import type { VimeoSandbox } from '../../../src/sandbox/vimeo/index.js';
import { type Json, type Reply, request } from '../http.js';

export const ACCEPT = 'application/vnd.vimeo.*+json;version=3.4';

export interface ApiOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One API request as Vimeo's libraries send it: Bearer token, the 3.4 Accept header, a JSON body. */
export function api(sb: VimeoSandbox, method: string, path: string, opts: ApiOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { accept: ACCEPT, ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  return request(`${sb.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
}

/** POST /me/videos with the tus approach; returns the id, the upload link and the answer. */
export async function createVideo(
  sb: VimeoSandbox,
  token: string,
  size: number,
  extra: Json = {},
): Promise<{ id: string; link: string; reply: Reply }> {
  const reply = await api(sb, 'POST', '/me/videos', {
    token,
    body: { upload: { approach: 'tus', size }, name: 'A video', ...extra },
  });
  if (reply.status !== 200) throw new Error(`create failed: ${reply.status} ${reply.text}`);
  const video = reply.json();
  return { id: String(video.uri).split('/')[2]!, link: video.upload.upload_link, reply };
}

export function head(link: string, headers: Record<string, string> = {}): Promise<Reply> {
  return request(link, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', ...headers } });
}

/** A tus PATCH as the tus 1.0.0 protocol and Vimeo's guide have it. */
export function patch(
  link: string,
  offset: number,
  data: Buffer,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return request(link, {
    method: 'PATCH',
    body: data,
    headers: {
      'tus-resumable': '1.0.0',
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
      ...headers,
    },
  });
}

/** Uploads the whole of `data` in one PATCH. */
export async function uploadAll(link: string, data: Buffer): Promise<Reply> {
  const r = await patch(link, 0, data);
  if (r.status !== 204) throw new Error(`upload failed: ${r.status} ${r.text}`);
  return r;
}
