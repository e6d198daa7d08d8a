// This file validates the video fields of POST /me/videos and PATCH /videos/{id} (api.yaml upload_video_alt1,
// edit_video) and applies them to a video record; wrong fields are collected for one 2204 answer.
import { bool, type Json } from './request.js';
import type { VideoRec } from './state.js';

export const VIEWS = ['anybody', 'contacts', 'disable', 'nobody', 'password', 'unlisted', 'users'];
const EMBEDS = ['private', 'public', 'whitelist'];
const COMMENTS = ['anybody', 'contacts', 'nobody'];
const LICENSES = ['by', 'by-nc', 'by-nc-nd', 'by-nc-sa', 'by-nd', 'by-sa', 'cc0'];
/** Body fields the two methods take (api.yaml); anything else is refused, so a misspelt field is not lost. */
const EDIT_FIELDS = [
  'content_rating',
  'description',
  'embed',
  'embed_domains',
  'folder_uri',
  'hide_from_vimeo',
  'license',
  'locale',
  'name',
  'password',
  'privacy',
  'ratings',
  'review_page',
  'spatial',
];
export const CREATE_FIELDS = [...EDIT_FIELDS, 'upload'];

export type Problems = Array<[field: string, why: string]>;

const isText = (v: unknown): v is string => typeof v === 'string';

/** Applies `body` to `video` (a copy the caller keeps only when no problem was found). */
export function applyVideoFields(video: VideoRec, body: Json, allowed: string[]): Problems {
  const problems: Problems = [];
  for (const key of Object.keys(body))
    if (!allowed.includes(key)) problems.push([key, 'is not a field of this method']);
  if ('name' in body) {
    if (!isText(body.name) || body.name.trim() === '') problems.push(['name', 'must be a non-empty string']);
    else video.name = body.name;
  }
  if ('description' in body) {
    if (body.description !== null && !isText(body.description))
      problems.push(['description', 'must be a string']);
    else video.description = body.description === '' ? null : (body.description as string | null);
  }
  if ('password' in body) {
    if (!isText(body.password) || body.password === '')
      problems.push(['password', 'must be a non-empty string']);
    else video.password = body.password;
  }
  if ('license' in body) {
    if (!LICENSES.includes(body.license as string))
      problems.push(['license', `must be one of ${LICENSES.join(', ')}`]);
    else video.license = body.license as string;
  }
  if ('locale' in body) {
    if (!isText(body.locale) || !/^[a-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/.test(body.locale))
      problems.push(['locale', 'must be a language code such as en-US']);
    else video.locale = body.locale;
  }
  if ('content_rating' in body) {
    const list = Array.isArray(body.content_rating)
      ? body.content_rating
      : isText(body.content_rating)
        ? body.content_rating.split(',')
        : undefined;
    if (!list?.every(isText)) problems.push(['content_rating', 'must be a list of ratings']);
    else video.contentRating = list.map((s) => s.trim());
  }
  if ('privacy' in body) applyPrivacy(video, body.privacy, problems);
  if (video.privacy.view === 'password' && !video.password)
    problems.push(['password', 'is required when privacy.view is password']);
  return problems;
}

function applyPrivacy(video: VideoRec, privacy: unknown, problems: Problems): void {
  if (privacy === null || typeof privacy !== 'object' || Array.isArray(privacy)) {
    problems.push(['privacy', 'must be an object']);
    return;
  }
  const p = privacy as Json;
  const choice = (key: 'view' | 'embed' | 'comments', values: string[]) => {
    if (!(key in p)) return;
    if (values.includes(p[key] as string)) video.privacy[key] = p[key] as string;
    else problems.push([`privacy.${key}`, `must be one of ${values.join(', ')}`]);
  };
  choice('view', VIEWS);
  choice('embed', EMBEDS);
  choice('comments', COMMENTS);
  for (const key of ['download', 'add'] as const) {
    if (!(key in p)) continue;
    const value = bool(p[key]);
    if (value === undefined) problems.push([`privacy.${key}`, 'must be true or false']);
    else video.privacy[key] = value;
  }
  for (const key of Object.keys(p))
    if (!['view', 'embed', 'comments', 'download', 'add'].includes(key))
      problems.push([`privacy.${key}`, 'is not a privacy setting']);
}

/** upload.size as Vimeo takes it: a number or a numeric string (api.yaml types it as a string). */
export function uploadSize(value: unknown): number | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+$/.test(text)) return undefined;
  const size = Number(text);
  return Number.isSafeInteger(size) && size > 0 ? size : undefined;
}
