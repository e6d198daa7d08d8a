// This file maps API requests to handlers and fault kinds; /users/{id}/… is the same as /me/… for that user.
import { ALBUMS } from './albums.js';
import {
  type AttachmentKind,
  type AttachmentRec,
  createAttachment,
  deleteAttachment,
  getAttachment,
  listAttachments,
  patchAttachment,
} from './attachments.js';
import {
  addManyToCollection,
  addToCollection,
  type CollectionKind,
  type CollectionRec,
  collectionVideo,
  collectionVideos,
  createCollection,
  deleteCollection,
  getCollection,
  listCollections,
  patchCollection,
  removeFromCollection,
} from './collections.js';
import { forbidden, notFound } from './errors.js';
import { accessToken, authenticate, authorize, clientCredentials, revoke, verify } from './oauth.js';
import { PICTURES } from './pictures.js';
import { PROJECTS } from './projects.js';
import { send, type VReq } from './request.js';
import { TEXTTRACKS } from './texttracks.js';
import type { VimeoFaultKind } from './types.js';
import { getMe } from './users.js';
import {
  createVideo,
  deleteVideo,
  findVideo,
  getVideo,
  listVideos,
  patchVideo,
  videoResource,
} from './videos.js';
import { watchPage } from './watch.js';

type Handler = (r: VReq) => Promise<void>;
type Route = [method: string, pattern: RegExp, kind: VimeoFaultKind, handler: Handler];

const ID = '(\\d+)';
const re = (path: string) => new RegExp(`^${path}/?$`);

/** GET /me/videos/{id}: 200 with the video when the user owns it, else 404 (api.yaml check_if_user_owns_video). */
const ownsVideo: Handler = async (r) => {
  const user = authenticate(r);
  const v = findVideo(r, r.params[0]!);
  if (v.owner !== user.name) throw notFound('video');
  return send(r, 200, videoResource(r.core, v));
};

const ROUTES: Route[] = [
  ['GET', re('/oauth/authorize'), 'auth', authorize],
  ['POST', re('/oauth/access_token'), 'token', accessToken],
  ['POST', re('/oauth/authorize/client'), 'token', clientCredentials],
  ['GET', re('/oauth/verify'), 'api', verify],
  ['DELETE', re('/tokens'), 'revoke', revoke],
  ['GET', re('/me'), 'api', getMe],
  ['GET', re('/me/videos'), 'api', listVideos],
  ['POST', re('/me/videos'), 'upload-init', createVideo],
  ['GET', re(`/me/videos/${ID}`), 'api', ownsVideo],
  ['GET', re(`/videos/${ID}`), 'api', getVideo],
  ['PATCH', re(`/videos/${ID}`), 'api', patchVideo],
  ['DELETE', re(`/videos/${ID}`), 'api', deleteVideo],
];

function attachmentRoutes<R extends AttachmentRec>(k: AttachmentKind<R>): Route[] {
  const base = `/videos/${ID}/${k.segment}`;
  return [
    ['GET', re(base), 'api', (r) => listAttachments(r, k)],
    ['POST', re(base), 'api', (r) => createAttachment(r, k)],
    ['GET', re(`${base}/${ID}`), 'api', (r) => getAttachment(r, k)],
    ['PATCH', re(`${base}/${ID}`), 'api', (r) => patchAttachment(r, k)],
    ['DELETE', re(`${base}/${ID}`), 'api', (r) => deleteAttachment(r, k)],
  ];
}

function collectionRoutes<R extends CollectionRec>(k: CollectionKind<R>, segments: string): Route[] {
  const base = `/me/${segments}`;
  return [
    ['GET', re(base), 'api', (r) => listCollections(r, k)],
    ['POST', re(base), 'api', (r) => createCollection(r, k)],
    ['GET', re(`${base}/${ID}`), 'api', (r) => getCollection(r, k)],
    ['PATCH', re(`${base}/${ID}`), 'api', (r) => patchCollection(r, k)],
    ['DELETE', re(`${base}/${ID}`), 'api', (r) => deleteCollection(r, k)],
    ['GET', re(`${base}/${ID}/videos`), 'api', (r) => collectionVideos(r, k)],
    ['PUT', re(`${base}/${ID}/videos`), 'api', (r) => addManyToCollection(r, k)],
    ['GET', re(`${base}/${ID}/videos/${ID}`), 'api', (r) => collectionVideo(r, k)],
    ['PUT', re(`${base}/${ID}/videos/${ID}`), 'api', (r) => addToCollection(r, k)],
    ['DELETE', re(`${base}/${ID}/videos/${ID}`), 'api', (r) => removeFromCollection(r, k)],
  ];
}

ROUTES.push(
  ...attachmentRoutes(PICTURES),
  ...attachmentRoutes(TEXTTRACKS),
  // Folders were called projects; the user resource names /me/folders.
  ...collectionRoutes(PROJECTS, '(?:projects|folders)'),
  ...collectionRoutes(ALBUMS, 'albums'),
);

const unknown: Handler = async () => {
  throw notFound('page');
};

export interface Matched {
  kind: VimeoFaultKind;
  handler: Handler;
  params: string[];
}

/** The route of a request; `/users/{id}/x` runs `/me/x` once the token's user is known to be that one. */
export function route(method: string, path: string): Matched {
  const other = /^\/users\/(\d+)(\/.*)?$/.exec(path);
  const local = other ? `/me${other[2] ?? ''}` : path;
  for (const [m, pattern, kind, handler] of ROUTES) {
    const hit = m === method ? pattern.exec(local) : null;
    if (!hit) continue;
    const guarded: Handler = other
      ? async (r) => {
          if (authenticate(r).id !== other[1]) throw forbidden('You can\u2019t view another user.');
          return handler(r);
        }
      : handler;
    return { kind, handler: guarded, params: hit.slice(1) };
  }
  if (method === 'GET' && /^\/\d+(\/[0-9a-f]+)?$/.test(path))
    return { kind: 'api', handler: watchPage, params: [] };
  return { kind: 'api', handler: unknown, params: [] };
}
