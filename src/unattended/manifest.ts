// This file reads a batch manifest (JSON Lines or CSV): one upload per entry, each with its own metadata and steps.
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { usageError } from '../errors.js';
import { parseCsv } from './csv.js';
import { type ConfineOptions, confineManifest } from './manifest-paths.js';

/*
 * MANIFEST FORMAT (docs/unattended.md "Batches")
 *
 * `vupload batch MANIFEST` reads JSON Lines (`.jsonl` or `.ndjson`: one JSON object per line) or CSV (`.csv`: a
 * header row naming the columns, then one row per file; RFC 4180 quoting, so a field in double quotes may hold
 * commas, newlines and "" for a quote). Keys / columns:
 *
 *   file              required; the video, relative to the manifest's folder (absolute only with --allow-outside)
 *   title             may use the title template placeholders {name} {ext} {date} {index}
 *   description       text (may use the same placeholders)
 *   description_file  a text file holding the description (not together with description)
 *   tags              JSONL: an array of strings; CSV: comma-separated inside one quoted field
 *   category          category id, e.g. 22
 *   privacy           public | unlisted | private
 *   publish_at        ISO 8601 time (implies private)
 *   made_for_kids     true | false (CSV also: yes | no | 1 | 0)
 *   thumbnail         a JPEG or PNG file
 *   playlists         JSONL: an array of playlist ids or titles; CSV: separated by ";"
 *   caption           a caption file, optionally followed by :LANG (e.g. talk.srt:en)
 *   metadata          a JSON file holding a partial video resource (the entry's own keys override it)
 *
 * Paths are relative to the manifest's folder and must stay inside it (`vupload batch --allow-outside` lifts that);
 * files in vupload's own config and state directories are always refused. `~` is not expanded. An empty CSV cell means "not given". An entry
 * with an error (unknown key, wrong type, missing file) is reported with its line number; the others still run.
 *
 * Example uploads.jsonl:
 *   {"file": "talks/keynote.mp4", "title": "Keynote {date}", "tags": ["conference", "keynote"], "privacy": "unlisted"}
 *   {"file": "talks/panel.mp4", "description_file": "talks/panel.txt", "playlists": ["PLabc123", "Conference 2025"]}
 *   {"file": "talks/demo.mp4", "thumbnail": "demo.jpg", "caption": "demo.srt:en", "made_for_kids": false}
 *
 * Example uploads.csv:
 *   file,title,tags,privacy,playlists,description
 *   talks/keynote.mp4,Keynote {date},"conference,keynote",unlisted,PLabc123;Conference 2025,
 *   talks/panel.mp4,"Panel: ""What next?""",conference,private,,"Two lines,
 *   of description"
 */

export interface ManifestCaption {
  file: string;
  language?: string;
}

/** One upload; paths are absolute. */
export interface ManifestEntry {
  /** The line on which the entry starts, for messages. */
  line: number;
  file: string;
  title?: string;
  description?: string;
  descriptionFile?: string;
  tags?: string[];
  category?: string;
  privacy?: string;
  publishAt?: string;
  madeForKids?: boolean;
  thumbnail?: string;
  playlists?: string[];
  caption?: ManifestCaption;
  metadata?: string;
}

export interface ManifestError {
  line: number;
  message: string;
}

export interface ParsedManifest {
  entries: ManifestEntry[];
  errors: ManifestError[];
}

export type ManifestFormat = 'jsonl' | 'csv';

type Kind = 'string' | 'path' | 'list' | 'boolean' | 'caption';
const KEYS: Record<string, { field: keyof Omit<ManifestEntry, 'line'>; kind: Kind }> = {
  file: { field: 'file', kind: 'path' },
  title: { field: 'title', kind: 'string' },
  description: { field: 'description', kind: 'string' },
  description_file: { field: 'descriptionFile', kind: 'path' },
  tags: { field: 'tags', kind: 'list' },
  category: { field: 'category', kind: 'string' },
  privacy: { field: 'privacy', kind: 'string' },
  publish_at: { field: 'publishAt', kind: 'string' },
  made_for_kids: { field: 'madeForKids', kind: 'boolean' },
  thumbnail: { field: 'thumbnail', kind: 'path' },
  playlists: { field: 'playlists', kind: 'list' },
  caption: { field: 'caption', kind: 'caption' },
  metadata: { field: 'metadata', kind: 'path' },
};
export const MANIFEST_KEYS = Object.keys(KEYS);

/** A key of KEYS itself: `in` would also accept what every object inherits (`constructor`, `toString`, `__proto__`). */
const isKey = (key: string): boolean => Object.hasOwn(KEYS, key);

/** The format by file extension; anything else is a usage error. */
export function manifestFormat(path: string): ManifestFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv') return 'csv';
  throw usageError(
    `Cannot tell the format of the manifest ${path}.`,
    'Name it *.jsonl / *.ndjson (JSON Lines) or *.csv.',
  );
}

/**
 * Reads and parses a manifest file, its paths confined (manifest-paths.ts). A missing or unreadable file is a usage
 * error; bad entries are in `errors`.
 */
export async function readManifest(path: string, options: ConfineOptions = {}): Promise<ParsedManifest> {
  const format = manifestFormat(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw usageError(`Cannot read the manifest ${path}: ${(error as NodeJS.ErrnoException).code ?? error}.`);
  }
  return confineManifest(parseManifest(text, { path: resolve(path), format }), resolve(path), options);
}

