// This file is videos.insert without sessions: uploadType=multipart (metadata + media) and uploadType=media.
import { createHash, type Hash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { ApiError } from '../errors.js';
import type { Ctx } from '../http.js';
import { MediaWriter } from '../media.js';
import { boundaryOf, parseMultipart } from '../multipart.js';
import { parseParts, VIDEO_PARTS } from './catalog.js';
import type { Core } from './core.js';
import { ALLOW, authenticate } from './oauth.js';
import { randomId } from './store.js';
import { checkUploadHeaders, checkUploadLimit, checkVideoType } from './upload.js';
import { type VideoFields, validateVideo } from './validate.js';
import { createVideo, videoResource } from './videos.js';

export function mediaBodyRequired(): ApiError {
  return new ApiError(400, 'mediaBodyRequired', 'The request does not include the media content.');
}

/** Streams media into a new file (full storage) or only a hash; removes the file again if the upload fails. */
class Target {
  private constructor(
    private readonly core: Core,
    readonly writer: MediaWriter,
    readonly hash: Hash,
    readonly file: string | undefined,
  ) {}

  static async create(core: Core): Promise<Target> {
    const file = core.opts.storage === 'full' ? `${randomId(24)}.bin` : undefined;
    const hash = createHash('sha256');
    const writer = await MediaWriter.open(
      file ? core.store.mediaPath(file) : undefined,
      0,
      hash,
      Buffer.alloc(0),
    );
    return new Target(core, writer, hash, file);
  }

  async discard(): Promise<void> {
    await this.writer.close();
    if (this.file) await rm(this.core.store.mediaPath(this.file), { force: true });
  }
}

/**
 * multipart/related: the first part is the JSON video resource, checked (and quota charged) before any media
 * byte is stored; the second part is the media, streamed into a Target.
 */
async function receiveMultipart(
  ctx: Ctx,
  core: Core,
  parts: string[],
  admit: (fields: VideoFields) => void,
): Promise<Target | undefined> {
  const boundary = boundaryOf(ctx.header('content-type'));
  if (!boundary)
    throw new ApiError(400, 'badContent', 'A multipart request needs a multipart/related boundary.');
  let index = -1;
  const meta: Buffer[] = [];
  let metaBytes = 0;
  let target: Target | undefined;
  try {
    for await (const ev of parseMultipart(ctx.body(), boundary)) {
      if (ev.type === 'part') {
        index += 1;
        if (index > 1) throw new ApiError(400, 'badContent', 'Too many parts in the multipart body.');
        if (index === 1) {
          try {
            ctx.entry.json = JSON.parse(Buffer.concat(meta).toString('utf8'));
          } catch {
            throw new ApiError(400, 'parseError', 'Parse Error');
          }
          admit(validateVideo(ctx.entry.json, parts, 'insert', core.now()));
          checkVideoType(ev.headers['content-type'] ?? 'application/octet-stream');
          target = await Target.create(core);
        }
      } else if (ev.type === 'data' && index === 0) {
        metaBytes += ev.data.length;
        if (metaBytes > 1 << 20) throw new ApiError(413, 'uploadTooLarge', 'Metadata too large.');
        meta.push(ev.data);
      } else if (ev.type === 'data' && target) await target.writer.write(ev.data);
    }
  } catch (err) {
    await target?.discard();
    throw err;
  }
  return target;
}

/** POST /upload/youtube/v3/videos?uploadType=multipart|media: one request, no resume. */
export async function insertDirect(ctx: Ctx, core: Core): Promise<void> {
  const user = authenticate(ctx, core, ALLOW.upload);
  const parts = parseParts(ctx.query.part, VIDEO_PARTS);
  const { slug } = checkUploadHeaders(ctx);
  const multipart = ctx.param('uploadType') === 'multipart';
  let fields: VideoFields | undefined;
  let target: Target | undefined;
  const admit = (f: VideoFields) => {
    checkUploadLimit(core, user.name);
    core.quota.charge('videos.insert');
    fields = f;
  };
  let ok = false;
  try {
    if (multipart) {
      target = await receiveMultipart(ctx, core, parts, admit);
    } else {
      const type = ctx.header('content-type');
      if (type) checkVideoType(type);
      // Without metadata YouTube names the video after the file.
      admit({
        snippet: { title: (slug ?? 'unknown').replace(/\.[^.]*$/, '') || 'unknown', categoryId: '22' },
        status: {},
      });
      target = await Target.create(core);
      for await (const chunk of ctx.body()) await target.writer.write(chunk);
      const length = ctx.header('content-length');
      if (length !== undefined && Number(length) !== target.writer.stored) {
        throw new ApiError(400, 'badContent', 'The media body ended early.');
      }
    }
    if (!target || !fields || target.writer.stored === 0) throw mediaBodyRequired();
    const head = target.writer.headBase64();
    const size = target.writer.stored;
    await target.writer.close();
    const media = { size, sha256: target.hash.digest('hex'), head, file: target.file };
    const video = createVideo(core, user.name, fields, media, slug);
    await core.store.save();
    ok = true;
    return await ctx.sendJson(200, videoResource(core, video, parts, user.name));
  } finally {
    if (!ok) await target?.discard();
  }
}
