// This file compares the metadata a command sets with the metadata the journal recorded for its upload (pure).
import type { RecordedMetadata } from '../upload/journal.js';

export type { RecordedMetadata };

/** What a command says of the video: its fields, which of them it sets itself (not defaults), and their templates. */
export interface WantedMetadata {
  fields: Record<string, unknown>;
  given: readonly string[];
  templates?: Record<string, string>;
}

/** One field whose value the command sets differs from the recorded one (`before`). */
export interface MetadataChange {
  field: string;
  before: unknown;
  after: unknown;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{snippet: {title: 'A'}, localizations: {fr: {title: 'B'}}}` → `{'snippet.title': 'A', 'localizations.fr.title': 'B'}`. */
export function flattenFields(resource: object, prefix = ''): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (value === undefined || value === null) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value)) Object.assign(fields, flattenFields(value, path));
    else fields[path] = value;
  }
  return fields;
}

/** The record of an upload that set `resource` (its `id` is not metadata), with the templates its fields came from. */
export function recordedMetadata(resource: object, templates?: Record<string, string>): RecordedMetadata {
  const { id: _, ...rest } = resource as Record<string, unknown>;
  return {
    fields: flattenFields(rest),
    ...(templates && Object.keys(templates).length > 0 ? { templates: { ...templates } } : {}),
  };
}

/** Structural equality of JSON values (field values are strings, booleans, numbers and arrays of them). */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The fields the command sets whose value differs from the recorded one: fields it leaves to defaults are not
 * compared, and neither is what the server holds now (an edit in YouTube Studio is not undone by an unchanged cron
 * line). A field rendered from the template it was recorded with is unchanged whatever it renders to now: `{index}`
 * counts the files of a run, so the same command line over a folder that gained a file must not rename old videos.
 */
export function metadataChanges(recorded: RecordedMetadata, wanted: WantedMetadata): MetadataChange[] {
  const changes: MetadataChange[] = [];
  for (const field of wanted.given) {
    const template = wanted.templates?.[field];
    if (template !== undefined && recorded.templates?.[field] === template) continue;
    const before = recorded.fields[field];
    const after = wanted.fields[field];
    if (after !== undefined && !same(before, after)) changes.push({ field, before, after });
  }
  return changes;
}

/** The record after an update that applied `changes`: the next comparison is against it. */
export function afterUpdate(
  recorded: RecordedMetadata,
  wanted: WantedMetadata,
  changes: readonly MetadataChange[],
): RecordedMetadata {
  const fields = { ...recorded.fields };
  const templates = { ...recorded.templates };
  for (const { field, after } of changes) {
    fields[field] = after;
    const template = wanted.templates?.[field];
    if (template === undefined) delete templates[field];
    else templates[field] = template;
  }
  return { fields, ...(Object.keys(templates).length > 0 ? { templates } : {}) };
}

/** A record read back from a journal line or an `updated` step (anything else is unknown: undefined). */
export function parseRecordedMetadata(value: unknown): RecordedMetadata | undefined {
  let data = value;
  if (typeof value === 'string') {
    try {
      data = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!isPlainObject(data) || !isPlainObject(data.fields)) return undefined;
  const templates = isPlainObject(data.templates)
    ? Object.fromEntries(Object.entries(data.templates).filter(([, t]) => typeof t === 'string'))
    : undefined;
  return { fields: data.fields, ...(templates ? { templates: templates as Record<string, string> } : {}) };
}

/**
 * What the journal knows an upload's video carries: the latest update's record (an `updated` step's detail), else
 * what the upload set, else nothing (a line written before vupload recorded metadata).
 */
export function latestMetadata(
  uploadMetadata: unknown,
  updatedDetail: string | undefined,
): RecordedMetadata | undefined {
  return parseRecordedMetadata(updatedDetail) ?? parseRecordedMetadata(uploadMetadata);
}

/** `snippet.title: "Old" -> "New"`, as `vupload update` prints a diff. */
export function describeChange(change: MetadataChange): string {
  const show = (value: unknown) => (value === undefined ? '(none)' : JSON.stringify(value));
  return `${change.field}: ${show(change.before)} -> ${show(change.after)}`;
}
