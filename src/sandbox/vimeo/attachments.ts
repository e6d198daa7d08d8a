// This file is what thumbnails (pictures) and text tracks share: create with an upload link, PUT the file to the link
// on the upload host, activate with PATCH, list, get, delete (api.yaml Videos\Thumbnails and Videos\Text Tracks;
// the order of steps as vimeo.py's upload_picture / upload_texttrack and vimeo.php's uploadImage do them).
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { writePrivateFile } from '../../fsutil.js';
import type { Ctx } from '../http.js';
import type { VimeoCore } from './core.js';
import { invalidParameters, VimeoError } from './errors.js';
import { pageParams, paginate, pickFields } from './fields.js';
import { authenticate } from './oauth.js';
import { bool, type Json, noContent, readBody, send, type VReq } from './request.js';
import { hex, numericId, type PictureRec, type TextTrackRec, type VideoRec } from './state.js';
import { findVideo } from './videos.js';

export type AttachmentRec = PictureRec | TextTrackRec;
type Rec = AttachmentRec;

export interface AttachmentKind<R extends Rec> {
  kind: 'picture' | 'texttrack';
  segment: 'pictures' | 'texttracks';
  media: string;
  records(core: VimeoCore): Record<string, R>;
  resource(core: VimeoCore, rec: R, withLink: boolean): Json;
  /** Validates the POST body and builds the record's own fields. */
  fields(body: Json): Omit<R, keyof Rec> | [string, string][];
  /** Activating `rec` deactivates the others in the same slot (one thumbnail; one track per language and type). */
  sameSlot(a: R, b: R): boolean;
  /** The file's media type, or undefined when the bytes are not what this link takes. */
  accept(data: Buffer): string | undefined;
  maxBytes: number;
}

export const linkOf = (core: VimeoCore, kind: string, rec: Rec) =>
  `${core.uploadUrl}/${kind}s/${rec.linkToken}`;

function findAttachment<R extends Rec>(r: VReq, k: AttachmentKind<R>, video: VideoRec): R {
  const rec = k.records(r.core)[r.params[1]!];
  // api.yaml get_text_track: 5014 "doesn't exist", 5015 "belongs to a different video".
  if (!rec)
    throw new VimeoError(404, k.kind === 'texttrack' ? 5014 : 5000, `The ${k.kind} couldn\u2019t be found.`);
  if (rec.videoId !== video.id)
    throw new VimeoError(
      404,
      k.kind === 'texttrack' ? 5015 : 5000,
      `The ${k.kind} belongs to another video.`,
    );
  return rec;
}

/** POST /videos/{id}/{segment} → 201 with `link`, where the file is PUT (no Authorization: the link is signed). */
export async function createAttachment<R extends Rec>(r: VReq, k: AttachmentKind<R>): Promise<void> {
  authenticate(r, 'upload');
  const video = findVideo(r, r.params[0]!, true);
  const body = await readBody(r);
  const own = k.fields(body);
  // api.yaml create_text_track answers its 2204 with 403.
  if (Array.isArray(own)) throw invalidParameters(own, k.kind === 'texttrack' ? 403 : 400);
  const records = k.records(r.core);
  const rec = {
    ...own,
    id: numericId(records, 8),
    videoId: video.id,
    active: false,
    createdAt: r.core.now(),
    linkToken: hex(16),
  } as R;
  records[rec.id] = rec;
  r.core.state.links[rec.linkToken] = { kind: k.kind, id: rec.id };
  await r.core.save();
  return send(r, 201, pickFields(k.resource(r.core, rec, true), r.ctx.param('fields')), k.media);
}

export async function listAttachments<R extends Rec>(r: VReq, k: AttachmentKind<R>): Promise<void> {
  authenticate(r);
  const video = findVideo(r, r.params[0]!);
  const items = Object.values(k.records(r.core))
    .filter((rec) => rec.videoId === video.id)
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((rec) => k.resource(r.core, rec, false));
  const page = paginate(
    items,
    r.ctx.url.pathname,
    r.ctx.url.searchParams,
    pageParams((n) => r.ctx.param(n)),
    r.ctx.param('fields'),
  );
  return send(r, 200, page, k.media);
}

