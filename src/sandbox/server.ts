// This file routes each request to its handler, classifies it for faults, logs it and applies generic faults.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listCaptions } from './captions.js';
import type { Core } from './core.js';
import { listCategories, listChannels, listVideos, updateVideo } from './data-api.js';
import { ApiError, OAuthError } from './errors.js';
import { statusOf } from './faults.js';
import { Ctx, loggedHeaders, queryOf, redact } from './http.js';
import { insertDirect, mediaBodyRequired } from './insert.js';
import { insertCaption, setThumbnail } from './media-api.js';
import { ALLOW, authenticate, authorize, revoke, token } from './oauth.js';
import { insertPlaylist, insertPlaylistItem, listPlaylistItems, listPlaylists } from './playlists.js';
import { answerStatusFault, Cooldowns, sendStatusError } from './retry-after.js';
import { sessionRequest } from './session.js';
import type { Fault, FaultKind, RequestLogEntry } from './types.js';
import { initiate } from './upload.js';

type Handler = (ctx: Ctx, core: Core) => Promise<void>;
interface Route {
  kind: FaultKind;
  handler: Handler;
  uploadId?: string;
}

const notFound: Handler = async () => {
  throw new ApiError(404, 'notFound', 'Method not found.');
};
const insertWithoutMedia: Handler = async (ctx, core) => {
  authenticate(ctx, core, ALLOW.upload);
  throw mediaBodyRequired();
};

const DATA_API: Record<string, Partial<Record<string, Handler>>> = {
  '/youtube/v3/videos': { GET: listVideos, PUT: updateVideo, POST: insertWithoutMedia },
  '/youtube/v3/videoCategories': { GET: listCategories },
  '/youtube/v3/channels': { GET: listChannels },
  '/youtube/v3/playlists': { GET: listPlaylists, POST: insertPlaylist },
  '/youtube/v3/playlistItems': { GET: listPlaylistItems, POST: insertPlaylistItem },
};

/** Which handler, and which fault kind, a request is. Media paths also exist without the /upload prefix. */
export function route(method: string, path: string, url: URL, req: IncomingMessage): Route {
  if (path === '/o/oauth2/v2/auth' || path === '/o/oauth2/auth') return { kind: 'auth', handler: authorize };
  if (path === '/token' || path === '/o/oauth2/token' || path === '/oauth2/v4/token') {
    return { kind: 'token', handler: method === 'POST' ? token : notFound };
  }
  if (path === '/revoke' || path === '/o/oauth2/revoke') return { kind: 'revoke', handler: revoke };
  if (path === '/upload/youtube/v3/videos' || path === '/resumable/upload/youtube/v3/videos') {
    const uploadId = url.searchParams.get('upload_id');
    if (uploadId) {
      // A status query says `bytes */TOTAL`; a PUT without Content-Range carries data (an empty one finishes).
      const cr = req.headers['content-range'];
      const status = cr !== undefined && /^bytes\s+\*\//i.test(cr);
      const handler: Handler = ['PUT', 'POST', 'DELETE'].includes(method)
        ? (ctx, core) => sessionRequest(ctx, core, uploadId)
        : notFound;
      // A DELETE (a cancel) carries no data.
      return { kind: status || method === 'DELETE' ? 'upload-status' : 'upload-chunk', handler, uploadId };
    }
    if (method !== 'POST') return { kind: 'api', handler: notFound };
    if (url.searchParams.get('uploadType') === 'resumable') return { kind: 'upload-init', handler: initiate };
    return { kind: 'api', handler: insertDirect };
  }
  if (path === '/upload/youtube/v3/thumbnails/set' || path === '/youtube/v3/thumbnails/set') {
    return { kind: 'thumbnail', handler: method === 'POST' ? setThumbnail : notFound };
  }
  if (path === '/youtube/v3/captions' && method === 'GET') return { kind: 'api', handler: listCaptions };
  if (path === '/upload/youtube/v3/captions' || path === '/youtube/v3/captions') {
    return { kind: 'caption', handler: method === 'POST' ? insertCaption : notFound };
  }
  return { kind: 'api', handler: DATA_API[path]?.[method] ?? notFound };
}

