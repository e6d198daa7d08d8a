// This file is the upload host's request listener (another origin than the API, like Vimeo's upload servers): tus
// links go to @tus/server through the fault injection of tus.ts; picture and text-track links take a file by PUT.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { statusOf } from '../faults.js';
import { Ctx, queryOf } from '../http.js';
import { Cooldowns } from '../retry-after.js';
import type { Fault, RequestLogEntry, StatusFault } from '../types.js';
import { receiveLinkUpload } from './attachments.js';
import type { VimeoCore } from './core.js';
import { PICTURES } from './pictures.js';
import { logLine, newEntry } from './server.js';
import { TEXTTRACKS } from './texttracks.js';
import { passToTus, sendTusError, sendTusResponse, TUS_PATH, type TusHost } from './tus.js';
import type { VimeoFaultKind } from './types.js';

const plain = (ctx: Ctx, status: number, text: string) =>
  ctx.send(status, { 'content-type': 'text/plain; charset=utf-8' }, `${text}\n`);

export function createUploadListener(core: VimeoCore, host: TusHost, log?: (line: string) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', core.uploadUrl || 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const tusId = url.pathname.startsWith(`${TUS_PATH}/`)
      ? url.pathname.slice(TUS_PATH.length + 1)
      : undefined;
    const link = /^\/(picture|texttrack)s\/([0-9a-f]{32})$/.exec(url.pathname);
    const kind: VimeoFaultKind =
      tusId !== undefined
        ? method === 'PATCH'
          ? 'upload-chunk'
          : 'upload-status'
        : link?.[1] === 'picture'
          ? 'thumbnail'
          : link
            ? 'caption'
            : 'api';
    const entry = newEntry(core, 'upload', req, url, kind);
    const videoId = tusId === undefined ? undefined : core.state.uploads[tusId];
    if (videoId) entry.videoId = videoId;
    const offset = Number(req.headers['upload-offset']);
    if (kind === 'upload-chunk' && Number.isSafeInteger(offset)) entry.offset = offset;
    const size = videoId ? core.state.videos[videoId]?.size : undefined;
    const length = Number(req.headers['content-length'] ?? Number.NaN);
    const key = Cooldowns.key(kind, tusId);
    const early = core.cooldowns.early(key, core.now());
    const fault = early
      ? undefined
      : core.faults.take({
          kind,
          method,
          path: url.pathname,
          hasSession: videoId !== undefined,
          ...(kind === 'upload-chunk' && entry.offset !== undefined
            ? { firstByte: entry.offset, claimsLast: size !== undefined && entry.offset + length === size }
            : {}),
        });
    if (fault) entry.fault = fault;
    if (early) entry.tooEarly = true;
    const ctx = new Ctx(req, res, url, queryOf(url), entry as unknown as RequestLogEntry, fault);
    const started = Date.now();
    res.on('close', () => {
      if (!res.writableFinished) ctx.markGone();
      log?.(logLine(entry, Date.now() - started, fault));
    });
    const error = early?.error ?? statusOf(fault);
    const run = async (): Promise<void> => {
      if (error && (early || !(fault && 'storePartial' in fault))) {
        // Refused in front of the upload server: nothing of the body is stored.
        await ctx.drain();
        if (!early) core.cooldowns.remember(key, kind, error, core.now());
        return tusId !== undefined
          ? sendTusError(ctx, error)
          : plain(ctx, error.status, error.message ?? 'Error');
      }
      if (link) {
        const target = core.state.links[link[2]!];
        const k = link[1] === 'picture' ? PICTURES : TEXTTRACKS;
        const id = target?.kind === link[1] ? target.id : '';
        if (k === PICTURES) {
          const rec = core.state.pictures[id];
          return rec ? receiveLinkUpload(ctx, core, PICTURES, rec) : plain(ctx, 404, 'Not Found');
        }
        const rec = core.state.texttracks[id];
        return rec ? receiveLinkUpload(ctx, core, TEXTTRACKS, rec) : plain(ctx, 404, 'Not Found');
      }
      if (tusId === undefined) return plain(ctx, 404, 'Not Found');
      // Vimeo's upload links take tus requests only (a GET got 405 in transloadit/uppy#2238).
      if (!['HEAD', 'PATCH', 'OPTIONS'].includes(method)) return plain(ctx, 405, 'Method Not Allowed');
      return tusRequest(ctx, core, host, tusId, fault, error, key);
    };
    run().catch(async (err: unknown) => {
      if (ctx.gone || res.headersSent) res.destroy();
      else
        await plain(ctx, 500, `Sandbox internal error: ${err instanceof Error ? err.message : String(err)}`);
    });
  };
}

async function tusRequest(
  ctx: Ctx,
  core: VimeoCore,
  host: TusHost,
  tusId: string,
  fault: Fault | undefined,
  error: StatusFault | undefined,
  key: string,
): Promise<void> {
  // A stalled request does not read, so it cannot see its client leave: a newer request on the upload means the
  // client gave up on it. It keeps what it stored and lets go (else @tus/server's lock would hold the newer one).
  const serving = core.serving.get(tusId);
  if (serving?.stalling) serving.abandon();
  core.serving.set(tusId, ctx);
  try {
    if (fault && 'expireSession' in fault) await host.bridge.expire(tusId);
    const { response, stored } = await passToTus(host, ctx, core, tusId, fault);
    const entry = ctx.entry as unknown as { offsetAfter?: number };
    if (stored !== undefined) entry.offsetAfter = stored;
    // storePartial with a status: the first bytes are kept, then the error (storage-testbench's return-503-after-256K).
    if (error) {
      core.cooldowns.remember(key, ctx.entry.kind, error, core.now());
      return sendTusError(ctx, error);
    }
    return sendTusResponse(ctx, response, fault);
  } finally {
    if (core.serving.get(tusId) === ctx) core.serving.delete(tusId);
  }
}