export async function getAttachment<R extends Rec>(r: VReq, k: AttachmentKind<R>): Promise<void> {
  authenticate(r);
  const rec = findAttachment(r, k, findVideo(r, r.params[0]!));
  return send(r, 200, pickFields(k.resource(r.core, rec, false), r.ctx.param('fields')), k.media);
}

/** PATCH: `active` (true or "true"; vimeo.py sends the string); a file must have been PUT first. */
export async function patchAttachment<R extends Rec>(r: VReq, k: AttachmentKind<R>): Promise<void> {
  authenticate(r, 'edit');
  const rec = findAttachment(r, k, findVideo(r, r.params[0]!, true));
  const body = await readBody(r);
  const problems: [string, string][] = [];
  for (const key of Object.keys(body))
    if (!['active', 'name'].includes(key)) problems.push([key, 'cannot be changed']);
  const active = 'active' in body ? bool(body.active) : undefined;
  if ('active' in body && active === undefined) problems.push(['active', 'must be true or false']);
  if (active && !rec.upload) problems.push(['active', `no file was uploaded to this ${k.kind}'s link yet`]);
  if ('name' in body && (k.kind !== 'texttrack' || typeof body.name !== 'string'))
    problems.push(['name', 'is invalid']);
  if (problems.length > 0) throw invalidParameters(problems);
  if ('name' in body) (rec as TextTrackRec).name = body.name as string;
  if (active !== undefined) {
    if (active)
      for (const other of Object.values(k.records(r.core))) if (k.sameSlot(other, rec)) other.active = false;
    rec.active = active;
  }
  await r.core.save();
  return send(r, 200, pickFields(k.resource(r.core, rec, false), r.ctx.param('fields')), k.media);
}

export async function deleteAttachment<R extends Rec>(r: VReq, k: AttachmentKind<R>): Promise<void> {
  authenticate(r, 'delete');
  const rec = findAttachment(r, k, findVideo(r, r.params[0]!, true));
  delete k.records(r.core)[rec.id];
  delete r.core.state.links[rec.linkToken];
  await r.core.save();
  if (rec.upload) await rm(r.core.filePath(rec.upload.file), { force: true });
  return noContent(r);
}

/** PUT to a picture or text-track link on the upload host: the whole file in one request, 200 when kept. */
export async function receiveLinkUpload<R extends Rec>(
  ctx: Ctx,
  core: VimeoCore,
  k: AttachmentKind<R>,
  rec: R,
): Promise<void> {
  const plain = (status: number, text: string) =>
    ctx.send(status, { 'content-type': 'text/plain; charset=utf-8' }, `${text}\n`);
  if (ctx.req.method !== 'PUT') return plain(405, 'Method Not Allowed');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.body()) {
    size += chunk.length;
    if (size > k.maxBytes) {
      await ctx.drain();
      return plain(413, `The file is larger than ${k.maxBytes} bytes.`);
    }
    chunks.push(chunk);
  }
  // A body cut short is not kept (the answer is then a dropped connection); one that arrived whole is.
  const declared = Number(ctx.header('content-length') ?? size);
  if (ctx.gone || size < declared) return ctx.send(200, {});
  const data = Buffer.concat(chunks);
  const mimeType = data.length > 0 ? k.accept(data) : undefined;
  if (!mimeType)
    return plain(
      400,
      k.kind === 'picture' ? 'The file is not an image.' : 'The file is not a text track (WebVTT or SRT).',
    );
  const file = `${k.kind}-${rec.id}-${hex(4)}`;
  await writePrivateFile(core.filePath(file), data);
  const previous = rec.upload?.file;
  rec.upload = { size, sha256: createHash('sha256').update(data).digest('hex'), mimeType, file };
  await core.save();
  if (previous) await rm(core.filePath(previous), { force: true });
  return ctx.send(200, {});
}
