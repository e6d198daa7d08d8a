// This file keeps content reads where they belong: never inside vupload's own config or state, never a credential
// file (credential-files.ts), real paths compared.
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CREDENTIAL_FILES, type CredentialPlaces } from './credential-files.js';
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

/** Where credentials are read from besides the environment: the working directory and `--client-secrets`. */
export type ContentPlaces = Partial<Omit<CredentialPlaces, 'env'>>;

/**
 * Refuses (exit 2) a file named as content (a video, description, metadata, thumbnail, caption) that lies in
 * vupload's config or state directory, or that is a credential file a provider declares (the client secrets in use,
 * Youku's client file …): those hold tokens, secrets and sessions, which must never become a video or its text.
 * `label` names where the path came from (`--description-file`, `uploads.jsonl line 3 "description_file"`);
 * `places` default to this process's working directory and no `--client-secrets`.
 */
export async function assertNotPrivate(
  path: string,
  label: string,
  env: Env,
  places: ContentPlaces = {},
): Promise<void> {
  const own = await ownDirHolding(path, env);
  if (own) {
    throw usageError(
      `${label} ${path}: is inside vupload's ${own.what} directory (${own.dir}); vupload never reads its own ` +
        `${OWN_DIR_HOLDS[own.what]} as content. Nothing was sent.`,
      'Name a file outside that directory.',
    );
  }
  await assertNotCredential(path, await realPathOf(path), label, {
    env,
    ...places,
    cwd: places.cwd ?? process.cwd(),
  });
}

async function assertNotCredential(
  path: string,
  real: string,
  label: string,
  places: CredentialPlaces,
): Promise<void> {
  const refuse = (what: string) =>
    usageError(
      `${label} ${path}: is ${what}; credential files are never content (a description or a video would publish ` +
        'the secret). Nothing was sent.',
      'Name another file.',
    );
  // A hard link is the same file under another name: compared by device and inode as well.
  const info = await stat(real).catch(() => undefined);
  for (const file of CREDENTIAL_FILES.flatMap((declared) => declared.files(places))) {
    const credential = await realPathOf(file.path);
    const named = resolve(places.cwd, path) === file.path ? file.what : `${file.what} ${file.path}`;
    if (isInside(real, credential)) throw refuse(named);
    if (!info?.isFile()) continue;
    const other = await stat(credential).catch(() => undefined);
    if (other && other.dev === info.dev && other.ino === info.ino)
      throw refuse(`${named} (the same file under another name)`);
  }
  for (const { pattern, what } of CREDENTIAL_FILES.flatMap((declared) => declared.names)) {
    if (pattern.test(basename(real)) || pattern.test(basename(path))) throw refuse(`named like ${what}`);
  }
}
