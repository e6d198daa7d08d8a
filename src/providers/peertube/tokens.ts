// This file keeps one PeerTube login per profile in <configDir>/peertube-tokens/<profile>.json (0600, atomic writes):
// the instance it belongs to, the account, the instance's OAuth client and the token pair. Never a password.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assertPrivateLoginDirs,
  profilesIn,
  removeTokenFile,
  validateProfile,
  writeLoginFile,
} from '../../auth/token-store.js';
import { authError } from '../../errors.js';
import { tightenOwnDir } from '../../fsutil.js';

export interface PeerTubeStoredToken {
  version: 1;
  provider: 'peertube';
  profile: string;
  /** The instance (checkInstanceUrl's form): the tokens are good there only. */
  instance: string;
  username: string;
  /** The instance's local OAuth client (GET /oauth-clients/local): refreshes need it. */
  client_id: string;
  client_secret: string;
  access_token: string;
  refresh_token: string;
  /** Milliseconds since the epoch. */
  expiry_date: number | null;
  refresh_token_expiry: number | null;
  token_type: string;
  /** The password file the login read, if any: never content (credentials.ts). Its path only. */
  password_file?: string;
  created_at: string;
  updated_at?: string;
}

export const peertubeTokensDir = (configDir: string): string => join(configDir, 'peertube-tokens');

export const peertubeTokenPath = (configDir: string, profile: string): string =>
  join(peertubeTokensDir(configDir), `${validateProfile(profile)}.json`);

export const peertubeLoginHint = (profile: string, instance?: string): string =>
  `Run: vupload auth login --provider peertube${instance ? ` --instance ${instance}` : ''} --username NAME --profile ${profile}`;

function parse(text: string, file: string, profile: string): PeerTubeStoredToken {
  const corrupt = () =>
    authError('tokenFileCorrupt', `token file ${file} is corrupt`, peertubeLoginHint(profile));
  let t: Partial<PeerTubeStoredToken>;
  try {
    t = JSON.parse(text) as Partial<PeerTubeStoredToken>;
  } catch {
    throw corrupt();
  }
  const strings = ['instance', 'username', 'client_id', 'client_secret', 'refresh_token'] as const;
  if (t?.version !== 1 || t.provider !== 'peertube' || strings.some((k) => typeof t[k] !== 'string'))
    throw corrupt();
  return {
    ...(t as PeerTubeStoredToken),
    profile,
    access_token: typeof t.access_token === 'string' ? t.access_token : '',
    expiry_date: typeof t.expiry_date === 'number' ? t.expiry_date : null,
    refresh_token_expiry: typeof t.refresh_token_expiry === 'number' ? t.refresh_token_expiry : null,
  };
}

const assertPrivate = (configDir: string): Promise<void> =>
  assertPrivateLoginDirs(configDir, peertubeTokensDir(configDir));

/** The profile's PeerTube login, or undefined. Messages name the file, never its content. */
export async function readPeerTubeToken(
  configDir: string,
  profile: string,
): Promise<PeerTubeStoredToken | undefined> {
  const file = peertubeTokenPath(configDir, profile);
  await assertPrivate(configDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw authError(
      'tokenFileUnreadable',
      `token file ${file} cannot be read (${code})`,
      peertubeLoginHint(profile),
    );
  }
  return parse(text, file, profile);
}

/** The same, synchronously and without complaint (a video's page for a message): undefined when unreadable. */
export function peekPeerTubeToken(configDir: string, profile: string): PeerTubeStoredToken | undefined {
  try {
    const file = peertubeTokenPath(configDir, profile);
    return parse(readFileSync(file, 'utf8'), file, profile);
  } catch {
    return undefined;
  }
}

export async function writePeerTubeToken(configDir: string, token: PeerTubeStoredToken): Promise<string> {
  const file = await writeLoginFile(configDir, peertubeTokenPath(configDir, token.profile), token);
  await tightenOwnDir(peertubeTokensDir(configDir));
  return file;
}

/** Removes the profile's PeerTube login; false when there was none. */
export async function deletePeerTubeToken(configDir: string, profile: string): Promise<boolean> {
  return removeTokenFile(peertubeTokenPath(configDir, profile));
}

/** Profiles with a PeerTube login, sorted (temp files left by a crash do not count). */
export async function peertubeProfiles(configDir: string): Promise<string[]> {
  return profilesIn(peertubeTokensDir(configDir)).catch(() => []);
}
