// This file is /api/v1/videos/{id}/captions: the list, and PUT/DELETE of one language (a PUT replaces the caption
// of that language). Sources: server/core/controllers/api/videos/captions.ts, middlewares/validators/videos/
// video-captions.ts, helpers/custom-validators/video-captions.ts, models/video/video-caption.ts.
import { createHash } from 'node:crypto';
import { readForm } from './body.js';
import { CAPTION_MIMETYPES, LIMITS, mimeTypeMatches } from './constants.js';
import { notFound } from './errors.js';
import { captionJson } from './format.js';
import { VIDEO_LANGUAGES } from './languages.js';
import { authenticate, optionalAuthenticate } from './oauth.js';
import { noContent, originalUrl, type PtReq, sendJson } from './request.js';
import { newUuid } from './uuid.js';
import { Checks } from './validate.js';
import { checkCanManage, checkCanSee, findVideo } from './videos.js';

export async function listCaptions(r: PtReq): Promise<void> {
  const user = optionalAuthenticate(r);
  const v = findVideo(r, r.params.videoId!, 'videoId');
  checkCanSee(v, r.params.videoId!, user);
  const data = Object.values(v.captions)
    .sort((a, b) => a.language.localeCompare(b.language))
    .map((c) => captionJson(r.core, c));
  return sendJson(r, 200, { total: data.length, data });
}

const languageValid = (v: unknown) => typeof v === 'string' && VIDEO_LANGUAGES[v] !== undefined;

/** PUT /videos/{id}/captions/{lang} with multipart `captionfile` (vtt, srt, text or octet-stream; ≤ 20 MB). */
export async function putCaption(r: PtReq): Promise<void> {
  const user = authenticate(r);
  const form = await readForm(r.ctx);
  const file = form.files.captionfile?.[0];
  const c = new Checks({ params: r.params, body: form.fields });
  c.check('params', 'videoId', (v) => r.core.videoByParam(String(v)) !== null, {
    msg: 'Should have a valid video id (id, short UUID or UUID)',
  });
  c.check('params', 'captionLanguage', languageValid);
  const types = 'text/vtt (.vtt), application/x-subrip (.srt), text/plain (.srt)';
  c.check(
    'body',
    'captionfile',
    () =>
      !!file &&
      file.filename !== '' &&
      file.data.length <= LIMITS.captionBytes &&
      mimeTypeMatches(file.mimeType, CAPTION_MIMETYPES),
    {
      msg:
        `This caption file is not supported or too large. Please, make sure it is under ${LIMITS.captionBytes} bytes ` +
        `and one of the following mimetypes: ${types}`,
    },
  );
  const invalid = c.failure(originalUrl(r));
  if (invalid) throw invalid;
  const v = findVideo(r, r.params.videoId!, 'videoId');
  checkCanManage(v, user);
  const language = r.params.captionLanguage!;
  const filename = `${newUuid()}-${language}.vtt`;
  await r.core.writeMedia(filename, file!.data);
  v.captions[language] = {
    language,
    filename,
    file: filename,
    size: file!.data.length,
    sha256: createHash('sha256').update(file!.data).digest('hex'),
    mimeType: file!.mimeType,
    updatedAt: r.core.now(),
  };
  await r.core.save();
  return noContent(r);
}

export async function deleteCaption(r: PtReq): Promise<void> {
  const user = authenticate(r);
  const v = findVideo(r, r.params.videoId!, 'videoId');
  if (!v.captions[r.params.captionLanguage!]) throw notFound('Video caption');
  checkCanManage(v, user);
  delete v.captions[r.params.captionLanguage!];
  await r.core.save();
  return noContent(r);
}
