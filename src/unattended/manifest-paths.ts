// This file confines a manifest's paths: inside the manifest's folder (unless --allow-outside), never in vupload's dirs.
import { dirname } from 'node:path';
import { assertNotPrivate, type ContentPlaces, isInside, realPathOf } from '../confine.js';
import { isVuploadError } from '../errors.js';
import type { Env } from '../paths.js';
import type { ManifestEntry, ManifestError, ParsedManifest } from './manifest.js';

export interface ConfineOptions {
  /** `vupload batch --allow-outside`: paths may leave the manifest's folder (vupload's own dirs stay refused). */
  allowOutside?: boolean;
  /** Where vupload's config and state directories are (paths.ts). */
  env?: Env;
  /** Where credential files are read from besides `env` (confine.ts): never content either. */
  places?: ContentPlaces;
}

/** Every path an entry names, with the manifest key it came from (for messages). */
function pathsOf(entry: ManifestEntry): Array<{ key: string; path: string }> {
  const paths = [{ key: 'file', path: entry.file }];
  if (entry.descriptionFile) paths.push({ key: 'description_file', path: entry.descriptionFile });
  if (entry.thumbnail) paths.push({ key: 'thumbnail', path: entry.thumbnail });
  if (entry.caption) paths.push({ key: 'caption', path: entry.caption.file });
  if (entry.metadata) paths.push({ key: 'metadata', path: entry.metadata });
  return paths;
}

/**
 * A manifest may come from elsewhere (a shared folder, a generator): its lines must not make vupload read files
 * it was not meant to, such as its own token files into a public description. Each path is compared by its real
 * path (symlinks resolved) with the manifest's real folder. An entry with a refused path becomes an error naming
 * its line and key; the others are kept.
 */
export async function confineManifest(
  parsed: ParsedManifest,
  manifestPath: string,
  options: ConfineOptions = {},
): Promise<ParsedManifest> {
  const folder = await realPathOf(dirname(manifestPath));
  const entries: ManifestEntry[] = [];
  const errors: ManifestError[] = [...parsed.errors];
  for (const entry of parsed.entries) {
    const problem = await refusedPath(entry, folder, options);
    if (problem) errors.push({ line: entry.line, message: problem });
    else entries.push(entry);
  }
  errors.sort((a, b) => a.line - b.line);
  return { entries, errors };
}

async function refusedPath(
  entry: ManifestEntry,
  folder: string,
  options: ConfineOptions,
): Promise<string | undefined> {
  for (const { key, path } of pathsOf(entry)) {
    try {
      await assertNotPrivate(path, `"${key}"`, options.env ?? process.env, options.places);
    } catch (error) {
      if (isVuploadError(error)) return error.message;
      throw error;
    }
    if (!options.allowOutside && !isInside(await realPathOf(path), folder)) {
      return (
        `"${key}" ${path} is outside the manifest's folder ${folder}; refused ` +
        '(give --allow-outside to allow paths outside it)'
      );
    }
  }
  return undefined;
}
