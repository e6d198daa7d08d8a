// This file lists the candidate videos of watched folders: names that match a pattern and are not partial or temporary.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { usageError } from '../errors.js';

export const DEFAULT_PATTERN = '*.mp4,*.mkv,*.mov';

/** Names that downloaders and recorders give files they are still writing (and hidden files). */
const PARTIAL = /\.(part|partial|tmp|temp|crdownload|download|!qb|filepart)$|~$/i;

/** True for a name that is never uploaded: a dotfile or a partial/temporary download or recording. */
export function isPartialName(name: string): boolean {
  return name.startsWith('.') || PARTIAL.test(name);
}

/**
 * `--pattern '*.mp4,*.mkv'`: comma-separated shell globs matched against the file name, case-insensitively; `*` is
 * any run of characters, `?` one. (A glob library would add character classes and `**`, which names in one flat
 * folder do not need.)
 */
export function compilePattern(pattern: string): (name: string) => boolean {
  const globs = pattern
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  if (globs.length === 0)
    throw usageError(
      `--pattern: "${pattern}" names no file pattern.`,
      `Example: --pattern '${DEFAULT_PATTERN}'`,
    );
  const regexps = globs.map((glob) => {
    if (glob.includes('/')) throw usageError(`--pattern: "${glob}" must be a file name pattern, without /.`);
    const source = glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    return new RegExp(`^${source}$`, 'i');
  });
  return (name) => regexps.some((re) => re.test(name));
}

export interface FolderEntry {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * The regular, non-empty files directly in `dirs` (not in subfolders, so a --move-to folder inside is left alone)
 * whose names match. A folder that cannot be read is reported through `onError` and skipped this time.
 */
export async function scanFolders(
  dirs: readonly string[],
  matches: (name: string) => boolean,
  onError: (dir: string, error: NodeJS.ErrnoException) => void,
): Promise<FolderEntry[]> {
  const found: FolderEntry[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      onError(dir, error as NodeJS.ErrnoException);
      continue;
    }
    for (const name of names) {
      if (isPartialName(name) || !matches(name)) continue;
      const path = join(dir, name);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile() && info.size > 0) found.push({ path, size: info.size, mtimeMs: info.mtimeMs });
    }
  }
  return found;
}
