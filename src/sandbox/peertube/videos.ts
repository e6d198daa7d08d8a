// This file is GET, PUT and DELETE /api/v1/videos/{id|uuid|shortUUID} and GET /videos/{id}/source, with PeerTube's
// checks: isValidVideoIdParam, doesVideoExist, checkCanSeeVideo, checkCanManageVideo, videosUpdateValidator.
// Sources: server/core/controllers/api/videos/index.ts, update.ts, source.ts; middlewares/validators/videos/
// videos.ts; middlewares/validators/shared/videos.ts; lib/video-privacy.ts (setVideoPrivacy).
import { createHash } from 'node:crypto';
import { type Form, readForm } from './body.js';
import { invalidParams, notFound, PtError } from './errors.js';
import { videoJson } from './format.js';
import { authenticate, optionalAuthenticate } from './oauth.js';
import { doc, noContent, originalUrl, type PtReq, sendJson } from './request.js';
import type { UserRec, VideoRec } from './state.js';
import { isUuidV4, shortToUuid } from './uuid.js';
import { Checks, checkCommonVideoFields, isIdValid, isVideoNameValid, toIntOrNull } from './validate.js';

/** The video a route names (`param` is the route segment): 400 when not an id, 404 when there is none. */
export function findVideo(r: PtReq, param: string, name = 'id'): VideoRec {
  const v = r.core.videoByParam(param);
  if (v === null) {
    const msg = 'Should have a valid video id (id, short UUID or UUID)';
    throw invalidParams([{ location: 'params', path: name, value: param, msg }], originalUrl(r));
  }
  if (!v) throw notFound('Video');
  return v;
}

/**
 * checkCanSeeVideo: private and internal videos, and unlisted ones named by their numeric id, need a login (401
 * without one); private and unlisted ones only for their owner (403); password-protected ones for their owner.
 */
export function checkCanSee(v: VideoRec, param: string, user: UserRec | undefined): void {
  const byUuid = isUuidV4(param) || isUuidV4(shortToUuid(param) ?? '');
  const needsLogin = v.privacy === 3 || v.privacy === 4 || (v.privacy === 2 && !byUuid);
  if (needsLogin) {
    if (!user) throw new PtError(401, 'Authentication is required');
    if (v.privacy !== 4 && user.id !== v.userId)
      throw new PtError(403, 'Cannot fetch information of private/internal/blocked video');
  } else if (v.privacy === 5 && user?.id !== v.userId) {
    const message = 'Please provide a password to access this password protected video';
    throw new PtError(user ? 403 : 401, message, { type: 'video_requires_password' });
  }
}

export function checkCanManage(v: VideoRec, user: UserRec): void {
  if (v.userId !== user.id) throw new PtError(403, 'Cannot manage a video of another user.');
}

export async function getVideo(r: PtReq): Promise<void> {
  doc(r, 'getVideo');
  const user = optionalAuthenticate(r);
  const v = findVideo(r, r.params.id!);
  checkCanSee(v, r.params.id!, user);
  return sendJson(r, 200, videoJson(r.core, v, 'details'));
}

