// This file keeps content reads where they belong: never inside vupload's own config or state, real paths compared.
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { usageError } from './errors.js';
import { configDir, type Env, stateDir } from './paths.js';

/**
 * The real path of `path` (symlinks resolved). A path that does not exist yet resolves through its nearest existing
 * ancestor, so a missing file is judged by where it would be.
 */
export async function realPathOf(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const parent = dirname(absolute);
    if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === absolute) return absolute;
    return join(await realPathOf(parent), basename(absolute));
  }
}

/** True when `child` is `parent` or below it (both absolute, already real). */
export function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Which of vupload's own directories (config, state) `path` lies in, compared by real path; undefined for none. */
export async function privateDirOf(
  path: string,
  env: Env,
): Promise<{ dir: string; what: 'config' | 'state' } | undefined> {
  const real = await realPathOf(path);
  for (const [dir, what] of [
    [configDir(env), 'config'],
    [stateDir(env), 'state'],
  ] as const) {
    if (isInside(real, await realPathOf(dir))) return { dir, what };
  }
  return undefined;
}

/**
 * Refuses (exit 2) a file named as content (a video, description, metadata, thumbnail, caption) that lies in
 * vupload's config or state directory: those hold tokens and sessions, which must never become a video's text.
 * `label` names where the path came from (`--description-file`, `uploads.jsonl line 3 "description_file"`).
 */
export async function assertNotPrivate(path: string, label: string, env: Env): Promise<void> {
  const own = await privateDirOf(path, env);
  if (own) {
    const { dir, what } = own;
    throw usageError(
      `${label} ${path}: is inside vupload's ${what} directory (${dir}); vupload never reads its own ` +
        `${what === 'config' ? 'logins and client secrets' : 'sessions and journal'} as content. Nothing was sent.`,
      'Name a file outside that directory.',
    );
  }
}
