// This file is the Vimeo emulator's admin HTTP API under /__sandbox/ on the API port (loopback only, no bearer).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { adminRequest, faultsAndRequests, reply } from '../admin.js';
import type { MintVimeoTokenOptions, TranscodeOutcome, VimeoSandbox, VimeoUserSettings } from './types.js';

/**
 * Routes: GET|POST|DELETE faults, GET|DELETE requests, POST token ({user, scopes}), GET videos/ID,
 * POST videos/ID/transcode ({outcome}), POST videos/ID/expire ({how}), GET|POST users/NAME, GET info.
 */
export function createVimeoAdmin(sandbox: () => VimeoSandbox) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const sb = sandbox();
    const parsed = await adminRequest(req, res, url);
    if (!parsed) return;
    const { method, path, head, id, tail, body } = parsed;
    if (!id && faultsAndRequests(res, method, head, body, sb)) return;
    if (head === 'token' && method === 'POST') {
      const opts = (body ?? {}) as MintVimeoTokenOptions;
      return reply(res, 200, {
        access_token: sb.mintToken(opts),
        token_type: 'bearer',
        user: opts.user ?? 'sandbox-user',
      });
    }
    if (head === 'videos' && id && !tail && method === 'GET') {
      const video = sb.video(id);
      if (!video) return reply(res, 404, { error: `no video ${id}` });
      return reply(res, 200, { video, media: sb.media(id), upload: await sb.upload(id) });
    }
    if (head === 'videos' && id && tail === 'transcode' && method === 'POST') {
      try {
        sb.setTranscodeOutcome(
          id,
          (body as { outcome?: TranscodeOutcome } | undefined)?.outcome as TranscodeOutcome,
        );
      } catch (err) {
        return reply(res, 400, { error: (err as Error).message });
      }
      return reply(res, 200, {});
    }
    if (head === 'videos' && id && tail === 'expire' && method === 'POST') {
      await sb.expireUpload(id, (body as { how?: 'expire' | 'remove' } | undefined)?.how);
      return reply(res, 200, {});
    }
    if (head === 'users' && id) {
      if (method === 'POST') sb.setUser(id, (body ?? {}) as VimeoUserSettings);
      if (method === 'POST' || method === 'GET') return reply(res, 200, { upload_quota: sb.quota(id) });
    }
    if (head === 'info' && method === 'GET')
      return reply(res, 200, { url: sb.url, uploadUrl: sb.uploadUrl, dir: sb.dir, app: sb.app });
    return reply(res, 404, { error: `unknown admin route: ${method} /__sandbox/${path}` });
  };
}
