// This file serves the Data API's read and update calls: videos.list/update, videoCategories.list, channels.list.

import { ApiError } from '../errors.js';
import { type Ctx, listParam } from '../http.js';
import { CATEGORIES, parseParts, VIDEO_PARTS } from './catalog.js';
import type { Core } from './core.js';
import { ALLOW, authenticate } from './oauth.js';
import { newEtag, type UserRec } from './store.js';
import { validateVideo } from './validate.js';
import { applyUpdate, videoResource, visibleTo } from './videos.js';

export function noFilter(expected: string): ApiError {
  return new ApiError(400, 'missingRequiredParameter', `No filter selected. Expected one of: ${expected}`, {
    location: 'parameters.',
    locationType: 'other',
  });
}

function throwNoFilter(expected: string): never {
  throw noFilter(expected);
}

export function listResponse(
  kind: string,
  items: unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    kind,
    etag: newEtag(),
    ...extra,
    pageInfo: { totalResults: items.length, resultsPerPage: items.length },
    items,
  };
}

/** GET /youtube/v3/videos?id=…&part=…: unknown ids and others' private videos are simply absent. */
export async function listVideos(ctx: Ctx, core: Core): Promise<void> {
  const user = authenticate(ctx, core, ALLOW.read);
  const parts = parseParts(ctx.query.part, VIDEO_PARTS);
  const ids = listParam(ctx.query, 'id');
  if (ids.length === 0 && !ctx.param('chart') && !ctx.param('myRating')) throwNoFilter('chart, id, myRating');
  core.quota.charge('videos.list');
  await core.store.save();
  const items = ids
    .map((id) => core.store.state.videos[id])
    .filter((v) => v !== undefined && visibleTo(core, v, user.name))
    .map((v) => videoResource(core, v!, parts, user.name));
  return ctx.sendJson(200, listResponse('youtube#videoListResponse', items));
}

/** PUT /youtube/v3/videos?part=…: replaces the named parts (seed: youtube-videos-update.tr.txt). */
export async function updateVideo(ctx: Ctx, core: Core): Promise<void> {
  const user = authenticate(ctx, core, ALLOW.write);
  const parts = parseParts(ctx.query.part, VIDEO_PARTS);
  const body = await ctx.json();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'parseError', 'The request body must be a JSON video resource.');
  }
  const id = (body as { id?: unknown }).id;
  if (typeof id !== 'string' || id === '') {
    throw new ApiError(
      400,
      'invalidVideoMetadata',
      'The request must specify the id of the video to update.',
      {
        domain: 'youtube.video',
        location: 'body.id',
        locationType: 'other',
      },
    );
  }
  const video = core.store.state.videos[id];
  if (!video || !visibleTo(core, video, user.name)) {
    throw new ApiError(
      404,
      'videoNotFound',
      `The video that you are trying to update cannot be found: ${id}`,
    );
  }
  if (video.owner !== user.name) {
    throw new ApiError(
      403,
      'forbidden',
      'The video that you are trying to update belongs to another channel.',
    );
  }
  const fields = validateVideo(body, parts, 'update', core.now(), video.fields);
  core.quota.charge('videos.update');
  applyUpdate(core, video, fields);
  await core.store.save();
  return ctx.sendJson(200, videoResource(core, video, parts, user.name));
}

/** GET /youtube/v3/videoCategories?regionCode=US (or id=…): the US list, titles in English whatever `hl`. */
export async function listCategories(ctx: Ctx, core: Core): Promise<void> {
  authenticate(ctx, core, ALLOW.any);
  parseParts(ctx.query.part, ['snippet', 'id']);
  const ids = listParam(ctx.query, 'id');
  const region = ctx.param('regionCode');
  if (ids.length === 0 && region === undefined) throwNoFilter('id, regionCode');
  if (region !== undefined && !/^[A-Za-z]{2}$/.test(region)) {
    throw new ApiError(400, 'invalidRegionCode', `Invalid regionCode: ${region}`, {
      domain: 'youtube.parameter',
    });
  }
  core.quota.charge('videoCategories.list');
  await core.store.save();
  const items = CATEGORIES.filter(([id]) => ids.length === 0 || ids.includes(id)).map(([id, title]) => ({
    kind: 'youtube#videoCategory',
    etag: newEtag(),
    id,
    snippet: { title, assignable: true, channelId: 'UCBR8-60-B28hp2BmDPdntcQ' },
  }));
  return ctx.sendJson(200, listResponse('youtube#videoCategoryListResponse', items));
}

const CHANNEL_PARTS = [
  'id',
  'snippet',
  'contentDetails',
  'statistics',
  'status',
  'brandingSettings',
  'localizations',
];

function channelResource(core: Core, user: UserRec, parts: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: 'youtube#channel', etag: newEtag(), id: user.channelId };
  const videos = Object.values(core.store.state.videos).filter((v) => v.owner === user.name);
  const image = (size: number) => ({
    url: `https://yt3.ggpht.com/sandbox/${user.channelId}=s${size}`,
    width: size,
    height: size,
  });
  if (parts.includes('snippet')) {
    out.snippet = {
      title: user.channelTitle,
      description: '',
      customUrl: `@${user.name.replace(/[^A-Za-z0-9_.-]/g, '').toLowerCase()}`,
      publishedAt: core.iso(user.createdAt),
      thumbnails: { default: image(88), medium: image(240), high: image(800) },
      localized: { title: user.channelTitle, description: '' },
    };
  }
  if (parts.includes('contentDetails')) {
    out.contentDetails = { relatedPlaylists: { likes: 'LL', uploads: `UU${user.channelId.slice(2)}` } };
  }
  if (parts.includes('statistics')) {
    out.statistics = {
      viewCount: '0',
      subscriberCount: '0',
      hiddenSubscriberCount: false,
      videoCount: String(videos.length),
    };
  }
  if (parts.includes('status')) {
    out.status = {
      privacyStatus: 'public',
      isLinked: true,
      longUploadsStatus: 'allowed',
      madeForKids: false,
    };
  }
  return out;
}

/** GET /youtube/v3/channels?mine=true (or id=…): each sandbox user has one channel. */
export async function listChannels(ctx: Ctx, core: Core): Promise<void> {
  const user = authenticate(ctx, core, ALLOW.read);
  const parts = parseParts(ctx.query.part, CHANNEL_PARTS);
  const ids = listParam(ctx.query, 'id');
  const mine = ctx.param('mine') === 'true';
  if (!mine && ids.length === 0) throwNoFilter('categoryId, forHandle, forUsername, id, managedByMe, mine');
  core.quota.charge('channels.list');
  await core.store.save();
  const users = mine
    ? [user]
    : Object.values(core.store.state.users).filter((u) => ids.includes(u.channelId));
  return ctx.sendJson(
    200,
    listResponse(
      'youtube#channelListResponse',
      users.map((u) => channelResource(core, u, parts)),
    ),
  );
}
