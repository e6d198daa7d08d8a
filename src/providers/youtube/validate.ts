// This file checks a video resource against YouTube's metadata rules (API-NOTES §3) before anything is sent.

import { isLanguageTag } from '../../cli/upload/captions.js';
import { usageError } from '../../errors.js';
import {
  ASSIGNABLE_CATEGORIES,
  getField,
  LICENSES,
  PRIVACY_STATUSES,
  type ResourceField,
  type VideoResource,
} from './resource.js';

export interface ValidateOptions {
  now: Date | number;
  /** Which flag supplied each field, for messages; a field without one is named by its resource path. */
  flagNames?: Partial<Record<ResourceField, string>>;
  /**
   * A partial resource (an update's wishes): no title is required and localizations may rely on the video's
   * existing default language.
   */
  partial?: boolean;
  /** Check only these fields one by one (the ones the user gave); cross-field rules still see the whole resource. */
  fields?: ReadonlySet<ResourceField>;
}

/**
 * Characters the tags take as YouTube counts them (API-NOTES §3): the commas between tags count, and a tag
 * containing a space counts as if quoted ("Foo Baz" = 9).
 */
export function tagsLength(tags: readonly string[]): number {
  if (tags.length === 0) return 0;
  const chars = tags.reduce((sum, tag) => sum + codePoints(tag) + (/\s/.test(tag) ? 2 : 0), 0);
  return chars + tags.length - 1;
}

const codePoints = (text: string): number => [...text].length;
const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** `en`, `en-US`, `zh-Hant-TW`, `es-419`, `sr-Latn`: a BCP-47 language tag in its usual forms. */
export { isLanguageTag } from '../../cli/upload/captions.js';

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/i;

/** Parses an ISO 8601 date or date-time; undefined unless every component is in range. */
export function parseIsoDateTime(
  text: string,
): { ms: number; hasTime: boolean; hasZone: boolean } | undefined {
  const m = DATE_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59)) return undefined;
  const ms = Date.parse(h === undefined ? `${y}-${mo}-${d}T00:00:00Z` : text);
  if (!Number.isFinite(ms)) return undefined;
  return { ms, hasTime: h !== undefined, hasZone: zone !== undefined };
}

