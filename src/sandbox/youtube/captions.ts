// This file serves captions.list and builds the caption resource both it and captions.insert answer with (API-NOTES §7).

import { ApiError, requiredParameter } from '../errors.js';
import { type Ctx, listParam } from '../http.js';
import { parseParts } from './catalog.js';
import type { Core } from './core.js';
import { ALLOW, authenticate } from './oauth.js';
import { type CaptionRec, newEtag } from './store.js';
import { visibleTo } from './videos.js';

export const CAPTION_PARTS = ['id', 'snippet'];

/** A `youtube#caption` resource; every track the sandbox holds was uploaded, so trackKind is always standard. */
export function captionResource(core: Core, caption: CaptionRec, parts: string[]): Record<string, unknown> {
  const resource: Record<string, unknown> = { kind: 'youtube#caption', etag: newEtag(), id: caption.id };
  if (parts.includes('snippet')) {
    resource.snippet = {
      videoId: caption.videoId,
      lastUpdated: core.iso(caption.updatedAt),
      trackKind: 'standard',
      language: caption.language,
      name: caption.name,
      audioTrackType: 'unknown',
      isCC: false,
      isLarge: false,
      isEasyReader: false,
      isDraft: caption.isDraft,
      isAutoSynced: false,
      status: 'serving',
    };
  }
  return resource;
}

/**
 * GET /youtube/v3/captions?part=snippet&videoId=…[&id=…]: the caption tracks of one of the caller's videos
 * (50 units; youtube.force-ssl or youtubepartner). Someone else's video is 403 forbidden, an unknown one 404.
 */
export async function listCaptions(ctx: Ctx, core: Core): Promise<void> {
  const user = authenticate(ctx, core, ALLOW.captions);
  const parts = parseParts(ctx.query.part, CAPTION_PARTS);
  const videoId = ctx.param('videoId');
  if (!videoId) throw requiredParameter('videoId');
  const video = core.store.state.videos[videoId];
  if (!video || !visibleTo(core, video, user.name)) {
    throw new ApiError(404, 'videoNotFound', `The video cannot be found: ${videoId}`, {
      domain: 'youtube.caption',
    });
  }
  if (video.owner !== user.name) {
    throw new ApiError(403, 'forbidden', 'The caption tracks of this video cannot be retrieved.', {
      domain: 'youtube.caption',
    });
  }
  const ids = listParam(ctx.query, 'id');
  core.quota.charge('captions.list');
  await core.store.save();
  const items = Object.values(core.store.state.captions)
    .filter((c) => c.videoId === video.id && (ids.length === 0 || ids.includes(c.id)))
    .sort((a, b) => a.updatedAt - b.updatedAt)
    .map((c) => captionResource(core, c, parts));
  return ctx.sendJson(200, { kind: 'youtube#captionListResponse', etag: newEtag(), items });
}
