// This file serves playlists.list/insert and playlistItems.list/insert (API-NOTES §7).

import { ApiError } from '../errors.js';
import { type Ctx, listParam } from '../http.js';
import { PRIVACY, parseParts } from './catalog.js';
import type { Core } from './core.js';
import { noFilter } from './data-api.js';
import { ALLOW, authenticate } from './oauth.js';
import { newEtag, type PlaylistItemRec, type PlaylistRec, randomId } from './store.js';
import { videoResource, visibleTo } from './videos.js';

const PLAYLIST_PARTS = ['id', 'snippet', 'status', 'contentDetails', 'player', 'localizations'];
const ITEM_PARTS = ['id', 'snippet', 'contentDetails', 'status'];
const MAX_ITEMS = 5000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** maxResults (default 5, at most 50) and pageToken paging, as the list methods do. */
function paged(ctx: Ctx, kind: string, all: unknown[]): Record<string, unknown> {
  const max = Number(ctx.param('maxResults') ?? '5');
  if (!Number.isInteger(max) || max < 0 || max > 50) {
    throw new ApiError(400, 'invalidParameter', 'maxResults must be between 0 and 50.', {
      location: 'maxResults',
      locationType: 'parameter',
    });
  }
  const token = ctx.param('pageToken');
  const start = token
    ? Number.parseInt(Buffer.from(token, 'base64url').toString().replace('page:', ''), 10)
    : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new ApiError(400, 'invalidPageToken', 'The pageToken is invalid.');
  const items = all.slice(start, start + max);
  const next =
    start + max < all.length ? Buffer.from(`page:${start + max}`).toString('base64url') : undefined;
  return {
    kind,
    etag: newEtag(),
    ...(next ? { nextPageToken: next } : {}),
    pageInfo: { totalResults: all.length, resultsPerPage: max },
    items,
  };
}

function playlistResource(core: Core, p: PlaylistRec, parts: string[]): Record<string, unknown> {
  const owner = core.user(p.owner);
  const out: Record<string, unknown> = { kind: 'youtube#playlist', etag: p.etag, id: p.id };
  if (parts.includes('snippet')) {
    out.snippet = {
      publishedAt: core.iso(p.createdAt),
      channelId: owner.channelId,
      title: p.title,
      description: p.description,
      thumbnails: {},
      channelTitle: owner.channelTitle,
      ...(p.defaultLanguage ? { defaultLanguage: p.defaultLanguage } : {}),
      localized: { title: p.title, description: p.description },
    };
  }
  if (parts.includes('status')) out.status = { privacyStatus: p.privacyStatus };
  if (parts.includes('contentDetails')) out.contentDetails = { itemCount: p.items.length };
  if (parts.includes('player')) {
    out.player = { embedHtml: `<iframe src="//www.youtube.com/embed/videoseries?list=${p.id}"></iframe>` };
  }
  return out;
}

const visiblePlaylist = (p: PlaylistRec, viewer: string) =>
  p.owner === viewer || p.privacyStatus !== 'private';

/** GET /youtube/v3/playlists?mine=true | id=… | channelId=… (newest first). */
export async function listPlaylists(ctx: Ctx, core: Core): Promise<void> {
  const user = authenticate(ctx, core, ALLOW.read);
  const parts = parseParts(ctx.query.part, PLAYLIST_PARTS);
  const ids = listParam(ctx.query, 'id');
  const mine = ctx.param('mine') === 'true';
  const channelId = ctx.param('channelId');
  if (!mine && ids.length === 0 && !channelId) throw noFilter('channelId, id, mine');
  core.quota.charge('playlists.list');
  await core.store.save();
  const all = Object.values(core.store.state.playlists)
    .filter((p) => (mine ? p.owner === user.name : true))
    .filter((p) => ids.length === 0 || ids.includes(p.id))
    .filter((p) => !channelId || core.user(p.owner).channelId === channelId)
    .filter((p) => visiblePlaylist(p, user.name))
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((p) => playlistResource(core, p, parts));
  return ctx.sendJson(200, paged(ctx, 'youtube#playlistListResponse', all));
}

/** POST /youtube/v3/playlists?part=snippet,status. */
export async function insertPlaylist(ctx: Ctx, core: Core): Promise<void> {
  const user = authenticate(ctx, core, ALLOW.write);
  const parts = parseParts(ctx.query.part, PLAYLIST_PARTS);
  const body = await ctx.json();
  const snippet = isObject(body) && isObject(body.snippet) ? body.snippet : {};
  const status = isObject(body) && isObject(body.status) ? body.status : {};
  const title = snippet.title;
  if (typeof title !== 'string' || title.trim() === '') {
    throw new ApiError(400, 'playlistTitleRequired', 'The request must specify a playlist title.', {
      domain: 'youtube.playlist',
    });
  }
  if ([...title].length > 150 || /[<>]/.test(title)) {
    throw new ApiError(400, 'invalidPlaylistSnippet', 'The request provides an invalid playlist snippet.', {
      domain: 'youtube.playlist',
    });
  }
  const privacy = status.privacyStatus ?? 'public';
  if (typeof privacy !== 'string' || !PRIVACY.includes(privacy)) {
    throw new ApiError(400, 'invalidPlaylistSnippet', `Invalid privacyStatus: ${String(privacy)}`, {
      domain: 'youtube.playlist',
    });
  }
  core.quota.charge('playlists.insert');
  const playlist: PlaylistRec = {
    id: `PL${randomId(32)}`,
    owner: user.name,
    etag: newEtag(),
    createdAt: core.now(),
    title,
    description: typeof snippet.description === 'string' ? snippet.description : '',
    privacyStatus: privacy,
    defaultLanguage: typeof snippet.defaultLanguage === 'string' ? snippet.defaultLanguage : undefined,
    items: [],
  };
  core.store.state.playlists[playlist.id] = playlist;
  await core.store.save();
  return ctx.sendJson(200, playlistResource(core, playlist, parts));
}