/** Throws a usage error (exit 2) naming the flag for the first rule the resource breaks. */
export function validateResource(resource: VideoResource, options: ValidateOptions): void {
  const now = typeof options.now === 'number' ? options.now : options.now.getTime();
  const flag = (field: ResourceField) => options.flagNames?.[field] ?? field;
  const given = (field: ResourceField) =>
    getField(resource, field) !== undefined && (options.fields === undefined || options.fields.has(field));
  const fail = (field: ResourceField, problem: string, hint?: string) =>
    usageError(`${flag(field)}: ${problem}`, hint);

  const title = getField(resource, 'snippet.title');
  if (title === undefined && !options.partial)
    throw fail('snippet.title', 'missing; YouTube requires a title.');
  if (given('snippet.title')) checkTitle(String(title), (p) => fail('snippet.title', p));
  if (given('snippet.description')) {
    checkDescription(String(getField(resource, 'snippet.description')), (p) =>
      fail('snippet.description', p),
    );
  }
  if (given('snippet.tags')) {
    const tags = getField(resource, 'snippet.tags') as string[];
    if (tags.some((tag) => tag.trim() === ''))
      throw fail('snippet.tags', 'contains an empty tag. Remove it.');
    if (tags.some((tag) => /[<>]/.test(tag)))
      throw fail('snippet.tags', 'contains < or >, which YouTube rejects.');
    const length = tagsLength(tags);
    if (length > 500) {
      throw fail(
        'snippet.tags',
        `${length} characters as YouTube counts them; at most 500 are allowed. Drop some tags.`,
        'Commas between tags count, and a tag with a space counts 2 more (as if quoted).',
      );
    }
  }
  if (given('snippet.categoryId')) {
    const id = String(getField(resource, 'snippet.categoryId'));
    if (!/^\d+$/.test(id)) {
      throw fail(
        'snippet.categoryId',
        `"${id}" is not a category id; it is a number such as 22 (People & Blogs).`,
        'List the ids with `vupload categories --region US`.',
      );
    }
    if (!ASSIGNABLE_CATEGORIES.has(id)) {
      const known = [...ASSIGNABLE_CATEGORIES].map(([n, title]) => `${n} ${title}`).join(', ');
      throw fail(
        'snippet.categoryId',
        `${id} is not a category a video can be given; YouTube would refuse it (invalidCategoryId).`,
        `Use one of: ${known} (\`vupload categories --region XX\` lists your region's).`,
      );
    }
  }
  for (const field of ['snippet.defaultLanguage', 'snippet.defaultAudioLanguage'] as const) {
    if (given(field)) checkLanguage(String(getField(resource, field)), (p, h) => fail(field, p, h));
  }
  const privacy = getField(resource, 'status.privacyStatus');
  if (given('status.privacyStatus') && !(PRIVACY_STATUSES as readonly unknown[]).includes(privacy)) {
    throw fail(
      'status.privacyStatus',
      `"${privacy}" is not a privacy status; use ${PRIVACY_STATUSES.join(', ')}.`,
    );
  }
  const publishAt = getField(resource, 'status.publishAt');
  if (given('status.publishAt')) {
    const when = parseIsoDateTime(String(publishAt));
    if (!(when?.hasTime && when.hasZone)) {
      throw fail(
        'status.publishAt',
        `"${publishAt}" is not an ISO 8601 time with a time zone.`,
        'Example: 2030-01-31T18:00:00Z or 2030-01-31T18:00:00+01:00.',
      );
    }
    if (when.ms <= now) throw fail('status.publishAt', `${publishAt} is not in the future.`);
  }
  if (publishAt !== undefined && privacy !== undefined && privacy !== 'private') {
    throw fail(
      'status.publishAt',
      `a scheduled video must be private until it is published, not ${privacy}.`,
      `Drop ${flag('status.privacyStatus')} (publish-at implies private) or the publish time.`,
    );
  }
  const license = getField(resource, 'status.license');
  if (given('status.license') && !(LICENSES as readonly unknown[]).includes(license)) {
    throw fail('status.license', `"${license}" is not a license; use ${LICENSES.join(' or ')}.`);
  }
  if (given('recordingDetails.recordingDate')) {
    const text = String(getField(resource, 'recordingDetails.recordingDate'));
    const when = parseIsoDateTime(text);
    if (!when || (when.hasTime && !when.hasZone)) {
      throw fail(
        'recordingDetails.recordingDate',
        `"${text}" is not a date.`,
        'Use YYYY-MM-DD or an ISO 8601 time with a zone, e.g. 2024-07-14T15:30:00Z.',
      );
    }
  }
  const localizations = resource.localizations;
  if (localizations !== undefined && Object.keys(localizations).length > 0) {
    if (given('localizations')) checkLocalizations(localizations, (p, h) => fail('localizations', p, h));
    if (!options.partial && getField(resource, 'snippet.defaultLanguage') === undefined) {
      throw fail(
        'localizations',
        'localized titles and descriptions need a default language.',
        'Add --default-language (the language of the main title and description), e.g. --default-language en.',
      );
    }
  }
}

function checkTitle(title: string, fail: (problem: string) => Error, what = 'a title'): void {
  if (title.trim() === '') throw fail(`empty; YouTube requires ${what}. Give one.`);
  const length = codePoints(title);
  if (length > 100) throw fail(`${length} characters; YouTube allows at most 100. Shorten it.`);
  if (/[<>]/.test(title)) throw fail('contains < or >, which YouTube does not allow in titles. Remove them.');
}

function checkDescription(text: string, fail: (problem: string) => Error): void {
  const bytes = utf8Bytes(text);
  if (bytes > 5000) throw fail(`${bytes} bytes in UTF-8; YouTube allows at most 5000. Shorten it.`);
  if (/[<>]/.test(text))
    throw fail('contains < or >, which YouTube does not allow in descriptions. Remove them.');
}

function checkLanguage(code: string, fail: (problem: string, hint?: string) => Error): void {
  if (isLanguageTag(code)) return;
  const hint = code.includes('_')
    ? `Use a hyphen: ${code.replace(/_/g, '-')}.`
    : 'Examples: en, en-US, pt-BR, zh-Hant.';
  throw fail(`"${code}" is not a language code.`, hint);
}

function checkLocalizations(
  localizations: Record<string, { title?: string; description?: string }>,
  fail: (problem: string, hint?: string) => Error,
): void {
  for (const [lang, texts] of Object.entries(localizations)) {
    checkLanguage(lang, (p, h) => fail(`${lang}: ${p}`, h));
    if (texts.title !== undefined)
      checkTitle(texts.title, (p) => fail(`${lang} title: ${p}`), 'a localized title');
    if (texts.description !== undefined)
      checkDescription(texts.description, (p) => fail(`${lang} description: ${p}`));
  }
}
