// This file runs tus's reference server, @tus/server with @tus/file-store, behind the emulator's fault injection:
// a request reaches @tus/server as a web Request whose body the sandbox feeds, so a cut, a stall or a partial store
// ends the body early and @tus/server stores what arrived, as it does when a real client goes away.
import { createHash } from 'node:crypto';
import { open, readdir, readFile, rm } from 'node:fs/promises';
import { STATUS_CODES } from 'node:http';
import { join } from 'node:path';
import type { KvStore, Server as TusServer, Upload } from '@tus/server';
import { ensurePrivateDir, writePrivateJson } from '../../fsutil.js';
import type { Ctx } from '../http.js';
import { HEAD_BYTES, hashFile, sniffContainer } from '../media.js';
import type { Fault, StatusFault } from '../types.js';
import type { UploadBridge, VimeoCore } from './core.js';

/** Vimeo's links look like https://files.tus.vimeo.com/files/vimeo-prod-src-tus-eu/{32 hex} (transloadit/uppy#2238). */
export const TUS_PATH = '/files/vimeo-sandbox-src-tus';

/** @tus/utils' FileKvStore, with atomic writes (temp + rename): a crash never leaves half an upload's info file. */
class AtomicKvStore implements KvStore<Upload> {
  constructor(private readonly directory: string) {}

  private path(key: string): string {
    return join(this.directory, `${key}.json`);
  }

  async get(key: string): Promise<Upload | undefined> {
    return readFile(this.path(key), 'utf8').then(
      (t) => JSON.parse(t) as Upload,
      () => undefined,
    );
  }

  async set(key: string, value: Upload): Promise<void> {
    await writePrivateJson(this.path(key), value);
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async list(): Promise<string[]> {
    const files = await readdir(this.directory);
    return files
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .filter((id) => files.includes(id));
  }
}

/** Marks a video's upload complete once its last byte is stored: the sha256, the time, and what transcoding will do. */
export async function completeUpload(core: VimeoCore, directory: string, tusId: string): Promise<void> {
  const v = core.state.videos[core.state.uploads[tusId] ?? ''];
  if (!v || v.uploadStatus === 'complete') return;
  const file = join(directory, tusId);
  const live = core.live.get(tusId);
  core.live.delete(tusId);
  const hash = live && live.bytes === v.size ? live.hash : await hashFile(file, v.size);
  const head = Buffer.alloc(Math.min(HEAD_BYTES, v.size));
  const fh = await open(file, 'r');
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  v.sha256 = hash.digest('hex');
  v.uploadStatus = 'complete';
  v.completedAt = core.now();
  // Bytes that are no video container do not transcode (as the YouTube sandbox judges them, ../media.ts).
  if (!sniffContainer(head)) v.transcodeOutcome = 'error';
  await core.save();
}

export interface TusHost {
  tus: TusServer;
  bridge: UploadBridge;
  directory: string;
}

/** @tus/server and its file store under <dir>/tus, loaded on first use (only the sandbox needs them). */
export async function startTus(core: VimeoCore, dir: string): Promise<TusHost> {
  const { Server, Upload } = await import('@tus/server');
  const { FileStore } = await import('@tus/file-store');
  const directory = join(dir, 'tus');
  await ensurePrivateDir(directory);
  const kv = new AtomicKvStore(directory);
  const datastore = new FileStore({
    directory,
    configstore: kv,
    expirationPeriodInMilliseconds: core.opts.uploadLinkTtlMs,
  });
  const tus = new Server({
    path: TUS_PATH,
    datastore,
    // Runs before @tus/server answers the last PATCH: the video is complete before the client hears 204.
    onUploadFinish: async (_req, upload) => {
      await completeUpload(core, directory, upload.id);
      return {};
    },
  });
  const bridge: UploadBridge = {
    create: async (tusId, size) => {
      await datastore.create(new Upload({ id: tusId, size, offset: 0 }));
    },
    remove: (tusId) => datastore.remove(tusId).catch(() => undefined),
    offset: (tusId) =>
      datastore.getUpload(tusId).then(
        (u) => u.offset,
        () => undefined,
      ),
    expire: async (tusId) => {
      const info = await kv.get(tusId);
      if (info) await kv.set(tusId, { ...info, creation_date: new Date(0).toISOString() } as Upload);
    },
    linkOf: (tusId) => `${core.uploadUrl}${TUS_PATH}/${tusId}`,
  };
  return { tus, bridge, directory };
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'expect',
  'te',
  'trailer',
]);