/** PUT: multipart (with thumbnailfile/previewfile), JSON or urlencoded; 204. */
export async function updateVideo(r: PtReq): Promise<void> {
  doc(r, 'putVideo');
  const user = authenticate(r);
  const form: Form = await readForm(r.ctx);
  const body = form.fields;
  const c = new Checks({ body, params: r.params });
  checkCommonVideoFields(c, form.files);
  c.check('params', 'id', (v) => r.core.videoByParam(String(v)) !== null, {
    msg: 'Should have a valid video id (id, short UUID or UUID)',
  });
  c.check('body', 'name', isVideoNameValid, {
    optional: true,
    sanitize: (v) => (v === null ? v : String(v).trim()),
    msg: 'Should have a video name between 3 and 120 characters long',
  });
  c.check('body', 'channelId', isIdValid, { optional: true, sanitize: toIntOrNull });
  c.check('body', 'videoPasswords', Array.isArray, {
    optional: true,
    msg: 'Video passwords should be an array.',
  });
  const invalid = c.failure(originalUrl(r));
  if (invalid) throw invalid;
  const v = findVideo(r, r.params.id!);
  checkCanManage(v, user);
  if (body.channelId !== undefined) {
    const channel = r.core.state.channels[String(body.channelId)];
    if (!channel) throw new PtError(404, 'Video channel not found');
    if (channel.userId !== user.id)
      throw new PtError(403, 'Only a user with sufficient right can access this account resource.');
    v.channelId = channel.id;
  }
  applyUpdate(r, v, body);
  const thumb = form.files.thumbnailfile?.[0];
  if (thumb) {
    const name = `${v.uuid}-thumbnail`;
    await r.core.writeMedia(name, thumb.data);
    const sha256 = createHash('sha256').update(thumb.data).digest('hex');
    v.thumbnail = { size: thumb.data.length, sha256, mimeType: thumb.mimeType, file: name };
  }
  await r.core.save();
  return noContent(r);
}

function applyUpdate(r: PtReq, v: VideoRec, body: Record<string, unknown>): void {
  const set = <K extends keyof VideoRec>(key: K, value: unknown) => {
    if (value !== undefined) v[key] = value as VideoRec[K];
  };
  set('name', body.name);
  set('category', body.category);
  set('licence', body.licence);
  set('language', body.language);
  set('nsfw', body.nsfw);
  set('waitTranscoding', body.waitTranscoding);
  set('support', body.support);
  set('description', body.description);
  set('downloadEnabled', body.downloadEnabled);
  if (body.tags !== undefined) v.tags = (body.tags as string[] | null) ?? [];
  // The deprecated commentsEnabled is still honoured when commentsPolicy is absent.
  if (body.commentsPolicy !== undefined) v.commentsPolicy = Number(body.commentsPolicy);
  else if (body.commentsEnabled === true || body.commentsEnabled === 'true') v.commentsPolicy = 1;
  else if (body.commentsEnabled === false || body.commentsEnabled === 'false') v.commentsPolicy = 2;
  if (body.originallyPublishedAt !== undefined)
    v.originallyPublishedAt = body.originallyPublishedAt
      ? Date.parse(String(body.originallyPublishedAt))
      : null;
  if (body.privacy !== undefined) {
    // setVideoPrivacy(): a private video made visible is published now.
    if (v.privacy === 3 && body.privacy !== 3) v.publishedAt = r.core.now();
    v.privacy = body.privacy as number;
  }
  v.updatedAt = r.core.now();
}

export async function deleteVideo(r: PtReq): Promise<void> {
  doc(r, 'delVideo');
  const user = authenticate(r);
  const v = findVideo(r, r.params.id!);
  checkCanManage(v, user);
  delete r.core.state.videos[v.id];
  // Playlist elements keep their place with no video (VideoPlaylistElement.videoId is set null on delete).
  for (const p of Object.values(r.core.state.playlists))
    for (const e of p.elements) if (e.videoId === v.id) e.videoId = null;
  await r.core.save();
  return noContent(r);
}

/** GET /videos/{id}/source (VideoSourceModel.toFormattedJSON): the uploaded file's name and size, owner only. */
export async function getSource(r: PtReq): Promise<void> {
  doc(r, 'getVideoSource');
  const user = authenticate(r);
  const v = findVideo(r, r.params.id!);
  checkCanManage(v, user);
  return sendJson(r, 200, {
    filename: v.inputFilename,
    inputFilename: v.inputFilename,
    fileUrl: null,
    fileDownloadUrl: null,
    resolution: { id: null, label: null },
    size: v.media.size,
    width: null,
    height: null,
    fps: null,
    metadata: null,
    createdAt: r.core.iso(v.createdAt),
  });
}
