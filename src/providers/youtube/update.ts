// This file plans a videos.update: merge the user's wishes into the current video and send back complete parts (pure).
import { usageError } from '../../errors.js';
import { applyTagEdits, FIELD_OF, inputToResource, type MetadataInput } from './metadata.js';
import {
  cloneJson,
  getField,
  jsonEqual,
  type Localization,
  MUTABLE_FIELDS,
  setField,
  type VideoResource,
  WRITABLE_PARTS,
  type WritablePart,
} from './resource.js';
import { parseIsoDateTime, validateResource } from './validate.js';

/** A video as videos.list returns it (values may be null); it must carry every writable part that may change. */
export interface CurrentVideo {
  id?: string | null;
  snippet?: object | null;
  status?: object | null;
  recordingDetails?: object | null;
  localizations?: Record<string, object> | null;
}

export interface DiffEntry {
  /** e.g. `snippet.title`, `status.privacyStatus`, `localizations.fr.title`. */
  field: string;
  before: unknown;
  after: unknown;
}

export interface UpdatePlan {
  /** `id` plus each changed part, complete: videos.update deletes whatever a named part leaves out. */
  body: VideoResource & { id: string };
  /** Only the parts that change; empty when there is nothing to change. */
  parts: WritablePart[];
  diff: DiffEntry[];
}

/**
 * The wishes that set `fields` (paths as flattenFields gives them: `snippet.title`, `localizations.fr.title`), for
 * planUpdate: a re-run's command that sets other values than were recorded (issue 27, item 3).
 */
export function inputFromFields(fields: Record<string, unknown>): MetadataInput {
  const input: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(FIELD_OF)) {
    if (fields[field] !== undefined) input[key] = cloneJson(fields[field]);
  }
  const localizations: Record<string, Localization> = {};
  for (const [path, value] of Object.entries(fields)) {
    const [part, lang, text] = path.split('.');
    if (part !== 'localizations' || !lang || (text !== 'title' && text !== 'description')) continue;
    localizations[lang] = { ...localizations[lang], [text]: String(value) };
  }
  if (Object.keys(localizations).length > 0) input.localizations = localizations;
  return input as MetadataInput;
}

/** The writable fields of a videos.list answer, with nulls dropped. */
export function mutableCopy(current: CurrentVideo): VideoResource {
  const copy: VideoResource = {};
  for (const part of ['snippet', 'status', 'recordingDetails'] as const) {
    for (const key of MUTABLE_FIELDS[part]) {
      const value = getField(current, `${part}.${key}`);
      if (value !== undefined) setField(copy, `${part}.${key}`, cloneJson(value));
    }
  }
  if (current.localizations) {
    const localizations: Record<string, Localization> = {};
    for (const [lang, texts] of Object.entries(current.localizations)) {
      const entry: Localization = {};
      const title = getField(texts, 'title');
      const description = getField(texts, 'description');
      if (title !== undefined) entry.title = String(title);
      if (description !== undefined) entry.description = String(description);
      localizations[lang] = entry;
    }
    copy.localizations = localizations;
  }
  return copy;
}

function sameValue(field: string, a: unknown, b: unknown): boolean {
  if (field === 'status.publishAt' && typeof a === 'string' && typeof b === 'string') {
    // The API may echo the instant in another form (offset vs Z); the same instant is no change.
    const ta = parseIsoDateTime(a)?.ms;
    if (ta !== undefined && ta === parseIsoDateTime(b)?.ms) return true;
  }
  return jsonEqual(a, b);
}

/**
 * Plans the update of `current` with the user's wishes: only the fields given change, each changed part is sent
 * back whole. Rules from seed youtube-videos-update.tr.txt: categoryId (and title) whenever snippet is sent,
 * publishAt only with private, localizations only with a default language. Throws a usage error (exit 2)
 * when a wish breaks a rule; nothing has been written then.
 */