/**
 * The request body as a web stream for @tus/server: at most `limit` bytes (storePartial), ending quietly when the
 * client goes away or a stall is superseded, and feeding the upload's running sha256 on the way.
 */
function feed(ctx: Ctx, core: VimeoCore, tusId: string, claimed: number, limit: number) {
  let live = core.live.get(tusId);
  if (!live || live.bytes !== claimed) {
    live = claimed === 0 ? { hash: createHash('sha256'), bytes: 0 } : undefined;
    if (live) core.live.set(tusId, live);
    else core.live.delete(tusId);
  }
  const it = ctx.body();
  let fed = 0;
  let closed = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (closed) return;
      let next: IteratorResult<Buffer>;
      try {
        next = fed >= limit ? { done: true, value: undefined } : await it.next();
      } catch {
        next = { done: true, value: undefined };
      }
      if (closed) return;
      if (next.done) {
        closed = true;
        return controller.close();
      }
      const piece = fed + next.value.length > limit ? next.value.subarray(0, limit - fed) : next.value;
      fed += piece.length;
      if (live) {
        live.hash.update(piece);
        live.bytes += piece.length;
      }
      controller.enqueue(piece);
    },
    cancel() {
      closed = true;
    },
  });
  /** Reads what @tus/server left of the body (after a partial store), so the answer reaches a listening client. */
  const finish = async () => {
    closed = true;
    for (;;) {
      const next = await it.next().catch(() => ({ done: true }) as const);
      if (next.done) return;
    }
  };
  return { stream, finish, live };
}

/** Hands the request to @tus/server and returns its answer. */
export async function passToTus(
  host: TusHost,
  ctx: Ctx,
  core: VimeoCore,
  tusId: string,
  fault: Fault | undefined,
) {
  const req = ctx.req;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined && !HOP_BY_HOP.has(name))
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  const claimed = Number(req.headers['upload-offset'] ?? 0);
  const limit = fault && 'storePartial' in fault ? fault.storePartial : Number.POSITIVE_INFINITY;
  const body = req.method === 'PATCH' ? feed(ctx, core, tusId, claimed, limit) : undefined;
  const request = new Request(`http://127.0.0.1${ctx.url.pathname}${ctx.url.search}`, {
    method: req.method ?? 'GET',
    headers,
    ...(body ? { body: body.stream, duplex: 'half' as const } : {}),
  });
  const response = await host.tus.handleWeb(request);
  await body?.finish();
  const stored = Number(response.headers.get('upload-offset') ?? (await host.bridge.offset(tusId)) ?? NaN);
  // A running hash that no longer matches what is stored is dropped; completion then reads the file.
  if (body?.live && body.live.bytes !== stored) core.live.delete(tusId);
  return { response, stored: Number.isNaN(stored) ? undefined : stored };
}

/** A tus-style error: plain text, Tus-Resumable, and Retry-After when the fault names one. */
export function sendTusError(ctx: Ctx, f: StatusFault): Promise<void> {
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=utf-8',
    'tus-resumable': '1.0.0',
  };
  if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
  return ctx.send(f.status, headers, `${f.message ?? STATUS_CODES[f.status] ?? 'Error'}\n`);
}

/**
 * Sends @tus/server's answer. brokenResponse B: only the first B bytes of the raw answer (status line, headers,
 * body) leave before the connection closes — a 204 has no body to break, so its head is what gets cut.
 */
export async function sendTusResponse(ctx: Ctx, response: Response, fault: Fault | undefined): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'content-length') headers[name] = value;
  });
  const body = Buffer.from(await response.arrayBuffer());
  if (!(fault && 'brokenResponse' in fault))
    return ctx.send(response.status, headers, body.length > 0 ? body : undefined);
  if (ctx.gone) return;
  const lines = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (response.status !== 204) lines.push(`content-length: ${body.length}`);
  const raw = Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
  ctx.entry.status = response.status;
  ctx.gone = true;
  const socket = ctx.req.socket;
  if (fault.brokenResponse > 0) socket.write(raw.subarray(0, fault.brokenResponse));
  socket.end();
}
