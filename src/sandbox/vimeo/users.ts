// This file answers GET /me (and /users/{id}): the user resource with its upload_quota (api.yaml `user` schema).
import type { VimeoCore } from './core.js';
import { isoSeconds, pickFields } from './fields.js';
import { authenticate } from './oauth.js';
import { MEDIA, send, type VReq } from './request.js';
import type { UserRec } from './state.js';

const connection = (uri: string, total: number) => ({ uri, options: ['GET'], total });

/** The user as its owner sees it; upload_quota "appears only when the user … is looking at their own user record". */
export function userResource(core: VimeoCore, user: UserRec): Record<string, unknown> {
  const state = core.state;
  const count = (records: Record<string, { owner: string }>) =>
    Object.values(records).filter((r) => r.owner === user.name).length;
  const base = `/users/${user.id}`;
  return {
    uri: base,
    name: user.displayName,
    link: `${core.url}/user${user.id}`,
    account: user.account,
    created_time: isoSeconds(user.createdAt),
    bio: null,
    location: null,
    websites: [],
    pictures: null,
    resource_key: user.id,
    metadata: {
      connections: {
        albums: connection(`${base}/albums`, count(state.albums)),
        folders: connection('/me/folders', count(state.projects)),
        videos: connection(`${base}/videos`, count(state.videos)),
      },
    },
    upload_quota: core.quota(user),
  };
}

/** GET /me: the authenticated user, filtered by `fields` (`/me?fields=upload_quota`). */
export async function getMe(r: VReq): Promise<void> {
  const user = authenticate(r);
  return send(r, 200, pickFields(userResource(r.core, user), r.ctx.param('fields')), MEDIA.user);
}
