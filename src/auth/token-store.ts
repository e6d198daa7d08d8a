// This file keeps one login per profile in <configDir>/tokens/<profile>.json: private directory, 0600 files, atomic writes.
import { chmod, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { authError, usageError, type VuploadError } from '../errors.js';
import { assertPrivateDir, tightenOwnDir, writePrivateJson } from '../fsutil.js';

/** What a token file holds. Token strings never leave this shape for display. */
export interface StoredToken {
  version: 1;
  profile: string;
  client_id: string;
  access_token: string;
  refresh_token: string;
  /** Milliseconds since the epoch; null when unknown (then the first use refreshes). */
  expiry_date: number | null;
  /**
   * When the refresh token itself ends (ms since the epoch), if the token endpoint said so
   * (`refresh_token_expires_in`: Google's 7-day tokens of apps in "Testing"). Absent: no known end.
   */
  refresh_token_expiry?: number;
  /** Space-separated scopes granted; empty when unknown (an imported Go token). */
  scope: string;
  token_type: string;
  /** The token endpoint that issued the grant; a refresh must go to the same place. */
  token_uri: string;
  created_at: string;
  updated_at?: string;
  /** How the login got here: `login`, `import:oauth2client`, `import:go-oauth2`. */
  source?: string;
}

const PROFILE_RE = /^[A-Za-z0-9._-]{1,100}$/;

/** Returns `name` when it is a valid profile name ([A-Za-z0-9._-]+), else a usage error (exit 2). */
export function validateProfile(name: string): string {
  if (!PROFILE_RE.test(name) || name === '.' || name === '..') {
    throw usageError(`invalid profile name "${name}"`, 'profile names use letters, digits, ".", "_" and "-"');
  }
  return name;
}

export function tokensDir(configDir: string): string {
  return join(configDir, 'tokens');
}

export function tokenPath(configDir: string, profile: string): string {
  return join(tokensDir(configDir), `${validateProfile(profile)}.json`);
}

/** The error for "no login for this profile" that every command shows. */
export function notLoggedInError(profile: string): VuploadError {
  return authError('notLoggedIn', `not logged in (profile "${profile}")`, loginHint(profile));
}

export function loginHint(profile: string): string {
  return `Run: vupload auth login --profile ${profile}`;
}

function corrupt(file: string, profile: string, what: string): VuploadError {
  return authError('tokenFileCorrupt', `token file ${file} ${what}`, loginHint(profile));
}

/** Validates a token file's text; `file` is only used in messages, which never quote the file's content. */
export function parseStoredToken(text: string, file: string, profile: string): StoredToken {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw corrupt(file, profile, 'is corrupt (not valid JSON)');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw corrupt(file, profile, 'is corrupt (not a JSON object)');
  }
  const t = json as Record<string, unknown>;
  if (t.version !== 1) throw corrupt(file, profile, `has an unknown version (${JSON.stringify(t.version)})`);
  for (const key of ['client_id', 'refresh_token', 'token_uri'] as const) {
    if (typeof t[key] !== 'string' || t[key] === '') throw corrupt(file, profile, `is corrupt (no ${key})`);
  }
  if (!URL.canParse(t.token_uri as string)) throw corrupt(file, profile, 'is corrupt (bad token_uri)');
  const expiry = t.expiry_date;
  if (expiry !== null && expiry !== undefined && (typeof expiry !== 'number' || !Number.isFinite(expiry))) {
    throw corrupt(file, profile, 'is corrupt (bad expiry_date)');
  }
  const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
  return {
    version: 1,
    profile,
    client_id: t.client_id as string,
    access_token: str(t.access_token),
    refresh_token: t.refresh_token as string,
    expiry_date: typeof expiry === 'number' ? expiry : null,
    ...(typeof t.refresh_token_expiry === 'number' && Number.isFinite(t.refresh_token_expiry)
      ? { refresh_token_expiry: t.refresh_token_expiry }
      : {}),
    scope: str(t.scope),
    token_type: str(t.token_type, 'Bearer'),
    token_uri: t.token_uri as string,
    created_at: str(t.created_at),
    ...(typeof t.updated_at === 'string' ? { updated_at: t.updated_at } : {}),
    ...(typeof t.source === 'string' ? { source: t.source } : {}),
  };
}

