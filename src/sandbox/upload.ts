// This file is the resumable upload protocol of videos.insert: initiation, chunks, status queries (API-NOTES §1).
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { parseParts, VIDEO_PARTS } from './catalog.js';
import type { Core } from './core.js';
import { ApiError } from './errors.js';
import type { Ctx } from './http.js';
import { hashFile, type LiveMedia, MediaWriter } from './media.js';
import { ALLOW, authenticate } from './oauth.js';
import { randomId, type SessionRec } from './store.js';
import { validateVideo } from './validate.js';
import { createVideo, videoResource } from './videos.js';

/** Chunks other than the last must be multiples of 256 KiB (API-NOTES §1). */
export const CHUNK_GRANULARITY = 256 * 1024;
const MAX_VIDEO_BYTES = 256 * 1024 ** 3;

export type ContentRange =
  | { kind: 'status'; total?: number }
  | { kind: 'data'; first: number; last: number; total?: number };

// Parses 'bytes A-B/TOTAL', 'bytes A-B/*', 'bytes */TOTAL' and 'bytes */*'; undefined when malformed.
export function parseContentRange(value: string): ContentRange | undefined {
  const status = /^bytes\s+\*\/(\d+|\*)$/i.exec(value.trim());
  if (status) return { kind: 'status', total: status[1] === '*' ? undefined : Number(status[1]) };
  const data = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(value.trim());
  if (!data) return undefined;
  return {
    kind: 'data',
    first: Number(data[1]),
    last: Number(data[2]),
    total: data[3] === '*' ? undefined : Number(data[3]),
  };
}

const badRange = (message: string) =>
  new ApiError(400, 'badRequest', message, { location: 'Content-Range', locationType: 'header' });

export function sessionNotFound(): ApiError {
  return new ApiError(404, 'notFound', 'The upload session does not exist or has expired.');
}

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
  const location = `${core.url}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${id}`;
  return ctx.send(200, { location, 'x-guploader-uploadid': id });
}

/** 308 with the stored range; no Range header when nothing is stored; the X-GUploader-No-308 variant. */
function resumeIncomplete(ctx: Ctx, s: SessionRec): Promise<void> {
  ctx.entry.storedAfter = s.stored;
  const headers: Record<string, string> = { 'x-guploader-uploadid': s.id };
  if (s.stored > 0) headers.range = `bytes=0-${s.stored - 1}`;
  if ((ctx.header('x-guploader-no-308') ?? '').toLowerCase() === 'yes') {
    return ctx.send(200, { ...headers, 'x-http-status-code-override': '308' });
  }
  return ctx.send(308, headers);
}

async function forget(core: Core, s: SessionRec): Promise<void> {
  delete core.store.state.sessions[s.id];
  core.live.delete(s.id);
  if (!s.videoId && s.file) await rm(core.store.mediaPath(s.file), { force: true });
  await core.store.save();
}

/** The running hash of a session, rebuilt from the file after a restart (full storage) or lost (hash storage). */
async function liveMedia(core: Core, s: SessionRec): Promise<LiveMedia | undefined> {
  let live = core.live.get(s.id);
  if (!live && !s.hashLost) {
    if (s.stored === 0) live = { hash: createHash('sha256') };
    else if (s.file) live = { hash: await hashFile(core.store.mediaPath(s.file), s.stored) };
    else s.hashLost = true;
    if (live) core.live.set(s.id, live);
  }
  return live;
}

async function finish(ctx: Ctx, core: Core, s: SessionRec): Promise<void> {
  const live = await liveMedia(core, s);
  core.live.delete(s.id);
  const media = {
    size: s.stored,
    sha256: live ? live.hash.digest('hex') : '',
    head: s.head,
    file: s.file,
    mimeType: s.mimeType,
  };
  const video = createVideo(core, s.user, s.fields, media, s.slug);
  s.videoId = video.id;
  s.final = videoResource(core, video, s.parts, s.user);
  await core.store.save();
  ctx.entry.storedAfter = s.stored;
  return ctx.sendJson(200, s.final);
}

/** PUT or POST to the session URI: a chunk or a status query. Requests on one session run one at a time. */
export function sessionRequest(ctx: Ctx, core: Core, id: string): Promise<void> {
  ctx.entry.uploadId = id;
  return core.locks.run(id, () => sessionRequestLocked(ctx, core, id));
}

