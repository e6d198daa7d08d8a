// This file routes each request to its handler, classifies it for faults, logs it and applies generic faults.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, OAuthError } from '../errors.js';
import { statusOf } from '../faults.js';
import type { Ctx } from '../http.js';
import { type AdminHandler, createEmulatorListener, startRequest } from '../listener.js';
import { answerStatusFault, sendStatusError } from '../retry-after.js';
import { listCaptions } from './captions.js';
import type { Core } from './core.js';
import { listCategories, listChannels, listVideos, updateVideo } from './data-api.js';
import { insertDirect, mediaBodyRequired } from './insert.js';
import { insertCaption, setThumbnail } from './media-api.js';
import { ALLOW, authenticate, authorize, revoke, token } from './oauth.js';
import { insertPlaylist, insertPlaylistItem, listPlaylistItems, listPlaylists } from './playlists.js';
import { sessionRequest } from './session.js';
import type { FaultKind } from './types.js';
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

/** The request listener for everything but /__sandbox/ (which `admin` gets). */
export function createListener(
  core: Core,
  admin: AdminHandler,
  log?: (line: string) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return createEmulatorListener(core, admin, (req, res, url, method) => {
    const r = route(method, url.pathname, url, req);
    const exists = r.uploadId !== undefined && core.store.state.sessions[r.uploadId] !== undefined;
    const { ctx, entry, fault, early } = startRequest(
      core,
      req,
      res,
      url,
      r.kind,
      { uploadId: r.uploadId, exists },
      log,
    );
    // Google's upload servers name the upload on every answer from its session URL, errors included.
    if (r.uploadId) ctx.always['x-guploader-uploadid'] = r.uploadId;
    // An error decided from the headers alone answers a data request before its body is read (issue 28).
    const answerBeforeBody = () => {
      if (r.kind === 'upload-chunk') ctx.answerBeforeBody();
    };
    const noteStored = () => {
      const stored = r.uploadId ? core.store.state.sessions[r.uploadId]?.stored : undefined;
      if (stored !== undefined) entry.storedAfter = stored;
    };
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
  });
}
