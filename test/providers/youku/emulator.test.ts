// This file talks to the Youku emulator directly, checking the protocol rules it enforces on any client.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { startYoukuSandbox, type YoukuSandbox } from '../../../src/sandbox/youku/index.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function call(
  sb: YoukuSandbox,
  method: string,
  path: string,
  params: Record<string, string>,
  body?: Buffer,
) {
  const qs = new URLSearchParams(params).toString();
  const form = method === 'POST' && !body;
  const res = await fetch(`${sb.url}${path}${form ? '' : `?${qs}`}`, {
    method,
    headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
    body: form ? qs : body,
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads Youku's loose JSON answers field by field.
  const json = (await res.json()) as Record<string, any>;
  return { status: res.status, json };
}

async function started(sb: YoukuSandbox, data: Buffer) {
  const { access_token } = sb.mintToken();
  const base = { client_id: 'youku-sandbox-client', access_token };
  const created = await call(sb, 'GET', '/uploads/create.json', {
    ...base,
    title: 't',
    tags: 'x',
    file_name: 'a.mp4',
    file_size: String(data.length),
    file_md5: md5(data),
  });
  assert.equal(created.status, 201);
  assert.equal(created.json.upload_server_uri, new URL(sb.url).host);
  const token = created.json.upload_token as string;
  const made = await call(sb, 'POST', '/gupload/create_file', {
    upload_token: token,
    file_size: String(data.length),
    ext: 'mp4',
    slice_length: '1',
  });
  assert.equal(made.status, 201);
  return { base, token, videoId: created.json.video_id as string };
}

describe('Youku emulator', () => {
  test('create without a required parameter is 1012; an expired access token is 1009', async () => {
    const sb = await startYoukuSandbox();
    try {
      const { access_token } = sb.mintToken();
      const missing = await call(sb, 'GET', '/uploads/create.json', {
        client_id: 'youku-sandbox-client',
        access_token,
      });
      assert.equal(missing.status, 400);
      assert.equal(missing.json.error.code, 1012);
      assert.equal(typeof missing.json.error.type, 'string');
      const old = sb.mintToken({ ttlSec: 0 }).access_token;
      const expired = await call(sb, 'GET', '/uploads/create.json', {
        client_id: 'youku-sandbox-client',
        access_token: old,
      });
      assert.equal(expired.json.error.code, 1009);
    } finally {
      await sb.close();
    }
  });

  test('assigns slices, rejects a wrong range or hash, stores the bytes, and answers commit errors with 200', async () => {
    const sb = await startYoukuSandbox();
    try {
      const data = Buffer.alloc(1500, 7);
      data[1200] = 1;
      const { base, token, videoId } = await started(sb, data);
      const t1 = (await call(sb, 'GET', '/gupload/new_slice', { upload_token: token })).json;
      assert.deepEqual([t1.slice_task_id, t1.offset, t1.length], [1, 0, 1024]);
      const send = (t: Record<string, number>, part: Buffer, hash = md5(part)) =>
        call(
          sb,
          'POST',
          '/gupload/upload_slice',
          {
            upload_token: token,
            slice_task_id: String(t.slice_task_id),
            offset: String(t.offset),
            length: String(t.length),
            hash,
          },
          part,
        );
      const wrong = await send({ ...t1, offset: 5 } as Record<string, number>, data.subarray(5, 1029));
      assert.equal(wrong.json.error.code, 1013);
      const bad = await send(t1, data.subarray(0, 1024), md5(Buffer.from('other')));
      assert.equal(bad.json.error.code, 120010225);
      const early = await call(sb, 'POST', '/uploads/commit.json', {
        ...base,
        upload_token: token,
        upload_server_ip: '10.0.0.7',
      });
      assert.equal(early.status, 200, 'an error body with HTTP 200, as the SDKs met');
      assert.equal(early.json.error.code, 1013);
      const t2 = (await send(t1, data.subarray(0, 1024))).json;
      assert.deepEqual([t2.slice_task_id, t2.offset, t2.length], [2, 1024, 476]);
      const check4 = (await call(sb, 'GET', '/gupload/check', { upload_token: token })).json;
      assert.equal(check4.status, 4);
      const t3 = (await send(t2, data.subarray(1024))).json;
      assert.equal(t3.slice_task_id, 0);
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await call(sb, 'GET', '/gupload/check', { upload_token: token })).json.status);
      assert.deepEqual(statuses, [2, 3, 1]);
      const done = await call(sb, 'POST', '/uploads/commit.json', {
        ...base,
        upload_token: token,
        upload_server_ip: '10.0.0.7',
      });
      assert.deepEqual(done.json, { video_id: videoId });
      assert.deepEqual(sb.media(token), { size: 1500, md5: md5(data) });
    } finally {
      await sb.close();
    }
  });

  test('atOffset faults only the slice there; a stalled slice the client leaves frees the upload at once', async () => {
    const sb = await startYoukuSandbox();
    try {
      const data = Buffer.alloc(2048, 3);
      data[2000] = 4;
      const { base, token, videoId } = await started(sb, data);
      sb.faults.add({ on: 'upload_slice', atOffset: 1024, error: 1001, httpStatus: 503 });
      sb.faults.add({ on: 'upload_slice', atOffset: 1024, stallAfterBytes: 10, stallMs: 60_000 });
      const query = (t: Record<string, number>) =>
        new URLSearchParams({
          upload_token: token,
          slice_task_id: String(t.slice_task_id),
          offset: String(t.offset),
          length: String(t.length),
          hash: md5(data.subarray(t.offset!, t.offset! + t.length!)),
        });
      const send = (t: Record<string, number>, signal?: AbortSignal) =>
        fetch(`${sb.url}/gupload/upload_slice?${query(t)}`, {
          method: 'POST',
          body: data.subarray(t.offset!, t.offset! + t.length!),
          ...(signal ? { signal } : {}),
        });
      const t1 = (await call(sb, 'GET', '/gupload/new_slice', { upload_token: token })).json;
      const first = await send(t1);
      assert.equal(first.status, 201, 'the slice at 0 is not the one at 1024');
      const t2 = (await first.json()) as Record<string, number>;
      assert.equal(t2.offset, 1024);
      assert.equal(((await (await send(t2)).json()) as { error: { code: number } }).error.code, 1001);
      // Stalled after 10 bytes: the client gives up; its slice must not stay held for the stall's minute.
      await assert.rejects(send(t2, AbortSignal.timeout(200)));
      const sentAt = Date.now();
      const again = await send(t2);
      assert.equal(again.status, 201);
      assert.ok(Date.now() - sentAt < 10_000, 'not held by the stall');
      for (let i = 0; i < 3; i++) await call(sb, 'GET', '/gupload/check', { upload_token: token });
      await call(sb, 'POST', '/uploads/commit.json', {
        ...base,
        upload_token: token,
        upload_server_ip: '10.0.0.7',
      });
      assert.deepEqual(
        sb.videos().map((v) => [v.id, v.size, v.md5]),
        [[videoId, 2048, md5(data)]],
      );
    } finally {
      await sb.close();
    }
  });

  test('an expired upload token answers 120010223 on the upload server', async () => {
    const sb = await startYoukuSandbox();
    try {
      const { token } = await started(sb, Buffer.alloc(10));
      sb.expireUploadToken(token);
      const res = await call(sb, 'GET', '/gupload/new_slice', { upload_token: token });
      assert.equal(res.json.error.code, 120010223);
      const show = await call(sb, 'GET', '/videos/show.json', {
        client_id: 'youku-sandbox-client',
        video_id: 'XNONE',
      });
      assert.equal(show.json.error.code, 120020001);
    } finally {
      await sb.close();
    }
  });
});
