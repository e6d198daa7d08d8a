// This file is one function per step of Youku's upload protocol (API-NOTES §10 table), with typed answers.

import { protocolError, type Transport } from '../../upload/index.js';
import type { RequestBody } from '../../upload/transport.js';
import { type Params, youkuCall } from './http.js';

export interface Conn {
  transport: Transport;
  signal?: AbortSignal;
}

export interface CreateAnswer {
  uploadToken: string;
  uploadServerUri: string;
  videoId: string;
}

/** A slice task as new_slice and upload_slice give it; id 0 means none left. */
export interface SliceTask {
  id: number;
  offset: number;
  length: number;
  transferred: number;
}

export interface CheckAnswer {
  status: number;
  uploadServerIp: string;
  transferredPercent: number;
}

const str = (v: unknown, what: string): string => {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number') return String(v);
  throw protocolError(`Youku's answer has no ${what}`);
};
const int = (v: unknown, what: string): number => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw protocolError(`Youku's ${what} is not a count`);
  return n;
};

export async function create(c: Conn, apiUrl: string, params: Params): Promise<CreateAnswer> {
  const a = await youkuCall(c.transport, {
    method: 'GET',
    url: `${apiUrl}/uploads/create.json`,
    params,
    signal: c.signal,
  });
  return {
    uploadToken: str(a.upload_token, 'upload_token'),
    uploadServerUri: str(a.upload_server_uri, 'upload_server_uri'),
    videoId: str(a.video_id, 'video_id'),
  };
}

export async function createFile(c: Conn, server: string, params: Params): Promise<void> {
  await youkuCall(c.transport, {
    method: 'POST',
    url: `${server}/gupload/create_file`,
    params,
    signal: c.signal,
  });
}

function task(a: Record<string, unknown>): SliceTask {
  const id = int(a.slice_task_id, 'slice_task_id');
  if (id === 0) return { id, offset: 0, length: 0, transferred: int(a.transferred ?? 0, 'transferred') };
  return {
    id,
    offset: int(a.offset, 'offset'),
    length: int(a.length, 'length'),
    transferred: int(a.transferred ?? 0, 'transferred'),
  };
}

export async function newSlice(c: Conn, server: string, uploadToken: string): Promise<SliceTask> {
  const url = `${server}/gupload/new_slice`;
  return task(
    await youkuCall(c.transport, {
      method: 'GET',
      url,
      params: { upload_token: uploadToken },
      signal: c.signal,
    }),
  );
}

/** Sends one slice (exactly `length` bytes from `body`) with its hex MD5; the answer is the next task. */
export async function uploadSlice(
  c: Conn,
  server: string,
  uploadToken: string,
  t: SliceTask,
  hash: string,
  body: RequestBody,
): Promise<SliceTask> {
  const params = { upload_token: uploadToken, slice_task_id: t.id, offset: t.offset, length: t.length, hash };
  const url = `${server}/gupload/upload_slice`;
  return task(
    await youkuCall(c.transport, {
      method: 'POST',
      url,
      params,
      body,
      bodyLength: t.length,
      signal: c.signal,
    }),
  );
}

export async function check(c: Conn, server: string, uploadToken: string): Promise<CheckAnswer> {
  const url = `${server}/gupload/check`;
  const a = await youkuCall(c.transport, {
    method: 'GET',
    url,
    params: { upload_token: uploadToken },
    signal: c.signal,
  });
  return {
    status: int(a.status, 'check status'),
    uploadServerIp: typeof a.upload_server_ip === 'string' ? a.upload_server_ip : '',
    transferredPercent: Number(a.transferred_percent ?? 0) || 0,
  };
}

export async function commit(c: Conn, apiUrl: string, params: Params): Promise<string> {
  const url = `${apiUrl}/uploads/commit.json`;
  const a = await youkuCall(c.transport, { method: 'POST', url, params, signal: c.signal });
  return str(a.video_id, 'video_id');
}

export async function cancel(c: Conn, apiUrl: string, params: Params): Promise<void> {
  await youkuCall(c.transport, {
    method: 'GET',
    url: `${apiUrl}/uploads/cancel.json`,
    params,
    signal: c.signal,
  });
}
