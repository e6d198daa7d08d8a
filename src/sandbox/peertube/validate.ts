// This file checks request fields the way PeerTube's express-validator chains do (middlewares/validators/videos/
// videos.ts getCommonVideoEditAttributes, helpers/custom-validators/*.ts): same sanitizers, rules and messages.

import type { FormFile } from './body.js';
import {
  IMAGE_MIMETYPE,
  LIMITS,
  VIDEO_CATEGORIES,
  VIDEO_COMMENTS_POLICY,
  VIDEO_LICENCES,
  VIDEO_PRIVACIES,
} from './constants.js';
import { invalidParams, type ParamError, type ParamLocation, type PtError } from './errors.js';

// --- sanitizers (helpers/custom-validators/misc.ts) ---------------------------------------------------------------

export const toValueOrNull = (v: unknown): unknown => (v === 'null' ? null : v);

export function toIntOrNull(v: unknown): unknown {
  const x = toValueOrNull(v);
  if (x === null || x === undefined || typeof x === 'number') return x;
  return Number.parseInt(String(x), 10);
}

/** validator.toBoolean(str), not strict: anything but '0', 'false' and '' is true. */
export function toBooleanOrNull(v: unknown): unknown {
  const x = toValueOrNull(v);
  if (x === null || x === undefined || typeof x === 'boolean') return x;
  const s = String(x);
  return s !== '0' && !/^false$/i.test(s) && s !== '';
}

// --- rules --------------------------------------------------------------------------------------------------------

/** validator.isLength: surrogate pairs and variation selectors count once; throws on non-strings like validator.js. */
export function isLength(value: unknown, [min, max]: readonly [number, number]): boolean {
  if (typeof value !== 'string')
    throw new TypeError(`Expected a string but received a ${value === null ? 'null' : typeof value}`);
  const len =
    value.length -
    (value.match(/[\uFE0F\uFE0E]/g)?.length ?? 0) -
    (value.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
  return len >= min && len <= max;
}

export const exists = (v: unknown): boolean => v !== undefined && v !== null;
export const isInt = (v: unknown, min = Number.NEGATIVE_INFINITY): boolean =>
  /^[-+]?(0|[1-9]\d*)$/.test(String(v)) && Number(v) >= min;
export const isIdValid = (v: unknown): boolean => exists(v) && isInt(v);
export const isBooleanValid = (v: unknown): boolean =>
  typeof v === 'boolean' || (typeof v === 'string' && /^(true|false|1|0)$/.test(v));
export const isDateValid = (v: unknown): boolean =>
  typeof v === 'string' &&
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v);

const keyOf = (table: Readonly<Record<string, string>>) => (v: unknown) =>
  v === null || (typeof v !== 'object' && table[String(v)] !== undefined && !Number.isNaN(v));
const nullOrLength = (range: readonly [number, number]) => (v: unknown) =>
  v === null || (exists(v) && isLength(v, range));

export const isVideoCategoryValid = keyOf(VIDEO_CATEGORIES);
export const isVideoLicenceValid = keyOf(VIDEO_LICENCES);
export const isVideoCommentsPolicyValid = keyOf(VIDEO_COMMENTS_POLICY);
export const isVideoPrivacyValid = (v: unknown) => v !== null && keyOf(VIDEO_PRIVACIES)(v);
export const isVideoLanguageValid = (v: unknown) =>
  v === null || (typeof v === 'string' && isLength(v, LIMITS.videoLanguage));
export const isVideoNameValid = (v: unknown) => exists(v) && isLength(v, LIMITS.videoName);
export const isVideoDescriptionValid = nullOrLength(LIMITS.videoDescription);
export const isVideoSupportValid = nullOrLength(LIMITS.videoSupport);
export const isVideoSourceFilenameValid = (v: unknown) => exists(v) && isLength(v, LIMITS.sourceFilename);
export const areVideoTagsValid = (v: unknown) =>
  v === null ||
  (Array.isArray(v) &&
    v.length >= LIMITS.tags[0] &&
    v.length <= LIMITS.tags[1] &&
    v.every((t) => exists(t) && isLength(t, LIMITS.tag)));