async function sessionRequestLocked(ctx: Ctx, core: Core, id: string): Promise<void> {
  const s = core.store.state.sessions[id];
  if (
    !s ||
    core.now() - s.createdAt > core.opts.sessionTtlMs ||
    (ctx.fault && 'expireSession' in ctx.fault)
  ) {
    if (s) await forget(core, s);
    throw sessionNotFound();
  }
  if (s.videoId) {
    // A finished session answers every later request with the final response again.
    await ctx.drain();
    ctx.entry.storedAfter = s.stored;
    return ctx.sendJson(200, s.final);
  }
  const lengthHeader = ctx.header('content-length');
  const length = lengthHeader === undefined ? undefined : Number(lengthHeader);
  const rangeHeader = ctx.header('content-range');
  let range: ContentRange | undefined;
  if (rangeHeader !== undefined) {
    range = parseContentRange(rangeHeader);
    if (!range) throw badRange(`Failed to parse Content-Range header: ${rangeHeader}`);
  } else if (length === 0) range = { kind: 'status' };
  const known = s.total ?? s.declaredTotal;
  if (range?.kind === 'status') {
    await ctx.drain();
    if (range.total !== undefined) {
      if (range.total < s.stored || (known !== undefined && known !== range.total)) {
        throw badRange(`The upload's total size is ${known ?? 'unknown'}, not ${range.total}.`);
      }
      s.total = range.total;
      // All bytes are there: a status query with the total completes the upload.
      if (s.stored === range.total) return finish(ctx, core, s);
    }
    return resumeIncomplete(ctx, s);
  }
  // No Content-Range: the body is the whole file from byte 0.
  const first = range ? range.first : 0;
  const expected = range ? range.last - range.first + 1 : length;
  const total = range ? range.total : length;
  if (range && range.first > range.last) throw badRange(`Invalid Content-Range: ${rangeHeader}`);
  if (range && total !== undefined && range.last >= total)
    throw badRange(`Invalid Content-Range: ${rangeHeader}`);
  if (length !== undefined && expected !== undefined && length !== expected) {
    throw badRange(`Content-Range claims ${expected} bytes but Content-Length is ${length}.`);
  }
  if (known !== undefined && ((total !== undefined && total !== known) || (range && range.last >= known))) {
    throw badRange(`The upload's total size is ${known}, not ${total ?? range?.last}.`);
  }
  const final = !range || (total !== undefined && range.last + 1 === total);
  if (!final && (expected ?? 0) % CHUNK_GRANULARITY !== 0) {
    throw new ApiError(
      400,
      'badRequest',
      `Invalid request. The number of bytes uploaded is required to be a multiple of ${CHUNK_GRANULARITY} except for the final request. The received request contained ${expected} bytes.`,
    );
  }
  if (range) ctx.entry.firstByte = first;
  if (first !== s.stored) {
    // Not contiguous with what is stored: none of its bytes are kept (API-NOTES §1).
    await ctx.drain();
    return resumeIncomplete(ctx, s);
  }
  const partial = ctx.fault && 'storePartial' in ctx.fault ? ctx.fault.storePartial : undefined;
  const live = await liveMedia(core, s);
  if (core.opts.storage === 'full') s.file ??= `${s.id}.bin`;
  const writer = await MediaWriter.open(
    s.file && core.opts.storage === 'full' ? core.store.mediaPath(s.file) : undefined,
    s.stored,
    live?.hash,
    Buffer.from(s.head, 'base64'),
  );
  let received = 0;
  let aborted = false;
  try {
    for await (const chunk of ctx.body()) {
      const room =
        Math.min(expected ?? Number.POSITIVE_INFINITY, partial ?? Number.POSITIVE_INFINITY) - received;
      if (room > 0) await writer.write(chunk.length > room ? chunk.subarray(0, room) : chunk);
      received += chunk.length;
    }
  } catch (err) {
    // The client went away mid-body: keep what arrived, answer nobody. Anything else is our failure (500).
    if (!ctx.gone) throw err;
    aborted = true;
  } finally {
    try {
      await writer.close();
    } finally {
      s.stored = writer.stored;
      s.head = writer.headBase64();
      ctx.entry.storedAfter = s.stored;
    }
  }
  if (total !== undefined) s.total = total;
  else if (!range && !aborted && ctx.cutAt === undefined) s.total = s.stored;
  await core.store.save();
  if (aborted) return;
  if (expected !== undefined && received > expected)
    throw badRange('The body is longer than Content-Range says.');
  if (s.total !== undefined && s.stored === s.total && partial === undefined && final)
    return finish(ctx, core, s);
  return resumeIncomplete(ctx, s);
}
