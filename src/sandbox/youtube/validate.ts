// This file checks video metadata the way videos.insert/update do, with the reasons from the seed tables (API-NOTES §3).

import { ApiError, invalid } from '../errors.js';
import { CATEGORIES, PRIVACY } from './catalog.js';

export interface SnippetFields {
  title?: string;
  description?: string;
  tags?: string[];
  categoryId?: string;
  defaultLanguage?: string;
  defaultAudioLanguage?: string;
}
export interface StatusFields {
  privacyStatus?: string;
  publishAt?: string;
  license?: string;
  embeddable?: boolean;
  publicStatsViewable?: boolean;
  selfDeclaredMadeForKids?: boolean;
  containsSyntheticMedia?: boolean;
}
export interface RecordingFields {
  recordingDate?: string;
  location?: { latitude?: number; longitude?: number; altitude?: number };
  locationDescription?: string;
}
export type Localizations = Record<string, { title?: string; description?: string }>;
/** The settable parts of a video, as the client sent them (only the parts named in `part`). */
export interface VideoFields {
  snippet?: SnippetFields;
  status?: StatusFields;
  recordingDetails?: RecordingFields;
  localizations?: Localizations;
}

const LICENSES = ['youtube', 'creativeCommon'];
const LANGUAGE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** YouTube's count: commas between tags count, a tag with a space counts as quoted (API-NOTES §3). */
export function tagsLength(tags: readonly string[]): number {
  const chars = tags.reduce((sum, t) => sum + [...t].length + (t.includes(' ') ? 2 : 0), 0);
  return chars + Math.max(0, tags.length - 1);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optString(
  obj: Record<string, unknown>,
  key: string,
  reason: string,
  where: string,
): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(reason, `${where}.${key} must be a string.`, `${where}.${key}`);
  return v;
}

function optBool(obj: Record<string, unknown>, key: string): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean')
    throw invalid('invalidVideoMetadata', `status.${key} must be a boolean.`, `status.${key}`);
  return v;
}

function checkText(
  text: string,
  reason: string,
  where: string,
  what: string,
  max: number,
  bytes: boolean,
): void {
  const size = bytes ? Buffer.byteLength(text, 'utf8') : [...text].length;
  if (size > max) {
    throw invalid(
      reason,
      `The ${what} is too long: ${size} ${bytes ? 'bytes' : 'characters'}, at most ${max}.`,
      where,
    );
  }
  if (/[<>]/.test(text)) throw invalid(reason, `The ${what} must not contain < or >.`, where);
}

function checkLanguage(value: string | undefined, where: string): void {
  if (value !== undefined && !LANGUAGE.test(value)) {
    throw invalid('invalidVideoMetadata', `${where} is not a valid language code: ${value}`, where);
  }
}

function snippetFields(raw: unknown, mode: 'insert' | 'update'): SnippetFields {
  if (!isObject(raw))
    throw invalid('invalidTitle', 'The request metadata does not specify a video title.', 'snippet');
  const title = optString(raw, 'title', 'invalidTitle', 'snippet');
  if (title === undefined || title.trim() === '') {
    throw invalid(
      'invalidTitle',
      'The request metadata specifies an invalid or empty video title.',
      'snippet.title',
    );
  }
  checkText(title, 'invalidTitle', 'snippet.title', 'video title', 100, false);
  const out: SnippetFields = { title };
  const description = optString(raw, 'description', 'invalidDescription', 'snippet');
  if (description !== undefined) {
    checkText(description, 'invalidDescription', 'snippet.description', 'video description', 5000, true);
    out.description = description;
  }
  if (raw.tags !== undefined && raw.tags !== null) {
    const tags = raw.tags;
    if (!Array.isArray(tags) || !tags.every((t): t is string => typeof t === 'string')) {
      throw invalid('invalidTags', 'snippet.tags must be a list of strings.', 'snippet.tags');
    }
    const length = tagsLength(tags);
    if (length > 500) {
      throw invalid(
        'invalidTags',
        `The video keywords are too long: ${length} characters, at most 500.`,
        'snippet.tags',
      );
    }
    if (tags.some((t) => /[<>]/.test(t)))
      throw invalid('invalidTags', 'Tags must not contain < or >.', 'snippet.tags');
    out.tags = tags;
  }
  const category = raw.categoryId;
  if (category === undefined || category === null) {
    // videos.update requires it whenever snippet is written (seed: youtube-videos-update); insert defaults to 22.
    if (mode === 'update') {
      throw invalid(
        'invalidCategoryId',
        'snippet.categoryId is required when the snippet part is updated.',
        'snippet.categoryId',
      );
    }
    out.categoryId = '22';
  } else {
    const id = String(category);
    if (!CATEGORIES.some(([c]) => c === id)) {
      throw invalid(
        'invalidCategoryId',
        `The snippet.categoryId property specifies an invalid category ID: ${id}.`,
        'snippet.categoryId',
      );
    }
    out.categoryId = id;
  }
  out.defaultLanguage = optString(raw, 'defaultLanguage', 'invalidVideoMetadata', 'snippet');
  checkLanguage(out.defaultLanguage, 'snippet.defaultLanguage');
  out.defaultAudioLanguage = optString(raw, 'defaultAudioLanguage', 'invalidVideoMetadata', 'snippet');
  checkLanguage(out.defaultAudioLanguage, 'snippet.defaultAudioLanguage');
  return out;
}