/** isVideoImageValid: optional, image/(png|jpg|jpeg|webp), at most 4 MB. */
export function isImageFileValid(files: FormFile[] | undefined): boolean {
  const f = files?.[0];
  if (!f) return true;
  return f.filename !== '' && f.data.length <= LIMITS.imageBytes && IMAGE_MIMETYPE.test(f.mimeType);
}

// --- a validation chain -------------------------------------------------------------------------------------------

interface Rule {
  optional?: boolean;
  sanitize?: (v: unknown) => unknown;
  msg?: string;
}

/** Collects errors like express-validator: every rule runs, the first error of each field is reported. */
export class Checks {
  readonly errors: ParamError[] = [];

  constructor(private readonly sources: Partial<Record<ParamLocation, Record<string, unknown>>>) {}

  /** Runs one rule; returns the sanitized value (written back, as express-validator does). */
  check(location: ParamLocation, path: string, ok: (v: unknown) => boolean, rule: Rule = {}): unknown {
    const source = this.sources[location] ?? {};
    let value = source[path];
    if (rule.optional && value === undefined) return undefined;
    if (rule.sanitize) {
      value = rule.sanitize(value);
      source[path] = value;
    }
    let passed: boolean;
    let message = rule.msg ?? 'Invalid value';
    try {
      passed = ok(value);
    } catch (err) {
      passed = false;
      if (!rule.msg) message = (err as Error).message;
    }
    if (!passed) this.errors.push({ location, path, value, msg: message });
    return value;
  }

  /** The 400 to answer, or undefined when every rule passed. */
  failure(instance: string): PtError | undefined {
    return this.errors.length > 0 ? invalidParams(this.errors, instance) : undefined;
  }
}

/** getCommonVideoEditAttributes(): the fields an upload and an update share (nsfw flags and schedules ignored). */
export function checkCommonVideoFields(c: Checks, files: Record<string, FormFile[]>): void {
  const imageMsg = (what: string) =>
    `This ${what} file is not supported or too large. Please, make sure it is of the following type: .png, .jpg, .jpeg, .webp`;
  c.check('body', 'thumbnailfile', () => isImageFileValid(files.thumbnailfile), {
    msg: imageMsg('thumbnail'),
  });
  c.check('body', 'previewfile', () => isImageFileValid(files.previewfile), { msg: imageMsg('preview') });
  c.check('body', 'category', isVideoCategoryValid, { optional: true, sanitize: toIntOrNull });
  c.check('body', 'licence', isVideoLicenceValid, { optional: true, sanitize: toIntOrNull });
  c.check('body', 'language', isVideoLanguageValid, { optional: true, sanitize: toValueOrNull });
  const bool = (msg: string): Rule => ({ optional: true, sanitize: toBooleanOrNull, msg });
  c.check('body', 'nsfw', isBooleanValid, bool('Should have a valid nsfw boolean'));
  c.check('body', 'waitTranscoding', isBooleanValid, bool('Should have a valid waitTranscoding boolean'));
  c.check('body', 'privacy', isVideoPrivacyValid, { optional: true, sanitize: toIntOrNull });
  c.check('body', 'description', isVideoDescriptionValid, { optional: true, sanitize: toValueOrNull });
  c.check('body', 'support', isVideoSupportValid, { optional: true, sanitize: toValueOrNull });
  c.check('body', 'tags', areVideoTagsValid, {
    optional: true,
    sanitize: toValueOrNull,
    msg: 'Should have an array of up to 5 tags between 2 and 30 characters each',
  });
  c.check('body', 'commentsPolicy', isVideoCommentsPolicyValid, { optional: true, sanitize: toIntOrNull });
  c.check('body', 'downloadEnabled', isBooleanValid, bool('Should have downloadEnabled boolean'));
  c.check('body', 'originallyPublishedAt', (v) => v === null || isDateValid(v), {
    optional: true,
    sanitize: toValueOrNull,
  });
}
