// This file keeps one Youku login per profile in <configDir>/youku-tokens/<profile>.json (0600, atomic writes).
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { validateProfile } from '../../auth/token-store.js';
import { authError } from '../../errors.js';
import { assertPrivateDir, writePrivateJson } from '../../fsutil.js';

export interface YoukuStoredToken {
  version: 1;
  provider: 'youku';
  profile: string;
  client_id: string;
  access_token: string;
  refresh_token: string;
  /** Milliseconds since the epoch; null when unknown (the first use refreshes). */
  expiry_date: number | null;
  token_type: string;
  /** Where refreshes go: <apiUrl>/oauth2/token.json. */
  api_url: string;
  created_at: string;
  updated_at?: string;
}

export function youkuTokensDir(configDir: string): string {
  return join(configDir, 'youku-tokens');
}

export function youkuTokenPath(configDir: string, profile: string): string {
  return join(youkuTokensDir(configDir), `${validateProfile(profile)}.json`);
}

export const youkuLoginHint = (profile: string): string =>
  `run: vupload auth login --provider youku --profile ${profile}`;

/** The profile's Youku login, or undefined. Messages name the file, never its content. */
export async function readYoukuToken(
  configDir: string,
  profile: string,
): Promise<YoukuStoredToken | undefined> {
  const file = youkuTokenPath(configDir, profile);
  await assertPrivateYoukuConfig(configDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw authError('tokenFileUnreadable', `token file ${file} cannot be read`, youkuLoginHint(profile));
  }
  let t: Partial<YoukuStoredToken>;
  try {
    t = JSON.parse(text) as Partial<YoukuStoredToken>;
  } catch {
    throw authError('tokenFileCorrupt', `token file ${file} is corrupt`, youkuLoginHint(profile));
  }
  if (
    t.version !== 1 ||
    typeof t.refresh_token !== 'string' ||
    typeof t.client_id !== 'string' ||
    typeof t.api_url !== 'string'
  ) {
    throw authError('tokenFileCorrupt', `token file ${file} is corrupt`, youkuLoginHint(profile));
  }
  return { ...(t as YoukuStoredToken), profile };
}

/** Refuses a config or Youku token directory that other users can write or own (fsutil.ts assertPrivateDir). */
export async function assertPrivateYoukuConfig(configDir: string): Promise<void> {
  await assertPrivateDir(configDir, 'config directory');
  await assertPrivateDir(youkuTokensDir(configDir), 'token directory');
}

export async function writeYoukuToken(configDir: string, token: YoukuStoredToken): Promise<string> {
  const file = youkuTokenPath(configDir, token.profile);
  await assertPrivateYoukuConfig(configDir);
  await writePrivateJson(file, token);
  return file;
}

/** Removes the profile's Youku login; false when there was none. */
export async function deleteYoukuToken(configDir: string, profile: string): Promise<boolean> {
  const file = youkuTokenPath(configDir, profile);
  const existed = await readFile(file).then(
    () => true,
    () => false,
  );
  await rm(file, { force: true });
  return existed;
}
