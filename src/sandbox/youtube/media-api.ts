// This file serves the small-media uploads: thumbnails.set (API-NOTES §6) and captions.insert (API-NOTES §7).
import { createHash } from 'node:crypto';
import { ApiError, requiredParameter } from '../errors.js';
import type { Ctx } from '../http.js';
import { boundaryOf, parseMultipart } from '../multipart.js';
import { CAPTION_PARTS, captionResource } from './captions.js';
import { parseParts } from './catalog.js';
import type { Core } from './core.js';
import { mediaBodyRequired } from './insert.js';
import { ALLOW, authenticate } from './oauth.js';
import { type CaptionRec, newEtag, randomId, type VideoRec } from './store.js';
import { thumbnailSet, visibleTo } from './videos.js';

/** 2 MB as the thumbnails.set seed says (⚠ a newer page says 50 MB). */
export const THUMBNAIL_LIMIT = 2 * 1024 * 1024;
const CAPTION_LIMIT = 100 * 1024 * 1024;

interface Received {
  meta?: unknown;
  size: number;
  sha256: string;
  head: Buffer;
  tooLarge: boolean;
}

/** Reads a media or multipart body as a stream: metadata part parsed, media only sized, hashed and sniffed. */
async function receive(ctx: Ctx, limit: number): Promise<Received> {
  const hash = createHash('sha256');
  const out: Received = { size: 0, sha256: '', head: Buffer.alloc(0), tooLarge: false };
  const take = (data: Buffer) => {
    out.size += data.length;
    if (out.size > limit) out.tooLarge = true;
    if (out.tooLarge) return;
    hash.update(data);
    if (out.head.length < 16) out.head = Buffer.concat([out.head, data.subarray(0, 16 - out.head.length)]);
  };
  const type = ctx.header('content-type') ?? '';
  if (ctx.param('uploadType') === 'multipart' || /^multipart\//i.test(type)) {
    const boundary = boundaryOf(type);
    if (!boundary)
      throw new ApiError(400, 'badContent', 'A multipart request needs a multipart/related boundary.');
    let index = -1;
    let meta = '';
    let metaIsJson = false;
    for await (const ev of parseMultipart(ctx.body(), boundary)) {
      if (ev.type === 'part') {
        index += 1;
        metaIsJson = index === 0 && /json/i.test(ev.headers['content-type'] ?? '');
      } else if (ev.type === 'data') {
        if (metaIsJson && index === 0) meta += ev.data.toString('utf8');
        else take(ev.data);
      }
    }
    if (metaIsJson || meta) {
      try {
        out.meta = meta.trim() ? JSON.parse(meta) : undefined;
      } catch {
        throw new ApiError(400, 'parseError', 'Parse Error');
      }
      ctx.entry.json = out.meta;
    }
  } else {
    for await (const chunk of ctx.body()) take(chunk);
  }
  out.sha256 = hash.digest('hex');
  return out;
}

/** JPEG or PNG by their magic bytes, whatever Content-Type claims. */
export function imageType(head: Buffer): string | undefined {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  return undefined;
}

function ownedVideo(core: Core, id: string, viewer: string, forbidden: string): VideoRec {
  const video = core.store.state.videos[id];
  if (!video || !visibleTo(core, video, viewer)) {
    throw new ApiError(404, 'videoNotFound', `The video cannot be found: ${id}`, { domain: 'youtube.video' });
  }
  if (video.owner !== viewer) throw new ApiError(403, 'forbidden', forbidden);
  return video;
}

/** POST /upload/youtube/v3/thumbnails/set?videoId=… (uploadType media or multipart). */
export async function setThumbnail(ctx: Ctx, core: Core): Promise<void> {
  const user = authenticate(ctx, core, ALLOW.upload);
  const videoId = ctx.param('videoId');
  if (!videoId) throw requiredParameter('videoId');
  const video = ownedVideo(core, videoId, user.name, "The thumbnail can't be set for the specified video.");
  if (!user.customThumbnails) {
    throw new ApiError(
      403,
      'forbidden',
      "The authenticated user doesn't have permissions to upload and set custom video thumbnails (the channel must be verified).",
    );
  }
  const image = await receive(ctx, THUMBNAIL_LIMIT);
  if (image.size === 0) throw mediaBodyRequired();
  if (image.tooLarge) {
    throw new ApiError(
      400,
      'invalidImage',
      `The thumbnail is larger than the 2 MB limit (${THUMBNAIL_LIMIT} bytes).`,
    );
  }
  const mimeType = imageType(image.head);
  if (!mimeType) throw new ApiError(400, 'invalidImage', 'The provided image content is invalid.');
  core.quota.charge('thumbnails.set');
  video.thumbnail = { size: image.size, sha256: image.sha256, mimeType, setAt: core.now() };
  video.etag = newEtag();
  await core.store.save();
  return ctx.sendJson(200, {
    kind: 'youtube#thumbnailSetResponse',
    etag: newEtag(),
    items: [thumbnailSet(video)],
  });
}

const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** POST /upload/youtube/v3/captions?part=snippet (multipart: snippet JSON + the caption file). */
export async function insertCaption(ctx: Ctx, core: Core): Promise<void> {
  const user = authenticate(ctx, core, ALLOW.captions);
  const parts = parseParts(ctx.query.part, CAPTION_PARTS);
  const body = await receive(ctx, CAPTION_LIMIT);
  const snippet = ((body.meta as { snippet?: unknown } | undefined)?.snippet ?? {}) as Record<
    string,
    unknown
  >;
  const bad = (reason: string, message: string) =>
    new ApiError(400, reason, message, { domain: 'youtube.caption' });
  if (typeof snippet.videoId !== 'string') throw bad('invalidMetadata', 'snippet.videoId is required.');
  const video = ownedVideo(core, snippet.videoId, user.name, 'The caption cannot be added to this video.');
  if (typeof snippet.language !== 'string' || !LANGUAGE.test(snippet.language)) {
    throw bad('invalidMetadata', 'snippet.language must be a BCP-47 language code.');
  }
  const name = typeof snippet.name === 'string' ? snippet.name : '';
  if ([...name].length > 150) throw bad('nameTooLong', 'snippet.name is longer than 150 characters.');
  if (body.size === 0)
    throw bad('contentRequired', 'The request does not contain the caption track contents.');
  if (body.tooLarge) throw new ApiError(413, 'uploadTooLarge', 'Caption files may be at most 100 MB.');
  const captions = core.store.state.captions;
  const language = snippet.language;
  if (
    Object.values(captions).some((c) => c.videoId === video.id && c.language === language && c.name === name)
  ) {
    throw new ApiError(
      409,
      'captionExists',
      'The video already has a caption track with this language and name.',
      {
        domain: 'youtube.caption',
      },
    );
  }
  core.quota.charge('captions.insert');
  const caption: CaptionRec = {
    id: `AUieDa${randomId(40)}`,
    videoId: video.id,
    language,
    name,
    isDraft: snippet.isDraft === true,
    size: body.size,
    sha256: body.sha256,
    updatedAt: core.now(),
  };
  captions[caption.id] = caption;
  await core.store.save();
  return ctx.sendJson(200, captionResource(core, caption, parts));
}
