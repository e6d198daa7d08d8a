// This file turns the user's metadata wishes (flags and `--metadata FILE.json`) into a video resource (pure).
import { basename } from 'node:path';
import { replaceControlCharacters } from '../../text.js';
import {
  cloneJson,
  type Localization,
  type ResourceField,
  setField,
  type VideoResource,
  WRITABLE_PARTS,
  type WritablePart,
} from './resource.js';
import { parseIsoDateTime } from './validate.js';

export { parseMetadataFile } from './metadata-file.js';
export { tagsLength, type ValidateOptions, validateResource } from './validate.js';

/**
 * What the user asked for; every field optional. The description is a string here: the caller reads
 * `--description-file` (see `readDescriptionFile` in inputs.ts) and sets `flags.description = '--description-file'`.
 */
export interface MetadataValues {
  title?: string;
  description?: string;
  tags?: string[];
  categoryId?: string;
  privacyStatus?: string;
  publishAt?: string;
  madeForKids?: boolean;
  syntheticMedia?: boolean;
  license?: string;
  embeddable?: boolean;
  publicStatsViewable?: boolean;
  defaultLanguage?: string;
  defaultAudioLanguage?: string;
  recordingDate?: string;
  localizations?: Record<string, Localization>;
}

export type MetadataKey = keyof MetadataValues;

export interface MetadataInput extends MetadataValues {
  /** Tags to add to (or remove from) the file's, the flags' or the video's current tags; matched case-insensitively. */
  addTags?: string[];
  removeTags?: string[];
  /** A partial video resource from `--metadata FILE.json` (run it through parseMetadataFile); flags override it. */
  metadataFile?: VideoResource;
  /** The file's name, for messages ("--metadata meta.json (snippet.title): …"). */
  metadataFileName?: string;
  /** Which flag supplied each value, e.g. `{ tags: '--keywords', privacyStatus: '--privacyStatus' }`; defaults below. */
  flags?: Partial<Record<MetadataKey | 'addTags' | 'removeTags', string>>;
}

/** Where each input value lands in the resource. */
export const FIELD_OF: Record<MetadataKey, ResourceField> = {
  title: 'snippet.title',
  description: 'snippet.description',
  tags: 'snippet.tags',
  categoryId: 'snippet.categoryId',
  defaultLanguage: 'snippet.defaultLanguage',
  defaultAudioLanguage: 'snippet.defaultAudioLanguage',
  privacyStatus: 'status.privacyStatus',
  publishAt: 'status.publishAt',
  madeForKids: 'status.selfDeclaredMadeForKids',
  syntheticMedia: 'status.containsSyntheticMedia',
  license: 'status.license',
  embeddable: 'status.embeddable',
  publicStatsViewable: 'status.publicStatsViewable',
  recordingDate: 'recordingDetails.recordingDate',
  localizations: 'localizations',
};

/** The flag named in messages when `input.flags` does not say which one the user typed. */
export const DEFAULT_FLAGS: Record<MetadataKey | 'addTags' | 'removeTags', string> = {
  title: '--title',
  description: '--description',
  tags: '--tags',
  addTags: '--add-tags',
  removeTags: '--remove-tags',
  categoryId: '--category',
  privacyStatus: '--privacy',
  publishAt: '--publish-at',
  madeForKids: '--made-for-kids',
  syntheticMedia: '--synthetic-media',
  license: '--license',
  embeddable: '--embeddable',
  publicStatsViewable: '--public-stats',
  defaultLanguage: '--default-language',
  defaultAudioLanguage: '--default-audio-language',
  recordingDate: '--recording-date',
  localizations: '--localization',
};

export type FlagNames = Partial<Record<ResourceField, string>>;

