// This file routes PeerTube requests, classifies them for faults (the YouTube sandbox's vocabulary), logs them,
// answers scripted errors before PeerTube would see the request, and renders PeerTube's errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';
import { statusOf } from '../faults.js';
import { type AdminHandler, createEmulatorListener, startRequest } from '../listener.js';
import type { FaultKind } from '../types.js';
import { deleteCaption, listCaptions, putCaption } from './captions.js';
import type { PtCore } from './core.js';
import { PtError } from './errors.js';
import { answerInjected, injectedError } from './injected.js';
import { localClient, revokeToken, token } from './oauth.js';
import {
  addToPlaylist,
  channelPlaylists,
  createPlaylist,
  getChannel,
  getPlaylist,
  playlistVideos,
} from './playlists.js';
import { type PtHandler, type PtReq, sendProblem } from './request.js';
import { initUpload } from './upload-init.js';
import { sessionRequest, uploadIdOf } from './upload-session.js';
import {
  listCategories,
  listLanguages,
  listLicences,
  listPlaylistPrivacies,
  listPrivacies,
  me,
  myVideos,
  quotaUsed,
} from './users.js';
import { deleteVideo, getSource, getVideo, updateVideo } from './videos.js';

type Route = [method: string, pattern: string, handler: PtHandler, kind?: FaultKind];

const UPLOAD = '/api/v1/videos/upload-resumable';

/** In PeerTube's router order where it matters (fixed paths before /videos/:id). */
const ROUTES: Route[] = [
  ['GET', '/api/v1/oauth-clients/local', localClient],
  ['POST', '/api/v1/users/token', token, 'token'],
  ['POST', '/api/v1/users/revoke-token', revokeToken, 'revoke'],
  ['GET', '/api/v1/users/me', me],
  ['GET', '/api/v1/users/me/video-quota-used', quotaUsed],
  ['GET', '/api/v1/users/me/videos', myVideos],
  ['POST', UPLOAD, initUpload, 'upload-init'],
  ['PUT', UPLOAD, sessionRequest],
  ['DELETE', UPLOAD, sessionRequest],
  ['GET', '/api/v1/videos/categories', listCategories],
  ['GET', '/api/v1/videos/licences', listLicences],
  ['GET', '/api/v1/videos/languages', listLanguages],
  ['GET', '/api/v1/videos/privacies', listPrivacies],
  ['GET', '/api/v1/videos/:videoId/captions', listCaptions],
  ['PUT', '/api/v1/videos/:videoId/captions/:captionLanguage', putCaption, 'caption'],
  ['DELETE', '/api/v1/videos/:videoId/captions/:captionLanguage', deleteCaption],
  ['GET', '/api/v1/videos/:id/source', getSource],
  ['GET', '/api/v1/videos/:id', getVideo],
  ['PUT', '/api/v1/videos/:id', updateVideo],
  ['DELETE', '/api/v1/videos/:id', deleteVideo],
  ['GET', '/api/v1/video-channels/:handle', getChannel],
  ['GET', '/api/v1/video-channels/:handle/video-playlists', channelPlaylists],
  ['GET', '/api/v1/video-playlists/privacies', listPlaylistPrivacies],
  ['POST', '/api/v1/video-playlists', createPlaylist],
  ['GET', '/api/v1/video-playlists/:playlistId', getPlaylist],
  ['GET', '/api/v1/video-playlists/:playlistId/videos', playlistVideos],
  ['POST', '/api/v1/video-playlists/:playlistId/videos', addToPlaylist],
];

function match(
  method: string,
  path: string,
): { handler: PtHandler; kind?: FaultKind; params: Record<string, string> } | undefined {
  const parts = path.replace(/\/$/, '').split('/');
  for (const [m, pattern, handler, kind] of ROUTES) {
    const want = pattern.split('/');
    if (m !== method || want.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const fits = want.every((w, i) => {
      if (!w.startsWith(':')) return w === parts[i];
      params[w.slice(1)] = decodeSegment(parts[i]!);
      return parts[i] !== '';
    });
    if (fits) return { handler, kind, params };
  }
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// The kind of an upload-resumable PUT: a status query (`bytes */N`, or an empty body without range) or data.
function uploadKind(req: IncomingMessage): FaultKind {
  const range = req.headers['content-range'];
  const query = range === undefined ? req.headers['content-length'] === '0' : /^bytes\s+\*\//i.test(range);
  return query ? 'upload-status' : 'upload-chunk';
}

export function createPeerTubeListener(
  core: PtCore,
  admin: AdminHandler,
  log?: (line: string) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return createEmulatorListener(core, admin, (req, res, url, method) => {
    const found = match(method, url.pathname);
    const uploadId = url.pathname === UPLOAD && method !== 'POST' ? uploadIdOf(url) : undefined;
    const kind: FaultKind =
      method === 'PUT' && url.pathname === UPLOAD ? uploadKind(req) : (found?.kind ?? 'api');
    // A request naming an upload targets a session (expireSession waits for one); uploadx knows if it still exists.
    const session = { uploadId, exists: uploadId !== undefined };
    const { ctx, fault, early } = startRequest(core, req, res, url, kind, session, log);
    const r: PtReq = { ctx, core, params: found?.params ?? {}, fault };
    const run = async () => {
      try {
        if (early) {
          await ctx.drain();
          return await sendProblem(r, injectedError(early.error));
        }
        const error = statusOf(fault);
        if (error && fault && !('storePartial' in fault))
          return await answerInjected(r, kind, error, uploadId);
        if (found) return await found.handler(r);
        await ctx.drain();
        if (method === 'OPTIONS' && url.pathname.startsWith('/api/'))
          return await ctx.send(204, CORS_PREFLIGHT);
        // PeerTube's apiRouter ends with `badRequest`: 400, an empty JSON answer (controllers/api/index.ts).
        if (url.pathname.startsWith('/api/'))
          return await ctx.send(400, { 'content-type': 'application/json; charset=utf-8' });
        return await ctx.send(
          404,
          { 'content-type': 'text/plain; charset=utf-8' },
          'Not found: the PeerTube sandbox emulates /api/v1 only.\n',
        );
      } catch (err) {
        if (ctx.gone) return;
        await ctx.drain();
        if (err instanceof PtError) return sendProblem(r, err);
        if (err instanceof ApiError) return sendProblem(r, new PtError(err.status, err.message));
        // PeerTube's last error handler: 500 with the error's message and name.
        const e = err instanceof Error ? err : new Error(String(err));
        return sendProblem(r, new PtError(500, `Sandbox internal error: ${e.message}`, { type: e.name }));
      }
    };
    run().catch(() => res.destroy());
  });
}

/** cors({ origin: '*', exposedHeaders: 'Retry-After', credentials: true }) answering a preflight. */
const CORS_PREFLIGHT = {
  'access-control-allow-origin': '*',
  'access-control-allow-credentials': 'true',
  'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE',
};
