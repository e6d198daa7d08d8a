// This file is POST /api/v1/videos/upload-resumable: PeerTube's middlewares in their order, then uploadx itself.
// Sources: server/core/lib/uploadx.ts setupUploadResumableRoutes, controllers/api/videos/upload.ts,
// middlewares/validators/resumable-upload.ts, middlewares/validators/videos/videos.ts (videosAddResumableInitValidator,
// commonVideoChecks), middlewares/validators/videos/shared/video-validators.ts (commonVideoFileChecks),
// middlewares/validators/shared/videos.ts (checkUserQuota) and lib/user.ts (isUserQuotaValid).
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FormFile, readForm } from './body.js';
import { mimeTypeMatches, VIDEO_EXTNAMES, VIDEO_MIMETYPES } from './constants.js';
import type { PtCore } from './core.js';
import { PtError } from './errors.js';
import { authenticate } from './oauth.js';
import { doc, originalUrl, type PtReq } from './request.js';
import type { UserRec } from './state.js';
import { forwardAnswer } from './upload-session.js';
import { UploadxRequest } from './uploadx.js';
import {
  Checks,
  checkCommonVideoFields,
  exists,
  isBooleanValid,
  isIdValid,
  isInt,
  isVideoNameValid,
  isVideoSourceFilenameValid,
  toBooleanOrNull,
  toIntOrNull,
} from './validate.js';

/** What the metadata may hold: uploadx's own fields and PeerTube's (resumableInitMetadataFieldsFactory). */
const METADATA_FIELDS = [
  ...['name', 'title', 'originalName', 'filename', 'mimeType', 'contentType', 'type', 'filetype', 'size'],
  ...[
    'lastModified',
    'channelId',
    'privacy',
    'category',
    'licence',
    'language',
    'description',
    'support',
    'tags',
  ],
  ...[
    'commentsPolicy',
    'downloadEnabled',
    'nsfw',
    'nsfwSummary',
    'nsfwFlags',
    'waitTranscoding',
    'scheduleUpdate',
  ],
  ...['originallyPublishedAt', 'videoPasswords', 'generateTranscription', 'pluginData'],
];

const isNumeric = (v: unknown) => typeof v === 'string' && /^[-+]?([0-9]+)?(\.[0-9]+)?$/.test(v) && v !== '';

export async function initUpload(r: PtReq): Promise<void> {
  const user = authenticate(r);
  doc(r, 'uploadResumableInit');
  const form = await readForm(r.ctx);
  const body: Record<string, unknown> = {};
  for (const k of METADATA_FIELDS) if (form.fields[k] !== undefined) body[k] = form.fields[k];
  const headers = {
    'x-upload-content-length': r.ctx.header('x-upload-content-length'),
    'x-upload-content-type': r.ctx.header('x-upload-content-type'),
  };

  // resumableInitValidator
  const first = new Checks({ body, headers });
  first.check('body', 'filename', exists);
  first.check('headers', 'x-upload-content-length', (v) => isNumeric(v) && exists(v));
  first.check('headers', 'x-upload-content-type', (v) => typeof v === 'string' && exists(v));
  const bad = first.failure(originalUrl(r));
  if (bad) throw bad;

  // videosAddResumableInitValidator
  const c = new Checks({ body, headers });
  checkCommonVideoFields(c, form.files);
  c.check('body', 'name', isVideoNameValid, {
    sanitize: (v) => (v === undefined || v === null ? v : String(v).trim()),
    msg: 'Should have a video name between 3 and 120 characters long',
  });
  c.check('body', 'channelId', isIdValid, { sanitize: toIntOrNull });
  c.check('body', 'videoPasswords', Array.isArray, {
    optional: true,
    msg: 'Video passwords should be an array.',
  });
  c.check('body', 'generateTranscription', isBooleanValid, {
    optional: true,
    sanitize: toBooleanOrNull,
    msg: 'Should have a valid generateTranscription boolean',
  });
  c.check('body', 'filename', isVideoSourceFilenameValid);
  const invalid = c.failure(originalUrl(r));
  if (invalid) throw invalid;

  const size = Number(headers['x-upload-content-length']);
  checkVideo(r.core, user, body, headers['x-upload-content-type']!, size);
  await stageImages(r.core, body, form.files);

  const req = new UploadxRequest('POST', originalUrl(r), {
    ...r.ctx.req.headers,
    // The metadata middleware sets it: uploadx then reads the (filtered) body instead of the query string.
    'content-type': 'application/json; charset=utf-8',
  });
  req.body = body;
  req.push(null);
  return forwardAnswer(r, await r.core.uploadx.run(req, user.id));
}

/** commonVideoChecks + commonVideoFileChecks + isValidPasswordProtectedPrivacy, in PeerTube's order. */
function checkVideo(
  core: PtCore,
  user: UserRec,
  body: Record<string, unknown>,
  type: string,
  size: number,
): void {
  const schedule = body.scheduleUpdate as { updateAt?: unknown } | undefined;
  if (schedule && typeof schedule === 'object' && !schedule.updateAt)
    throw new PtError(400, '"scheduleUpdate.updateAt" parameter is mandatory');
  const channel = core.state.channels[String(body.channelId)];
  if (!channel) throw new PtError(404, 'Video channel not found');
  if (channel.userId !== user.id)
    throw new PtError(403, 'Only a user with sufficient right can access this account resource.');
  if (!mimeTypeMatches(type, VIDEO_MIMETYPES)) {
    const types = VIDEO_EXTNAMES.join(', ');
    throw new PtError(
      415,
      `This file is not supported. Please, make sure it is of the following type: ${types}`,
    );
  }
  if (!isInt(String(size), -1)) {
    throw new PtError(413, 'This file is too large. It exceeds the maximum file size authorized', {
      type: 'max_file_size_reached',
    });
  }
  if (!quotaAllows(core, user, size)) {
    throw new PtError(413, 'The user video quota is exceeded with this video', { type: 'quota_reached' });
  }
  if (Number(body.privacy) === 5) {
    const passwords = body.videoPasswords;
    if (!Array.isArray(passwords)) throw new PtError(400, 'Video passwords are missing.');
    if (passwords.length === 0) throw new PtError(400, 'At least one video password is required.');
  }
}

/** isUserQuotaValid: refused when the upload would reach (not only exceed) the total or the 24-hour quota. */
export function quotaAllows(core: PtCore, user: UserRec, size: number): boolean {
  if (user.videoQuotaDaily !== -1 && size + core.quotaUsed(user.id, true) >= user.videoQuotaDaily)
    return false;
  if (user.videoQuota !== -1 && size + core.quotaUsed(user.id, false) >= user.videoQuota) return false;
  return true;
}

/**
 * A thumbnail or preview sent with a multipart initiation is kept beside the uploads and named in the metadata, as
 * PeerTube places multer's file objects there "so that uploadx saves it in .META".
 */
async function stageImages(core: PtCore, body: Record<string, unknown>, files: Record<string, FormFile[]>) {
  for (const field of ['thumbnailfile', 'previewfile']) {
    const f = files[field]?.[0];
    if (!f) continue;
    const path = join(core.dir, 'resumable-uploads', `image-${randomBytes(16).toString('hex')}`);
    await writeFile(path, f.data, { mode: 0o600 });
    body[field] = [
      { fieldname: field, originalname: f.filename, mimetype: f.mimeType, size: f.data.length, path },
    ];
  }
}
