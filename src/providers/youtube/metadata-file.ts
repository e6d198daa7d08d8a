// This file checks the JSON of `--metadata FILE.json` (a partial video resource) and keeps only its writable fields.
import { usageError } from '../../errors.js';
import { MUTABLE_FIELDS, type VideoResource } from './resource.js';

/** Parts and fields a videos.list answer carries but nobody can write: ignored, so a saved resource can be reused. */
const READ_ONLY: Record<string, readonly string[]> = {
  '': [
    'id',
    'kind',
    'etag',
    'contentDetails',
    'statistics',
    'player',
    'topicDetails',
    'fileDetails',
    'processingDetails',
    'suggestions',
    'liveStreamingDetails',
    'monetizationDetails',
    'projectDetails',
    'ageGating',
  ],
  snippet: ['publishedAt', 'channelId', 'channelTitle', 'thumbnails', 'liveBroadcastContent', 'localized'],
  status: ['uploadStatus', 'failureReason', 'rejectionReason', 'madeForKids'],
  recordingDetails: [],
};

const BOOLEAN_FIELDS = new Set([
  'embeddable',
  'publicStatsViewable',
  'selfDeclaredMadeForKids',
  'containsSyntheticMedia',
]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks a parsed `--metadata` file and returns its writable fields as a VideoResource.
 * Unknown fields are an error (a typo would otherwise be silently ignored); read-only ones are dropped.
 */
export function parseMetadataFile(value: unknown, fileName: string): VideoResource {
  const fail = (problem: string) =>
    usageError(
      `--metadata ${fileName}: ${problem}`,
      'The file holds a partial video resource, e.g. ' +
        '{"snippet":{"title":"…","tags":["…"]},"status":{"privacyStatus":"unlisted"}}.',
    );
  if (!isObject(value)) throw fail('expected a JSON object (a partial video resource).');
  const result: VideoResource = {};
  for (const [part, body] of Object.entries(value)) {
    if (READ_ONLY[''].includes(part) || body === null) continue;
    if (part === 'localizations') {
      result.localizations = parseLocalizations(body, fail);
      continue;
    }
    if (part !== 'snippet' && part !== 'status' && part !== 'recordingDetails') {
      throw fail(
        `unknown field "${part}" (vupload writes snippet, status, recordingDetails and localizations).`,
      );
    }
    if (!isObject(body)) throw fail(`${part} must be an object.`);
    const writable: readonly string[] = MUTABLE_FIELDS[part];
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(body)) {
      if (READ_ONLY[part]?.includes(key) || field === null) continue;
      if (!writable.includes(key)) {
        throw fail(
          `unknown field "${part}.${key}" (writable: ${writable.map((k) => `${part}.${k}`).join(', ')}).`,
        );
      }
      out[key] = checkType(`${part}.${key}`, key, field, fail);
    }
    (result as Record<string, unknown>)[part] = out;
  }
  return result;
}

function checkType(path: string, key: string, field: unknown, fail: (p: string) => Error): unknown {
  if (key === 'tags') {
    if (!Array.isArray(field) || !field.every((t) => typeof t === 'string')) {
      throw fail(`${path} must be a list of strings.`);
    }
    return field;
  }
  if (key === 'location') {
    if (!isObject(field) || !Object.values(field).every((n) => typeof n === 'number')) {
      throw fail(`${path} must be an object of numbers (latitude, longitude, altitude).`);
    }
    return field;
  }
  if (BOOLEAN_FIELDS.has(key)) {
    if (typeof field !== 'boolean') throw fail(`${path} must be true or false.`);
    return field;
  }
  // categoryId is a string in the API; a bare number in a hand-written file is taken as meant.
  if (key === 'categoryId' && typeof field === 'number' && Number.isInteger(field)) return String(field);
  if (typeof field !== 'string') throw fail(`${path} must be a string.`);
  return field;
}

function parseLocalizations(
  body: unknown,
  fail: (p: string) => Error,
): Record<string, { title?: string; description?: string }> {
  if (!isObject(body))
    throw fail('localizations must be an object like {"fr": {"title": "…", "description": "…"}}.');
  const result: Record<string, { title?: string; description?: string }> = {};
  for (const [lang, texts] of Object.entries(body)) {
    if (!isObject(texts))
      throw fail(`localizations.${lang} must be an object with title and/or description.`);
    const entry: { title?: string; description?: string } = {};
    for (const [key, text] of Object.entries(texts)) {
      if (key !== 'title' && key !== 'description')
        throw fail(`unknown field "localizations.${lang}.${key}".`);
      if (typeof text !== 'string') throw fail(`localizations.${lang}.${key} must be a string.`);
      entry[key] = text;
    }
    result[lang] = entry;
  }
  return result;
}