/** Where a data request starts and whether it carries the last byte, for faults aimed with atOffset. */
function dataRequestInfo(req: IncomingMessage): { firstByte?: number; claimsLast?: boolean } {
  const cr = req.headers['content-range'];
  if (cr === undefined) return { firstByte: 0, claimsLast: true };
  const m = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(cr.trim());
  if (!m) return {};
  return { firstByte: Number(m[1]), claimsLast: m[3] !== '*' && Number(m[2]) + 1 === Number(m[3]) };
}

function describe(fault: Fault): string {
  const { on: _on, times: _times, ...effect } = fault;
  return JSON.stringify(effect);
}

/** The request listener for everything but /__sandbox/ (which `admin` gets). */
export function createListener(
  core: Core,
  admin: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>,
  log?: (line: string) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', core.url || 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname.startsWith('/__sandbox/')) {
      admin(req, res, url).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(err) }));
      });
      return;
    }
    const r = route(method, url.pathname, url, req);
    const query = queryOf(url);
    const entry: RequestLogEntry = {
      time: core.now(),
      method,
      path: url.pathname,
      query: redact(query),
      headers: loggedHeaders(req),
      bodyBytes: 0,
      status: 0,
      kind: r.kind,
    };
    if (r.uploadId) entry.uploadId = r.uploadId;
    core.requests.push(entry);
    const hasSession = r.uploadId !== undefined && core.store.state.sessions[r.uploadId] !== undefined;
    const noteStored = () => {
      const stored = r.uploadId ? core.store.state.sessions[r.uploadId]?.stored : undefined;
      if (stored !== undefined) entry.storedAfter = stored;
    };
    // Back before an earlier error's Retry-After has passed: that error again, and no fault is used up.
    const early = core.cooldowns.early(Cooldowns.key(r.kind, r.uploadId), core.now());
    const data = r.kind === 'upload-chunk' ? dataRequestInfo(req) : {};
    if (req.headers['content-range'] !== undefined && data.firstByte !== undefined)
      entry.firstByte = data.firstByte;
    const fault = early
      ? undefined
      : core.faults.take({ kind: r.kind, method, path: url.pathname, hasSession, ...data });
    if (fault) entry.fault = fault;
    if (early) entry.tooEarly = true;
    const ctx = new Ctx(req, res, url, query, entry, fault);
    // Google's upload servers name the upload on every answer from its session URL, errors included.
    if (r.uploadId) ctx.always['x-guploader-uploadid'] = r.uploadId;
    // An error decided from the headers alone answers a data request before its body is read (issue 28).
    const answerBeforeBody = () => {
      if (r.kind === 'upload-chunk') ctx.answerBeforeBody();
    };
    const started = Date.now();
    res.on('close', () => {
      if (!res.writableFinished) ctx.markGone();
      if (!log) return;
      const qs = new URLSearchParams(
        Object.entries(entry.query).flatMap(([k, v]) =>
          Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]],
        ),
      );
      const shown = qs.size > 0 ? `${entry.path}?${qs}` : entry.path;
      const stored = entry.storedAfter !== undefined ? ` stored=${entry.storedAfter}` : '';
      log(
        `${method} ${shown} -> ${entry.status || 'cut'} (${entry.kind}) ${entry.bodyBytes}B${stored} ${Date.now() - started}ms${fault ? ` fault=${describe(fault)}` : ''}`,
      );
    });
    const run = async () => {
      try {
        if (early) {
          noteStored();
          answerBeforeBody();
          await ctx.drain();
          return await sendStatusError(ctx, early.kind, early.error);
        }
        const error = statusOf(fault);
        if (error && fault && !('storePartial' in fault) && r.kind !== 'auth') {
          // The front end refused it: nothing of the body is stored.
          noteStored();
          answerBeforeBody();
          return await answerStatusFault(ctx, core.cooldowns, core.now, r.kind, error, r.uploadId);
        }
        await r.handler(ctx, core);
      } catch (err) {
        if (ctx.gone) return;
        await ctx.drain();
        if (err instanceof ApiError) return ctx.sendError(err);
        if (err instanceof OAuthError)
          return ctx.sendJson(err.status, err.body(), { 'cache-control': 'no-store' });
        const message = err instanceof Error ? err.message : String(err);
        return ctx.sendError(new ApiError(500, 'internalError', `Sandbox internal error: ${message}`));
      }
    };
    run().catch(() => {
      // The socket is gone; there is nobody left to answer.
      res.destroy();
    });
  };
}
