// This file keeps one Youku login per profile in <configDir>/youku-tokens/<profile>.json (0600, atomic writes).
import { join } from 'node:path';
import {
  assertPrivateLoginDirs,
  readLoginFile,
  removeTokenFile,
  validateProfile,
  writeLoginFile,
} from '../../auth/token-store.js';

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
  `Run: vupload auth login --provider youku --profile ${profile}`;

/** The profile's Youku login, or undefined. Messages name the file, never its content. */
export async function readYoukuToken(
  configDir: string,
  profile: string,
): Promise<YoukuStoredToken | undefined> {
  const file = youkuTokenPath(configDir, profile);
  await assertPrivateYoukuConfig(configDir);
  const t = await readLoginFile<YoukuStoredToken>(
    file,
    (v) =>
      v.version === 1 &&
      typeof v.refresh_token === 'string' &&
      typeof v.client_id === 'string' &&
      typeof v.api_url === 'string',
    youkuLoginHint(profile),
  );
  return t && { ...t, profile };
}

/** Refuses a config or Youku token directory that other users can write or own (fsutil.ts assertPrivateDir). */
export const assertPrivateYoukuConfig = (configDir: string): Promise<void> =>
  assertPrivateLoginDirs(configDir, youkuTokensDir(configDir));

export async function writeYoukuToken(configDir: string, token: YoukuStoredToken): Promise<string> {
  return writeLoginFile(configDir, youkuTokenPath(configDir, token.profile), token);
}

/** Removes the profile's Youku login; false when there was none. */
export const deleteYoukuToken = (configDir: string, profile: string): Promise<boolean> =>
  removeTokenFile(youkuTokenPath(configDir, profile));
