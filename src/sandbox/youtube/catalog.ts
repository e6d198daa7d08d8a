// This file lists what the API accepts as names: video parts, categories, privacy values, and parses `part`.
import { ApiError, requiredParameter } from '../errors.js';

/** The US category list videoCategories.list serves; snippet.categoryId must be one of these. */
export const CATEGORIES: ReadonlyArray<readonly [string, string]> = [
  ['1', 'Film & Animation'],
  ['2', 'Autos & Vehicles'],
  ['10', 'Music'],
  ['15', 'Pets & Animals'],
  ['17', 'Sports'],
  ['19', 'Travel & Events'],
  ['20', 'Gaming'],
  ['22', 'People & Blogs'],
  ['23', 'Comedy'],
  ['24', 'Entertainment'],
  ['25', 'News & Politics'],
  ['26', 'Howto & Style'],
  ['27', 'Education'],
  ['28', 'Science & Technology'],
  ['29', 'Nonprofits & Activism'],
];

export const VIDEO_PARTS = [
  'contentDetails',
  'fileDetails',
  'id',
  'liveStreamingDetails',
  'localizations',
  'player',
  'processingDetails',
  'recordingDetails',
  'snippet',
  'statistics',
  'status',
  'suggestions',
  'topicDetails',
];
export const PRIVACY = ['public', 'unlisted', 'private'];

/** `part` may come comma-separated or repeated (API-NOTES §1); names are checked against `allowed`. */
export function parseParts(value: string | string[] | undefined, allowed: readonly string[]): string[] {
  const parts = (Array.isArray(value) ? value : value === undefined ? [] : [value])
    .flatMap((v) => v.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) throw requiredParameter('part');
  for (const p of parts) {
    if (!allowed.includes(p)) {
      throw new ApiError(400, 'unknownPart', `'${p}'`, { location: 'part', locationType: 'parameter' });
    }
  }
  return [...new Set(parts)];
}
