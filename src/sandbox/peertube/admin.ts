// This file is the PeerTube emulator's admin HTTP API under /__sandbox/, for out-of-process tests and users of
// `vupload sandbox`: the YouTube sandbox's fault and request routes, plus users, tokens, videos and uploads.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { adminRequest, faultsAndRequests, reply } from '../admin.js';
import {
  PEERTUBE_FAULT_KINDS,
  type PeerTubeSandbox,
  type PeerTubeUserSettings,
  type TranscodingOutcome,
} from './types.js';

/**
 * Routes: GET|POST|DELETE faults, GET|DELETE requests, GET info, GET users, POST users/NAME, GET users/NAME/otp,
 * POST token, GET videos/ID, POST videos/ID/outcome, GET playlists, GET|DELETE uploads/ID. Loopback only.
 */
export function createPeerTubeAdmin(sandbox: () => PeerTubeSandbox) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const sb = sandbox();
    const a = await adminRequest(req, res, url);
    if (!a) return;
    const { method, path, head, id, tail, body } = a;
    const b = (body ?? {}) as Record<string, unknown>;
    if (!id && faultsAndRequests(res, method, head, body, sb, PEERTUBE_FAULT_KINDS)) return;
    try {
      if (head === 'info' && method === 'GET')
        return reply(res, 200, { url: sb.url, dir: sb.dir, client: sb.client, users: sb.users() });
      if (head === 'users' && !id && method === 'GET') return reply(res, 200, sb.users());
      if (head === 'users' && id && !tail && method === 'POST') {
        sb.setUser(id, b as PeerTubeUserSettings);
        return reply(
          res,
          200,
          sb.users().find((u) => u.username === id),
        );
      }
      if (head === 'users' && id && tail === 'otp' && method === 'GET')
        return reply(res, 200, { code: sb.otp(id) });
      if (head === 'token' && method === 'POST') {
        const ttl = typeof b.ttlSec === 'number' ? { ttlSec: b.ttlSec } : {};
        return reply(res, 200, sb.mintToken(typeof b.username === 'string' ? b.username : undefined, ttl));
      }
      if (head === 'videos' && id && !tail && method === 'GET') {
        const video = sb.video(id);
        if (!video) return reply(res, 404, { error: `no video ${id}` });
        const media = await sb.media(id);
        return reply(res, 200, { video, media, thumbnail: sb.thumbnail(id), captions: sb.captions(id) });
      }
      if (head === 'videos' && id && tail === 'outcome' && method === 'POST') {
        sb.setTranscodingOutcome(id, b.outcome as TranscodingOutcome);
        return reply(res, 200, {});
      }
      if (head === 'playlists' && !id && method === 'GET') return reply(res, 200, sb.playlists());
      if (head === 'uploads' && id && method === 'GET') {
        const upload = await sb.upload(id);
        return upload ? reply(res, 200, upload) : reply(res, 404, { error: `no upload ${id}` });
      }
      if (head === 'uploads' && id && method === 'DELETE') {
        await sb.expireUpload(id);
        return reply(res, 200, {});
      }
    } catch (err) {
      return reply(res, 400, { error: (err as Error).message });
    }
    return reply(res, 404, { error: `unknown admin route: ${method} /__sandbox/${path}` });
  };
}
