// This file emulates Youku's upload server (API-NOTES §10): create, create_file, new_slice, upload_slice, check.
import { createHash, randomInt } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { KeyedLock } from '../keyed-lock.js';
import { randomId, type SliceTask, type UploadRec, videoIdFor } from './core.js';
import { invalidParameter, uploadTokenExpired, YoukuError } from './errors.js';
import { authenticate } from './oauth.js';
import { need, params, send, type YReq } from './request.js';

const locks = new KeyedLock();
const intParam = (name: string, v: string, min = 0): number => {
  if (!/^\d+$/.test(v) || Number(v) < min) throw invalidParameter(name);
  return Number(v);
};

/** create: registers the upload and names the upload server (this emulator again, by address and port). */
export async function create(r: YReq): Promise<void> {
  const p = await params(r);
  authenticate(r.core, p);
  const [title, tags, fileName, sizeText, md5] = need(
    p,
    'title',
    'tags',
    'file_name',
    'file_size',
    'file_md5',
  );
  const fileSize = intParam('file_size', sizeText!, 1);
  if (!/^[0-9a-f]{32}$/i.test(md5!)) throw invalidParameter('file_md5', 'hex MD5 of the whole file');
  const copyrightType = p.copyright_type ?? 'original';
  if (!['original', 'reproduced'].includes(copyrightType)) throw invalidParameter('copyright_type');
  const publicType = p.public_type ?? 'all';
  if (!['all', 'friend', 'password'].includes(publicType)) throw invalidParameter('public_type');
  if (publicType === 'password') need(p, 'watch_password');
  const token = `yk-upload-${randomId(32)}`;
  const rec: UploadRec = {
    token,
    videoId: videoIdFor(100_000_000 + randomInt(899_999_999)),
    clientId: p.client_id!,
    title: title!,
    tags: tags!,
    description: p.description ?? '',
    category: p.category,
    copyrightType,
    publicType,
    fileName: fileName!,
    fileSize,
    fileMd5: md5!.toLowerCase(),
    expiresAt: r.core.now() + r.core.opts.uploadTokenTtlMs,
    cancelled: false,
    file: join(r.core.dir, 'media', `${token}.bin`),
    nextOffset: 0,
    nextTaskId: 1,
    open: new Map(),
    received: new Map(),
    done: new Map(),
    receivedBytes: 0,
    confirmChecks: 0,
  };
  r.core.uploads.set(token, rec);
  r.entry.uploadToken = token;
  const host = new URL(r.core.url).host;
  return send(r, 201, {
    upload_token: token,
    upload_server_uri: host,
    video_id: rec.videoId,
    instant_upload_ok: 'no',
  });
}

/** The live upload named by upload_token; expired or cancelled ones are 120010223 (start over). */
export function findUpload(r: YReq, p: Record<string, string>): UploadRec {
  const [token] = need(p, 'upload_token');
  r.entry.uploadToken = token;
  const rec = r.core.uploads.get(token!);
  if (!rec) throw invalidParameter('upload_token');
  if (r.fault && 'expireUploadToken' in r.fault) rec.expiresAt = r.core.now();
  if (rec.cancelled || rec.expiresAt <= r.core.now()) throw uploadTokenExpired();
  return rec;
}

/** create_file: the file's size and the slice length; the server may impose its own (sliceLengthKb). */
export async function createFile(r: YReq): Promise<void> {
  const p = await params(r);
  const rec = findUpload(r, p);
  const [sizeText, ext, sliceKb] = need(p, 'file_size', 'ext', 'slice_length');
  if (intParam('file_size', sizeText!, 1) !== rec.fileSize)
    throw invalidParameter('file_size', 'differs from create');
  const requested = intParam('slice_length', sliceKb!, 1);
  await locks.run(rec.token, async () => {
    if (rec.sliceLength === undefined) {
      // Created empty here; slices are written at their offsets as they arrive.
      await (await open(rec.file, 'w', 0o600)).close();
      rec.sliceLength = (r.core.opts.sliceLengthKb ?? requested) * 1024;
      rec.ext = ext;
    }
  });
  return send(r, 201, {});
}