/**
 * Refuses a config or token directory other users can write or own (ssh's rule, fsutil.ts assertPrivateDir):
 * whoever can plant a token file there decides which channel vupload uploads to.
 */
export async function assertPrivateConfig(configDir: string): Promise<void> {
  await assertPrivateLoginDirs(configDir, tokensDir(configDir));
}

/** The same rule for any provider's token directory `dir` in `configDir`. */
export async function assertPrivateLoginDirs(configDir: string, dir: string): Promise<void> {
  await assertPrivateDir(configDir, 'config directory');
  await assertPrivateDir(dir, 'token directory');
}

/**
 * Writes any provider's login `file` (in its token directory under `configDir`) atomically with mode 0600, after
 * refusing directories others could plant a file in. Returns the file.
 */
export async function writeLoginFile(configDir: string, file: string, token: object): Promise<string> {
  await assertPrivateLoginDirs(configDir, dirname(file));
  await writePrivateJson(file, token);
  return file;
}

/** Reads a profile's login; undefined when there is none. Tightens a file or directory found readable by others. */
export async function readToken(configDir: string, profile: string): Promise<StoredToken | undefined> {
  const file = tokenPath(configDir, profile);
  await assertPrivateConfig(configDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw authError('tokenFileUnreadable', `token file ${file} cannot be read (${code})`, loginHint(profile));
  }
  await tightenFile(file);
  await tightenOwnDir(tokensDir(configDir));
  return parseStoredToken(text, file, profile);
}

async function tightenFile(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if ((info.mode & 0o077) !== 0) await chmod(path, 0o600);
  } catch {
    // Best effort: a file we could read but not chmod (another owner) still works.
  }
}

/** Writes a login atomically (temp file + rename, write-file-atomic) with mode 0600 in a 0700 directory. */
export async function writeToken(configDir: string, token: StoredToken): Promise<string> {
  const file = await writeLoginFile(configDir, tokenPath(configDir, token.profile), token);
  await tightenOwnDir(tokensDir(configDir));
  return file;
}

/** Removes a profile's login; false when there was none. */
export async function deleteToken(configDir: string, profile: string): Promise<boolean> {
  return removeTokenFile(tokenPath(configDir, profile));
}

/** Removes a login's file (any provider's); false when there was none. */
export async function removeTokenFile(file: string): Promise<boolean> {
  try {
    await stat(file);
  } catch {
    return false;
  }
  await rm(file, { force: true });
  return true;
}

/** Profiles with a token file, sorted. Temp files left by a crash (`x.json.123`) do not count. */
export async function listProfiles(configDir: string): Promise<string[]> {
  await assertPrivateConfig(configDir);
  return profilesIn(tokensDir(configDir));
}

/** Profiles with a login file `<profile>.json` in `dir` (any provider's), sorted; none when `dir` is missing. */
export async function profilesIn(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .filter((n) => n.endsWith('.json'))
    .map((n) => n.slice(0, -'.json'.length))
    .filter((p) => PROFILE_RE.test(p) && p !== '.' && p !== '..')
    .sort();
}

/** A refreshed token that could not be cached is a warning, not a failure: the command goes on with it in memory. */
export function tokenSaveWarning(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return (
    `could not save the refreshed login to ${file} (${code}); going on with it in memory. ` +
    'The next run refreshes it again; make the config directory writable to keep it.'
  );
}

/**
 * A provider's login file, parsed, or undefined when there is none; unreadable, not JSON or failing `valid` is a
 * login error naming the file (never its content), with `hint` saying how to log in again.
 */
export async function readLoginFile<T>(
  file: string,
  valid: (value: Partial<T>) => boolean,
  hint: string,
): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw authError('tokenFileUnreadable', `token file ${file} cannot be read`, hint);
  }
  let value: Partial<T> | undefined;
  try {
    value = JSON.parse(text) as Partial<T>;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || !valid(value))
    throw authError('tokenFileCorrupt', `token file ${file} is corrupt`, hint);
  return value as T;
}