/** Parses manifest text (pure). `path` is the manifest's own path: entries' paths are resolved against its folder. */
export function parseManifest(
  text: string,
  options: { path: string; format?: ManifestFormat },
): ParsedManifest {
  const format = options.format ?? manifestFormat(options.path);
  const base = dirname(resolve(options.path));
  const raw = format === 'csv' ? csvObjects(text) : jsonlObjects(text);
  const result: ParsedManifest = { entries: [], errors: raw.errors };
  const seen = new Map<string, number>();
  for (const { line, values, fromCsv } of raw.objects) {
    try {
      const entry = toEntry(values, line, base, fromCsv);
      const earlier = seen.get(entry.file);
      if (earlier !== undefined) throw new Error(`${entry.file} is already listed on line ${earlier}`);
      seen.set(entry.file, line);
      result.entries.push(entry);
    } catch (error) {
      result.errors.push({ line, message: (error as Error).message });
    }
  }
  result.errors.sort((a, b) => a.line - b.line);
  return result;
}

interface RawObject {
  line: number;
  values: Record<string, unknown>;
  fromCsv: boolean;
}

function jsonlObjects(text: string): { objects: RawObject[]; errors: ManifestError[] } {
  const objects: RawObject[] = [];
  const errors: ManifestError[] = [];
  text.split('\n').forEach((content, at) => {
    const line = at + 1;
    const trimmed = content.replace(/^\uFEFF/, '').trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      errors.push({ line, message: `not valid JSON (${(error as Error).message})` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push({ line, message: 'each line must be one JSON object, e.g. {"file": "video.mp4"}' });
      return;
    }
    objects.push({ line, values: value as Record<string, unknown>, fromCsv: false });
  });
  return { objects, errors };
}

function csvObjects(text: string): { objects: RawObject[]; errors: ManifestError[] } {
  const { records, errors } = parseCsv(text);
  const [header, ...rows] = records;
  if (!header) return { objects: [], errors: [...errors, { line: 1, message: 'the manifest is empty' }] };
  const columns = header.fields.map((name) => name.trim().toLowerCase());
  // A misspelt column would silently drop a value for every file, so a bad header stops the whole manifest.
  const unknown = columns.filter((name) => !isKey(name));
  const headerErrors: string[] = [];
  if (unknown.length > 0)
    headerErrors.push(`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  const dupes = columns.filter((name, i) => columns.indexOf(name) !== i);
  if (dupes.length > 0) headerErrors.push(`column ${dupes.join(', ')} given twice`);
  if (!columns.includes('file')) headerErrors.push('the header has no "file" column');
  if (headerErrors.length > 0) {
    const known = `known columns: ${MANIFEST_KEYS.join(', ')}`;
    return {
      objects: [],
      errors: [...errors, { line: header.line, message: `${headerErrors.join('; ')} (${known})` }],
    };
  }
  const objects: RawObject[] = [];
  for (const row of rows) {
    if (row.fields.length > columns.length && row.fields.slice(columns.length).some((f) => f.trim() !== '')) {
      errors.push({
        line: row.line,
        message: `${row.fields.length} fields but the header names ${columns.length}`,
      });
      continue;
    }
    const values: Record<string, unknown> = {};
    columns.forEach((name, i) => {
      const cell = row.fields[i] ?? '';
      if (cell.trim() !== '') values[name] = cell;
    });
    objects.push({ line: row.line, values, fromCsv: true });
  }
  return { objects, errors };
}

function toEntry(
  values: Record<string, unknown>,
  line: number,
  base: string,
  fromCsv: boolean,
): ManifestEntry {
  const unknown = Object.keys(values).filter((key) => !isKey(key));
  if (unknown.length > 0) {
    throw new Error(
      `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}`,
    );
  }
  if (values.file === undefined || values.file === '') throw new Error('"file" is required');
  if (values.description !== undefined && values.description_file !== undefined) {
    throw new Error('give "description" or "description_file", not both');
  }
  const entry: Record<string, unknown> = { line };
  for (const [key, value] of Object.entries(values)) {
    if (value === null) continue;
    const { field, kind } = KEYS[key]!;
    entry[field] = convert(key, kind, value, base, fromCsv);
  }
  return entry as unknown as ManifestEntry;
}

function convert(key: string, kind: Kind, value: unknown, base: string, fromCsv: boolean): unknown {
  const text = (): string => {
    if (typeof value === 'string') return fromCsv ? value.trim() : value;
    if (typeof value === 'number' && key === 'category') return String(value);
    throw new Error(`"${key}" must be a string`);
  };
  switch (kind) {
    case 'string':
      return text();
    case 'path': {
      const path = text();
      if (path === '') throw new Error(`"${key}" must not be empty`);
      return resolve(base, path);
    }
    case 'caption': {
      // FILE[:LANG], as the --caption flag takes it; a language is 2–3 letters with optional subtags.
      const match = /^(.+):([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)$/.exec(text());
      return match ? { file: resolve(base, match[1]!), language: match[2] } : { file: resolve(base, text()) };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const word = fromCsv && typeof value === 'string' ? value.trim().toLowerCase() : undefined;
      if (word === 'true' || word === 'yes' || word === '1') return true;
      if (word === 'false' || word === 'no' || word === '0') return false;
      throw new Error(`"${key}" must be true or false`);
    }
    case 'list': {
      const separator = key === 'playlists' ? ';' : ',';
      const items =
        typeof value === 'string'
          ? value.split(separator)
          : Array.isArray(value) && value.every((v) => typeof v === 'string')
            ? (value as string[])
            : undefined;
      if (!items)
        throw new Error(`"${key}" must be an array of strings (or one "${separator}"-separated string)`);
      return items.map((item) => item.trim()).filter((item) => item !== '');
    }
  }
}
