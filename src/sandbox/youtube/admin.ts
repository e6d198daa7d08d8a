// This file is the YouTube emulator's admin HTTP API under /__sandbox/ for out-of-process tests and `vupload sandbox`
// users (the routes every emulator has come from ../admin.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { adminRequest, faultsAndRequests, reply } from '../admin.js';
import type { MintTokenOptions, ProcessingOutcome, Sandbox, UserSettings } from './types.js';

/**
 * Routes: POST|GET|DELETE faults, GET|DELETE requests, POST token, GET videos/ID, POST videos/ID/outcome,
 * GET|POST quota, POST users/NAME, GET sessions/ID, GET info. Not bearer-protected: the server is loopback only.
 */
export function createAdmin(sandbox: () => Sandbox) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const sb = sandbox();
    const a = await adminRequest(req, res, url);
    if (!a) return;
    const { method, path, head, id, tail, body } = a;
    if (!id && faultsAndRequests(res, method, head, body, sb)) return;
    if (head === 'token' && method === 'POST')
      return reply(res, 200, sb.mintToken((body ?? {}) as MintTokenOptions));
    if (head === 'videos' && id && !tail && method === 'GET') {
      const video = sb.video(id);
      if (!video) return reply(res, 404, { error: `no video ${id}` });
      return reply(res, 200, { video, media: sb.media(id), thumbnail: sb.thumbnail(id) });
    }
    if (head === 'videos' && id && tail === 'outcome' && method === 'POST') {
      try {
        sb.setProcessingOutcome(id, body as ProcessingOutcome);
      } catch (err) {
        return reply(res, 404, { error: (err as Error).message });
      }
      return reply(res, 200, {});
    }
    if (head === 'quota') {
      if (method === 'POST') sb.setQuotaUsed(Number((body as { used?: unknown } | undefined)?.used ?? 0));
      if (method === 'POST' || method === 'GET') return reply(res, 200, { used: sb.quotaUsed() });
    }
    if (head === 'users' && id && method === 'POST') {
      sb.setUser(id, (body ?? {}) as UserSettings);
      return reply(res, 200, {});
    }
    if (head === 'sessions' && id && method === 'GET') {
      const session = sb.session(id);
      return session ? reply(res, 200, session) : reply(res, 404, { error: `no session ${id}` });
    }
    if (head === 'info' && method === 'GET') {
      return reply(res, 200, { url: sb.url, dir: sb.dir, clientSecrets: sb.clientSecrets() });
    }
    return reply(res, 404, { error: `unknown admin route: ${method} /__sandbox/${path}` });
  };
}