/** The next task: a slice handed out earlier that never arrived (a lost task), else fresh bytes, else id 0. */
function nextTask(rec: UploadRec): Record<string, unknown> {
  let task: SliceTask | undefined = [...rec.open.values()].sort((a, b) => a.offset - b.offset)[0];
  if (!task && rec.nextOffset < rec.fileSize) {
    const length = Math.min(rec.sliceLength!, rec.fileSize - rec.nextOffset);
    task = { id: rec.nextTaskId++, offset: rec.nextOffset, length };
    rec.open.set(task.id, task);
    rec.nextOffset += length;
  }
  const finished = rec.receivedBytes === rec.fileSize;
  if (!task) return { slice_task_id: 0, offset: 0, length: 0, transferred: rec.receivedBytes, finished };
  return {
    slice_task_id: task.id,
    offset: task.offset,
    length: task.length,
    transferred: rec.receivedBytes,
    finished,
  };
}

function sliced(rec: UploadRec): UploadRec {
  if (rec.sliceLength === undefined) throw invalidParameter('upload_token', 'create_file was not called');
  return rec;
}

export async function newSlice(r: YReq): Promise<void> {
  const rec = sliced(findUpload(r, await params(r)));
  const task = await locks.run(rec.token, async () => nextTask(rec));
  return send(r, 201, task);
}

/** upload_slice: the body must be exactly the task's bytes and hash to `hash`; stored at its offset, streamed. */
export async function uploadSlice(r: YReq): Promise<void> {
  const p = await params(r);
  const rec = sliced(findUpload(r, p));
  const [idText, offText, lenText, hash] = need(p, 'slice_task_id', 'offset', 'length', 'hash');
  const id = intParam('slice_task_id', idText!, 1);
  const offset = intParam('offset', offText!);
  const length = intParam('length', lenText!, 1);
  Object.assign(r.entry, { sliceTaskId: id, offset, length });
  await locks.run(rec.token, async () => {
    const finished = rec.done.get(id);
    if (finished && finished.offset === offset && finished.hash === hash!.toLowerCase()) {
      // A retry of a slice that arrived although its answer was lost: nothing to store again.
      await r.ctx.drain();
      return;
    }
    const task = rec.open.get(id);
    if (!task) throw invalidParameter('slice_task_id', 'no such open task');
    if (task.offset !== offset) throw invalidParameter('offset', `the task starts at ${task.offset}`);
    if (task.length !== length) throw invalidParameter('length', `the task is ${task.length} bytes`);
    const md5 = createHash('md5');
    let got = 0;
    const fh = await open(rec.file, 'r+');
    try {
      for await (let chunk of r.ctx.body()) {
        if (got === 0 && r.fault && 'corruptSlice' in r.fault) {
          chunk = Buffer.from(chunk);
          chunk[0] = chunk[0]! ^ 0xff;
        }
        if (got + chunk.length > length)
          throw invalidParameter('length', 'the body is longer than the slice');
        md5.update(chunk);
        await fh.write(chunk, 0, chunk.length, offset + got);
        got += chunk.length;
      }
    } finally {
      await fh.close();
    }
    if (r.ctx.gone) return;
    if (got !== length) throw invalidParameter('length', `received ${got} of ${length} bytes`);
    const digest = md5.digest('hex');
    if (digest !== hash!.toLowerCase()) throw new YoukuError(120010225);
    rec.open.delete(id);
    rec.done.set(id, { offset, hash: digest });
    rec.received.set(offset, length);
    rec.receivedBytes += length;
    if (rec.receivedBytes === rec.fileSize) rec.md5 = await md5File(rec.file);
  });
  if (r.ctx.gone) return;
  return send(r, 201, await locks.run(rec.token, async () => nextTask(rec)));
}

async function md5File(path: string): Promise<string> {
  const md5 = createHash('md5');
  for await (const chunk of createReadStream(path)) md5.update(chunk as Buffer);
  return md5.digest('hex');
}

/** check: 4 while slices are missing, then 2/3 for confirmDelayChecks calls, then 1 (seed: 续传 section). */
export async function check(r: YReq): Promise<void> {
  const rec = findUpload(r, await params(r));
  const percent = Math.floor((rec.receivedBytes * 100) / rec.fileSize);
  let status: number;
  if (rec.receivedBytes < rec.fileSize) status = 4;
  else if (rec.confirmChecks < r.core.opts.confirmDelayChecks) {
    rec.confirmChecks++;
    status = rec.confirmChecks % 2 === 1 ? 2 : 3;
  } else status = 1;
  r.entry.checkStatus = status;
  return send(r, 200, {
    status,
    upload_server_ip: r.core.opts.reportedServerIp,
    transferred_percent: percent,
    confirmed_percent: status === 1 ? 100 : Math.min(percent, 99),
    empty_tasks: rec.open.size,
    finished: status === 1,
  });
}
