// This file starts resumable uploads of videos.insert (API-NOTES §1) and holds the header checks every insert shares.

import { ApiError } from '../errors.js';
import { type Ctx, HTML } from '../http.js';
import { parseParts, VIDEO_PARTS } from './catalog.js';
import type { Core } from './core.js';
import { ALLOW, authenticate } from './oauth.js';
import { randomId, type SessionRec } from './store.js';
import { validateVideo } from './validate.js';

/** Chunks other than the last must be multiples of 256 KiB (API-NOTES §1). */
export const CHUNK_GRANULARITY = 256 * 1024;
const MAX_VIDEO_BYTES = 256 * 1024 ** 3;

/** Checks the optional Slug (file name) and X-Upload-Content-Type headers; shared with multipart/media inserts. */
export function checkUploadHeaders(ctx: Ctx): { slug?: string; mimeType?: string } {
  let slug = ctx.header('slug');
  if (slug !== undefined) {
    try {
      slug = decodeURIComponent(slug);
    } catch {
      // Not percent-encoded: take it as it is.
    }
    if (slug.length > 255 || /[\u0000-\u001f/\\]/.test(slug)) {
      throw new ApiError(
        400,
        'invalidFilename',
        'The video filename specified in the Slug header is invalid.',
        {
          domain: 'youtube.video',
        },
      );
    }
  }
  const mimeType = ctx.header('x-upload-content-type');
  if (mimeType !== undefined) checkVideoType(mimeType);
  return { slug, mimeType };
}

export function checkVideoType(mimeType: string): void {
  if (!/^video\//i.test(mimeType) && !/^application\/octet-stream/i.test(mimeType)) {
    throw new ApiError(
      400,
      'badContent',
      `Media type '${mimeType}' is not supported. Valid media types: [video/*, application/octet-stream]`,
    );
  }
}

export function checkUploadLimit(core: Core, user: string): void {
  if (core.quota.uploadsToday(user) >= core.opts.uploadLimitPerDay) {
    throw new ApiError(
      400,
      'uploadLimitExceeded',
      'The user has exceeded the number of videos they may upload.',
    );
  }
}

/** POST /upload/youtube/v3/videos?uploadType=resumable: validates, charges quota, answers the session URI. */
export async function initiate(ctx: Ctx, core: Core): Promise<void> {
  const user = authenticate(ctx, core, ALLOW.upload);
  const parts = parseParts(ctx.query.part, VIDEO_PARTS);
  const body = await ctx.json();
  const fields = validateVideo(body ?? {}, parts, 'insert', core.now());
  const { slug, mimeType } = checkUploadHeaders(ctx);
  const declaredHeader = ctx.header('x-upload-content-length');
  let declaredTotal: number | undefined;
  if (declaredHeader !== undefined) {
    if (!/^\d+$/.test(declaredHeader.trim()))
      throw new ApiError(400, 'badRequest', 'Invalid X-Upload-Content-Length.');
    declaredTotal = Number(declaredHeader);
    if (declaredTotal > MAX_VIDEO_BYTES)
      throw new ApiError(413, 'uploadTooLarge', 'Media larger than 256 GiB.');
  }
  checkUploadLimit(core, user.name);
  core.quota.charge('videos.insert');
  const id = `ABPtcP${randomId(60)}`;
  const session: SessionRec = {
    id,
    user: user.name,
    createdAt: core.now(),
    parts,
    fields,
    slug,
    mimeType,
    declaredTotal,
    stored: 0,
    head: '',
  };
  core.store.state.sessions[id] = session;
  await core.store.save();
  const origin = core.opts.sessionOrigin ?? core.url;
  const location = `${origin}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${id}`;
  return ctx.send(200, { location, 'x-guploader-uploadid': id, ...HTML });
}