/** `'surfing, Santa Cruz'` → `['surfing', 'Santa Cruz']`: comma-separated, trimmed, empty entries dropped. */
export function parseKeywords(text: string): string[] {
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

/** Appends `add` (skipping tags already present) and drops `remove`, both compared case-insensitively. */
export function applyTagEdits(
  tags: readonly string[],
  add: readonly string[] = [],
  remove: readonly string[] = [],
) {
  const removed = new Set(remove.map((t) => t.toLowerCase()));
  const result = tags.filter((t) => !removed.has(t.toLowerCase()));
  for (const tag of add) {
    if (removed.has(tag.toLowerCase())) continue;
    if (!result.some((t) => t.toLowerCase() === tag.toLowerCase())) result.push(tag);
  }
  return result;
}

/**
 * The partial resource the user asked for (file first, flags over it) and which flag supplied each field.
 * No defaults, no tag edits. A date-only `recordingDate` becomes midnight UTC, the API's datetime form.
 */
export function inputToResource(input: MetadataInput): { resource: VideoResource; flagNames: FlagNames } {
  const resource: VideoResource = cloneJson(input.metadataFile) ?? {};
  delete resource.id;
  const flagNames: FlagNames = {};
  const fileFlag = `--metadata ${input.metadataFileName ?? 'FILE.json'}`;
  for (const field of Object.values(FIELD_OF)) {
    const [part, key] = field.split('.') as [WritablePart, string | undefined];
    const container = resource[part] as Record<string, unknown> | undefined;
    if (container !== undefined && (key === undefined || container[key] !== undefined)) {
      flagNames[field] = `${fileFlag} (${field})`;
    }
  }
  for (const name of Object.keys(FIELD_OF) as MetadataKey[]) {
    let value: unknown = input[name];
    if (value === undefined) continue;
    if (name === 'localizations') value = mergeLocalizations(resource.localizations, input.localizations);
    if (name === 'recordingDate' && parseIsoDateTime(String(value))?.hasTime === false)
      value = `${value}T00:00:00Z`;
    if (name === 'tags') value = [...(value as string[])];
    setField(resource, FIELD_OF[name], value);
    flagNames[FIELD_OF[name]] = input.flags?.[name] ?? DEFAULT_FLAGS[name];
  }
  if (input.addTags?.length || input.removeTags?.length) {
    flagNames['snippet.tags'] ??= input.flags?.addTags ?? DEFAULT_FLAGS.addTags;
  }
  return { resource, flagNames };
}

function mergeLocalizations(
  base: Record<string, Localization> | undefined,
  over: Record<string, Localization> | undefined,
): Record<string, Localization> {
  const result = cloneJson(base ?? {});
  for (const [lang, texts] of Object.entries(over ?? {})) result[lang] = { ...result[lang], ...texts };
  return result;
}

/** The title YouTube's sample would not have: the file name without its extension, made acceptable to the API. */
export function defaultTitle(fileName: string): string {
  const name = basename(fileName);
  const stem = name.replace(/\.[^.]*$/, '') || name;
  // Titles hold neither < > (API-NOTES §3) nor line breaks and other control characters a file name may have.
  const clean = replaceControlCharacters(stem).replace(/[<>]/g, '').trim();
  return [...clean].slice(0, 100).join('') || 'video';
}

/**
 * The videos.insert body and `part` list. Defaults follow Google's sample (seed youtube-upload-video-sample.tr.txt):
 * title = file name, categoryId 22; privacy defaults to private (safe for scripts; publishAt needs it anyway).
 * Fields the user did not give are omitted. Validate the result with validateResource.
 */
export function buildInsertResource(
  input: MetadataInput,
  options: { fileName: string },
): { resource: VideoResource; parts: WritablePart[]; flagNames: FlagNames } {
  const { resource, flagNames } = inputToResource(input);
  resource.snippet ??= {};
  resource.status ??= {};
  const { snippet, status } = resource;
  if (input.addTags?.length || input.removeTags?.length) {
    snippet.tags = applyTagEdits(snippet.tags ?? [], input.addTags, input.removeTags);
  }
  if (snippet.tags?.length === 0) delete snippet.tags;
  if (snippet.title === undefined) snippet.title = defaultTitle(options.fileName);
  snippet.categoryId ??= '22';
  status.privacyStatus ??= 'private';
  if (resource.localizations && Object.keys(resource.localizations).length === 0)
    delete resource.localizations;
  const ordered: VideoResource = {};
  for (const part of WRITABLE_PARTS) {
    if (resource[part] !== undefined) (ordered as Record<string, unknown>)[part] = resource[part];
  }
  const parts = WRITABLE_PARTS.filter((part) => ordered[part] !== undefined);
  return { resource: ordered, parts, flagNames };
}
