// This file defines the writable shape of a YouTube video resource and the list of its mutable fields (API-NOTES §3, §4).

export const PRIVACY_STATUSES = ['public', 'unlisted', 'private'] as const;
export type PrivacyStatus = (typeof PRIVACY_STATUSES)[number];
export const LICENSES = ['youtube', 'creativeCommon'] as const;
export type License = (typeof LICENSES)[number];

/**
 * The video categories a video can be given (videoCategories.list's `assignable: true`, the same ids in every region
 * that has them; a region may lack one, which YouTube then refuses as invalidCategoryId). Ids 18, 21 and 30-44
 * exist for browsing only and are never assignable. The list has not changed since 2014; `vupload categories`
 * asks YouTube for a region's own. The sandbox keeps its own copy (src/sandbox/youtube/catalog.ts): it shares no code with
 * the client, so it cannot share a mistake in this list.
 */
export const ASSIGNABLE_CATEGORIES: ReadonlyMap<string, string> = new Map([
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
]);

export interface Localization {
  title?: string;
  description?: string;
}

export interface VideoSnippet {
  title?: string;
  description?: string;
  tags?: string[];
  categoryId?: string;
  defaultLanguage?: string;
  defaultAudioLanguage?: string;
}

export interface VideoStatus {
  privacyStatus?: string;
  publishAt?: string;
  selfDeclaredMadeForKids?: boolean;
  containsSyntheticMedia?: boolean;
  license?: string;
  embeddable?: boolean;
  publicStatsViewable?: boolean;
}

export interface RecordingDetails {
  recordingDate?: string;
  /** Deprecated but still mutable (seed youtube-videos-update.tr.txt); kept so an update does not delete it. */
  locationDescription?: string;
  location?: { latitude?: number; longitude?: number; altitude?: number };
}

/** The parts of a video resource vupload writes; fields the user did not give are absent, never null. */
export interface VideoResource {
  id?: string;
  snippet?: VideoSnippet;
  status?: VideoStatus;
  recordingDetails?: RecordingDetails;
  localizations?: Record<string, Localization>;
}

/** The parts videos.update can replace, in the order vupload names them in `part=`. */
export const WRITABLE_PARTS = ['snippet', 'status', 'recordingDetails', 'localizations'] as const;
export type WritablePart = (typeof WRITABLE_PARTS)[number];

/**
 * Every mutable property of each part. videos.update deletes whatever a named part leaves out
 * (seed youtube-videos-update.tr.txt: "değer belirtmiyorsa mülkün mevcut değeri silinir"), so an update sends all of them.
 */
export const MUTABLE_FIELDS = {
  snippet: ['title', 'description', 'tags', 'categoryId', 'defaultLanguage', 'defaultAudioLanguage'],
  status: [
    'privacyStatus',
    'embeddable',
    'license',
    'publicStatsViewable',
    'publishAt',
    'selfDeclaredMadeForKids',
    'containsSyntheticMedia',
  ],
  recordingDetails: ['recordingDate', 'locationDescription', 'location'],
} as const;

/** A dotted path of a field the user can set, e.g. `snippet.title`; `localizations` is the whole map. */
export type ResourceField =
  | `snippet.${(typeof MUTABLE_FIELDS.snippet)[number]}`
  | `status.${(typeof MUTABLE_FIELDS.status)[number]}`
  | 'recordingDetails.recordingDate'
  | 'localizations';

/** Reads `part.key` from a resource whose values may be null (as videos.list answers); null reads as undefined. */
export function getField(resource: object | null | undefined, path: string): unknown {
  let value: unknown = resource;
  for (const key of path.split('.')) {
    if (value === null || value === undefined || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value === null ? undefined : value;
}

/** Sets `part.key` on a resource, creating the part; `undefined` deletes the key. */
export function setField(resource: VideoResource, path: string, value: unknown): void {
  const [part, key] = path.split('.') as [keyof VideoResource, string | undefined];
  const target = resource as Record<string, unknown>;
  if (key === undefined) {
    if (value === undefined) delete target[part];
    else target[part] = value;
    return;
  }
  const container = (target[part] ?? {}) as Record<string, unknown>;
  if (value === undefined) delete container[key];
  else container[key] = value;
  target[part] = container;
}

/** A deep copy of plain JSON data (resources are plain JSON). */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** Structural equality for JSON values; object key order does not matter. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
