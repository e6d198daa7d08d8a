// This file is the "My User" API: GET /users/me, /users/me/video-quota-used and /users/me/videos
// (server/core/controllers/api/users/me.ts), and the constant lists of GET /videos/categories & co.
import { PLAYLIST_PRIVACIES, VIDEO_CATEGORIES, VIDEO_LICENCES, VIDEO_PRIVACIES } from './constants.js';
import { invalidParams } from './errors.js';
import { meJson, videoJson } from './format.js';
import { VIDEO_LANGUAGES } from './languages.js';
import { authenticate } from './oauth.js';
import { doc, originalUrl, type PtReq, page, pagination, sendJson } from './request.js';
import type { VideoRec } from './state.js';

export async function me(r: PtReq): Promise<void> {
  const user = authenticate(r);
  return sendJson(r, 200, meJson(r.core, user));
}

/** Bytes counted so far, in total and over the last 24 hours (getOriginalVideoFileTotal[Daily]FromUser). */
export async function quotaUsed(r: PtReq): Promise<void> {
  const user = authenticate(r);
  return sendJson(r, 200, {
    videoQuotaUsed: r.core.quotaUsed(user.id, false),
    videoQuotaUsedDaily: r.core.quotaUsed(user.id, true),
  });
}

/** SORTABLE_COLUMNS.VIDEOS, ascending or with '-' descending (checkSortFactory). */
const VIDEO_SORTS = [
  'name',
  'duration',
  'createdAt',
  'publishedAt',
  'originallyPublishedAt',
  'views',
  'likes',
];

export function sortParam(r: PtReq, columns: string[], fallback: string): { key: string; desc: boolean } {
  const sort = r.ctx.param('sort') ?? fallback;
  if (!columns.flatMap((c) => [c, `-${c}`]).includes(sort)) {
    const msg = 'Should have correct sortable column';
    throw invalidParams([{ location: 'query', path: 'sort', value: sort, msg }], originalUrl(r));
  }
  return { key: sort.replace(/^-/, ''), desc: sort.startsWith('-') };
}

export function sortBy<T>(items: T[], { key, desc }: { key: string; desc: boolean }): T[] {
  const value = (x: T) => (x as Record<string, unknown>)[key] as number | string | null;
  return [...items].sort((a, b) => {
    const [x, y] = [value(a) ?? '', value(b) ?? ''];
    return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1);
  });
}

/**
 * GET /users/me/videos: every video of the user whatever its privacy or state, with `state`; `search` matches names
 * (case-insensitive), `channelId` one channel. Default order: newest published first (setDefaultVideosSort).
 */
export async function myVideos(r: PtReq): Promise<void> {
  const user = authenticate(r);
  const range = pagination(r);
  const sort = sortParam(r, VIDEO_SORTS, '-publishedAt');
  const search = r.ctx.param('search')?.toLowerCase();
  const channelId = r.ctx.param('channelId');
  const mine = Object.values(r.core.state.videos).filter(
    (v: VideoRec) =>
      v.userId === user.id &&
      (search === undefined || v.name.toLowerCase().includes(search)) &&
      (channelId === undefined || String(v.channelId) === channelId),
  );
  const { total, data } = page(sortBy(mine, sort), range);
  return sendJson(r, 200, { total, data: data.map((v) => videoJson(r.core, v, 'mine')) });
}

const list = (operationId: string, table: Readonly<Record<string, string>>) => async (r: PtReq) => {
  if (operationId) doc(r, operationId);
  return sendJson(r, 200, table);
};

/** The constants as PeerTube answers them: objects keyed by id (the OpenAPI file says arrays; the server does not). */
export const listCategories = list('getCategories', VIDEO_CATEGORIES);
export const listLicences = list('getLicences', VIDEO_LICENCES);
export const listLanguages = list('getLanguages', VIDEO_LANGUAGES);
export const listPrivacies = list('getPrivacies', VIDEO_PRIVACIES);
export const listPlaylistPrivacies = list('', PLAYLIST_PRIVACIES);