function itemResource(
  core: Core,
  p: PlaylistRec,
  item: PlaylistItemRec,
  parts: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: 'youtube#playlistItem', etag: newEtag(), id: item.id };
  const video = core.store.state.videos[item.videoId];
  const vr = video ? videoResource(core, video, ['snippet', 'status'], p.owner) : {};
  const vs = (vr.snippet ?? {}) as Record<string, unknown>;
  if (parts.includes('snippet')) {
    out.snippet = {
      publishedAt: core.iso(item.addedAt),
      channelId: core.user(p.owner).channelId,
      title: vs.title ?? 'Deleted video',
      description: vs.description ?? '',
      thumbnails: vs.thumbnails ?? {},
      channelTitle: core.user(p.owner).channelTitle,
      playlistId: p.id,
      position: p.items.indexOf(item),
      resourceId: { kind: 'youtube#video', videoId: item.videoId },
      ...(video ? { videoOwnerChannelTitle: vs.channelTitle, videoOwnerChannelId: vs.channelId } : {}),
    };
  }
  if (parts.includes('contentDetails')) {
    out.contentDetails = { videoId: item.videoId, ...(video ? { videoPublishedAt: vs.publishedAt } : {}) };
  }
  if (parts.includes('status'))
    out.status = { privacyStatus: (vr.status as { privacyStatus?: string })?.privacyStatus ?? 'private' };
  return out;
}

function findPlaylist(core: Core, id: unknown, viewer: string): PlaylistRec {
  const p = typeof id === 'string' ? core.store.state.playlists[id] : undefined;
  if (!p || !visiblePlaylist(p, viewer)) {
    throw new ApiError(
      404,
      'playlistNotFound',
      `The playlist identified with the request's playlistId cannot be found: ${String(id)}`,
    );
  }
  return p;
}

/** POST /youtube/v3/playlistItems?part=snippet: adds a video at `position` (default: the end). */
export async function insertPlaylistItem(ctx: Ctx, core: Core): Promise<void> {
  const user = authenticate(ctx, core, ALLOW.write);
  const parts = parseParts(ctx.query.part, ITEM_PARTS);
  const body = await ctx.json();
  const snippet = isObject(body) && isObject(body.snippet) ? body.snippet : {};
  if (snippet.playlistId === undefined) {
    throw new ApiError(400, 'playlistIdRequired', 'The request must specify snippet.playlistId.', {
      domain: 'youtube.playlistItem',
    });
  }
  const playlist = findPlaylist(core, snippet.playlistId, user.name);
  if (playlist.owner !== user.name) {
    throw new ApiError(
      403,
      'playlistItemsNotAccessible',
      'The request is not authorized to modify this playlist.',
      {
        domain: 'youtube.playlistItem',
      },
    );
  }
  const resource = isObject(snippet.resourceId) ? snippet.resourceId : undefined;
  if (resource?.kind !== 'youtube#video' || typeof resource.videoId !== 'string') {
    throw new ApiError(
      400,
      'resourceIdRequired',
      'snippet.resourceId must be {kind: "youtube#video", videoId}.',
      {
        domain: 'youtube.playlistItem',
      },
    );
  }
  const video = core.store.state.videos[resource.videoId];
  if (!video || !visibleTo(core, video, user.name)) {
    throw new ApiError(404, 'videoNotFound', `The video cannot be found: ${resource.videoId}`, {
      domain: 'youtube.playlistItem',
    });
  }
  if (playlist.items.length >= MAX_ITEMS) {
    throw new ApiError(
      403,
      'playlistContainsMaximumNumberOfVideos',
      'The playlist already contains the maximum number of items.',
      {
        domain: 'youtube.playlistItem',
      },
    );
  }
  const position = snippet.position ?? playlist.items.length;
  if (
    !Number.isInteger(position) ||
    (position as number) < 0 ||
    (position as number) > playlist.items.length
  ) {
    throw new ApiError(400, 'invalidPlaylistItemPosition', 'The position is invalid.', {
      domain: 'youtube.playlistItem',
    });
  }
  core.quota.charge('playlistItems.insert');
  const item: PlaylistItemRec = { id: randomId(48), videoId: video.id, addedAt: core.now() };
  playlist.items.splice(position as number, 0, item);
  playlist.etag = newEtag();
  await core.store.save();
  return ctx.sendJson(200, itemResource(core, playlist, item, parts));
}

/**
 * GET /youtube/v3/playlistItems?playlistId=…[&videoId=…]: the items in playlist order; `videoId` keeps only the items
 * holding that video (the optional filter of playlistItems.list, used to ask "is it in there already?").
 */
export async function listPlaylistItems(ctx: Ctx, core: Core): Promise<void> {
  const user = authenticate(ctx, core, ALLOW.read);
  const parts = parseParts(ctx.query.part, ITEM_PARTS);
  const playlistId = ctx.param('playlistId');
  if (!playlistId) throw noFilter('id, playlistId');
  const videoId = ctx.param('videoId');
  const playlist = findPlaylist(core, playlistId, user.name);
  core.quota.charge('playlistItems.list');
  await core.store.save();
  const all = playlist.items
    .filter((item) => videoId === undefined || item.videoId === videoId)
    .map((item) => itemResource(core, playlist, item, parts));
  return ctx.sendJson(200, paged(ctx, 'youtube#playlistItemListResponse', all));
}
