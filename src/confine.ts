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

/** vupload's config or state directory that `path` lies in (real paths compared), or undefined. */
export async function ownDirHolding(
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

/** What each of vupload's own directories holds, for messages. */
export const OWN_DIR_HOLDS = { config: 'logins and client secrets', state: 'sessions and journal' } as const;

/**
 * Refuses (exit 2) a file named as content (a video, description, metadata, thumbnail, caption) that lies in
 * vupload's config or state directory: those hold tokens and sessions, which must never become a video's text.
 * `label` names where the path came from (`--description-file`, `uploads.jsonl line 3 "description_file"`).
 */
export async function assertNotPrivate(path: string, label: string, env: Env): Promise<void> {
  const own = await ownDirHolding(path, env);
  if (own) {
    throw usageError(
      `${label} ${path}: is inside vupload's ${own.what} directory (${own.dir}); vupload never reads its own ` +
        `${OWN_DIR_HOLDS[own.what]} as content. Nothing was sent.`,
      'Name a file outside that directory.',
    );
  }
}