function statusFields(raw: unknown, now: number): StatusFields {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) throw invalid('invalidVideoMetadata', 'status must be an object.', 'status');
  const out: StatusFields = {};
  const privacy = optString(raw, 'privacyStatus', 'invalidVideoMetadata', 'status');
  if (privacy !== undefined && !PRIVACY.includes(privacy)) {
    throw invalid('invalidVideoMetadata', `Invalid privacyStatus: ${privacy}`, 'status.privacyStatus');
  }
  out.privacyStatus = privacy;
  const publishAt = optString(raw, 'publishAt', 'invalidPublishAt', 'status');
  if (publishAt !== undefined) {
    if (!DATE_TIME.test(publishAt) || Number.isNaN(Date.parse(publishAt))) {
      throw invalid(
        'invalidPublishAt',
        `status.publishAt is not an ISO 8601 date-time: ${publishAt}`,
        'status.publishAt',
      );
    }
    if (privacy !== 'private') {
      throw invalid(
        'invalidPublishAt',
        'status.publishAt may only be set when privacyStatus is private.',
        'status.publishAt',
      );
    }
    if (Date.parse(publishAt) <= now) {
      throw invalid('invalidPublishAt', 'status.publishAt must be in the future.', 'status.publishAt');
    }
    out.publishAt = new Date(Date.parse(publishAt)).toISOString();
  }
  const license = optString(raw, 'license', 'invalidVideoMetadata', 'status');
  if (license !== undefined && !LICENSES.includes(license)) {
    throw invalid('invalidVideoMetadata', `Invalid license: ${license}`, 'status.license');
  }
  out.license = license;
  for (const key of [
    'embeddable',
    'publicStatsViewable',
    'selfDeclaredMadeForKids',
    'containsSyntheticMedia',
  ] as const) {
    out[key] = optBool(raw, key);
  }
  return out;
}

function recordingFields(raw: unknown): RecordingFields {
  if (raw === undefined || raw === null) return {};
  const bad = (msg: string) => invalid('invalidRecordingDetails', msg, 'recordingDetails');
  if (!isObject(raw)) throw bad('recordingDetails must be an object.');
  const out: RecordingFields = {};
  const date = raw.recordingDate;
  if (date !== undefined && date !== null) {
    if (
      typeof date !== 'string' ||
      !(DATE_TIME.test(date) || DATE_ONLY.test(date)) ||
      Number.isNaN(Date.parse(date))
    ) {
      throw bad(`recordingDetails.recordingDate is not an ISO 8601 date: ${String(date)}`);
    }
    out.recordingDate = new Date(Date.parse(date)).toISOString();
  }
  if (isObject(raw.location)) {
    const { latitude, longitude, altitude } = raw.location;
    const num = (v: unknown, limit: number) =>
      v === undefined || (typeof v === 'number' && Math.abs(v) <= limit);
    if (!num(latitude, 90) || !num(longitude, 180) || !num(altitude, 1e6))
      throw bad('Invalid recording location.');
    out.location = raw.location as RecordingFields['location'];
  }
  if (typeof raw.locationDescription === 'string') out.locationDescription = raw.locationDescription;
  return out;
}

function localizationFields(raw: unknown, defaultLanguage: string | undefined): Localizations {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw))
    throw invalid('invalidVideoMetadata', 'localizations must be an object.', 'localizations');
  const out: Localizations = {};
  for (const [lang, value] of Object.entries(raw)) {
    checkLanguage(lang, `localizations.${lang}`);
    if (!isObject(value))
      throw invalid('invalidVideoMetadata', `localizations.${lang} must be an object.`, 'localizations');
    const title = optString(value, 'title', 'invalidTitle', `localizations.${lang}`);
    const description = optString(value, 'description', 'invalidDescription', `localizations.${lang}`);
    if (title !== undefined)
      checkText(title, 'invalidTitle', `localizations.${lang}.title`, 'localized title', 100, false);
    if (description !== undefined) {
      checkText(
        description,
        'invalidDescription',
        `localizations.${lang}.description`,
        'localized description',
        5000,
        true,
      );
    }
    out[lang] = { title, description };
  }
  if (Object.keys(out).length > 0 && !defaultLanguage) {
    throw invalid(
      'defaultLanguageNotSet',
      'Localized video details need snippet.defaultLanguage to be set.',
      'snippet.defaultLanguage',
    );
  }
  return out;
}

/**
 * Validates the parts of `body` named in `parts` and returns their settable fields. Parts not named are ignored,
 * as the API does. `existing` is the stored video (update), for the default language of localizations.
 */
export function validateVideo(
  body: unknown,
  parts: readonly string[],
  mode: 'insert' | 'update',
  now: number,
  existing?: VideoFields,
): VideoFields {
  if (!isObject(body))
    throw new ApiError(400, 'parseError', 'The request body must be a JSON video resource.');
  const out: VideoFields = {};
  if (parts.includes('snippet')) out.snippet = snippetFields(body.snippet, mode);
  else if (mode === 'insert') {
    throw invalid(
      'invalidTitle',
      'The request metadata does not specify a video title (part must include snippet).',
    );
  }
  if (parts.includes('status')) out.status = statusFields(body.status, now);
  if (parts.includes('recordingDetails')) out.recordingDetails = recordingFields(body.recordingDetails);
  if (parts.includes('localizations')) {
    const lang = out.snippet ? out.snippet.defaultLanguage : existing?.snippet?.defaultLanguage;
    out.localizations = localizationFields(body.localizations, lang);
  }
  return out;
}