export function planUpdate(
  current: CurrentVideo,
  input: MetadataInput,
  options: { now?: Date | number } = {},
): UpdatePlan {
  const id = current.id;
  if (!id) throw new TypeError('planUpdate needs the current video with its id');
  const { resource: wish, flagNames } = inputToResource(input);
  validateResource(wish, { now: options.now ?? Date.now(), flagNames, partial: true });

  const before = mutableCopy(current);
  const next = cloneJson(before);
  for (const field of Object.values(FIELD_OF)) {
    const value = getField(wish, field);
    if (value === undefined) continue;
    if (field === 'localizations') {
      const merged = next.localizations ?? {};
      for (const [lang, texts] of Object.entries(value as Record<string, Localization>)) {
        merged[lang] = { ...merged[lang], ...texts };
      }
      next.localizations = merged;
    } else if (!sameValue(field, getField(next, field), value)) {
      setField(next, field, cloneJson(value));
    }
  }
  if (input.addTags?.length || input.removeTags?.length) {
    setField(next, 'snippet.tags', applyTagEdits(next.snippet?.tags ?? [], input.addTags, input.removeTags));
  }
  if (next.snippet?.tags?.length === 0) delete next.snippet.tags;
  const wishPrivacy = getField(wish, 'status.privacyStatus');
  const wishPublishAt = getField(wish, 'status.publishAt');
  // A publish time implies private (API-NOTES §3); making a scheduled video public or unlisted drops the schedule.
  if (wishPublishAt !== undefined && wishPrivacy === undefined)
    setField(next, 'status.privacyStatus', 'private');
  if (
    wishPublishAt === undefined &&
    next.status?.publishAt !== undefined &&
    next.status.privacyStatus !== 'private'
  ) {
    delete next.status.publishAt;
  }

  const diff = diffResources(before, next);
  const changed = new Set(diff.map((entry) => entry.field.split('.')[0] as WritablePart));
  const parts = WRITABLE_PARTS.filter((part) => changed.has(part));
  const body: VideoResource & { id: string } = { id };
  for (const part of parts) Object.assign(body, { [part]: next[part] ?? {} });

  if (body.snippet) {
    if (body.snippet.categoryId === undefined) {
      throw usageError(
        '--category: this video has no category, and YouTube needs one whenever the snippet changes.',
        'Add --category 22 (People & Blogs) or another id from `vupload categories`.',
      );
    }
    if (body.snippet.title === undefined) {
      throw usageError(
        '--title: this video has no title, and YouTube needs one whenever the snippet changes.',
      );
    }
  }
  const localized = next.localizations !== undefined && Object.keys(next.localizations).length > 0;
  const languageChanged = diff.some((entry) => entry.field === 'snippet.defaultLanguage');
  if (localized && (changed.has('localizations') || languageChanged) && !next.snippet?.defaultLanguage) {
    throw usageError(
      `${flagNames.localizations ?? flagNames['snippet.defaultLanguage'] ?? '--localization'}: localized titles and descriptions need a default language, and this video has none.`,
      'Add --default-language (the language of the main title and description), e.g. --default-language en.',
    );
  }
  return { body, parts, diff };
}

/** Field-by-field differences between two writable resources (localizations per language and text). */
export function diffResources(before: VideoResource, after: VideoResource): DiffEntry[] {
  const diff: DiffEntry[] = [];
  for (const part of ['snippet', 'status', 'recordingDetails'] as const) {
    for (const key of MUTABLE_FIELDS[part]) {
      const field = `${part}.${key}`;
      const a = getField(before, field);
      const b = getField(after, field);
      if (!sameValue(field, a, b)) diff.push({ field, before: a, after: b });
    }
  }
  const langs = new Set([
    ...Object.keys(before.localizations ?? {}),
    ...Object.keys(after.localizations ?? {}),
  ]);
  for (const lang of [...langs].sort()) {
    for (const key of ['title', 'description'] as const) {
      const a = before.localizations?.[lang]?.[key];
      const b = after.localizations?.[lang]?.[key];
      if (a !== b) diff.push({ field: `localizations.${lang}.${key}`, before: a, after: b });
    }
  }
  return diff;
}
