// This file keeps one Vimeo login per profile in <config>/vimeo-tokens/<profile>.json (0600, atomic writes). Vimeo's
// tokens do not expire and have no refresh token (api.yaml `auth`): a login is one access token until it is revoked.
import { join } from 'node:path';
import {
  assertPrivateLoginDirs,
  profilesIn,
  readLoginFile,
  removeTokenFile,
  validateProfile,
  writeLoginFile,
} from '../../auth/token-store.js';
import { vimeoTokensDir } from './credentials.js';

export interface VimeoStoredToken {
  version: 1;
  provider: 'vimeo';
  profile: string;
  access_token: string;
  token_type: string;
  /** Space-separated scopes the token has ('' when Vimeo did not say). */
  scope: string;
  /** The account, as the token answer or /oauth/verify named it. */
  user?: { uri: string; name: string };
  /** The API the token belongs to (the sandbox's, or Vimeo's). */
  api_url: string;
  /** `login` (OAuth code flow) or `import` (a personal access token). */
  source: 'login' | 'import';
  created_at: string;
}

export function vimeoTokenPath(config: string, profile: string): string {
  return join(vimeoTokensDir(config), `${validateProfile(profile)}.json`);
}

export const vimeoLoginHint = (profile: string): string =>
  `Run: vupload auth login --provider vimeo --profile ${profile} (or, with a personal access token: ` +
  `vupload auth import --provider vimeo --profile ${profile} --token-file FILE)`;

const assertPrivateConfig = (config: string): Promise<void> =>
  assertPrivateLoginDirs(config, vimeoTokensDir(config));

/** The profile's Vimeo login, or undefined. Messages name the file, never its content. */
export async function readVimeoToken(config: string, profile: string): Promise<VimeoStoredToken | undefined> {
  const file = vimeoTokenPath(config, profile);
  await assertPrivateConfig(config);
  const t = await readLoginFile<VimeoStoredToken>(
    file,
    (v) => v.version === 1 && typeof v.access_token === 'string' && typeof v.api_url === 'string',
    vimeoLoginHint(profile),
  );
  return t && { ...t, profile };
}

export async function writeVimeoToken(config: string, token: VimeoStoredToken): Promise<string> {
  return writeLoginFile(config, vimeoTokenPath(config, token.profile), token);
}

/** Removes the profile's Vimeo login; false when there was none. */
export const deleteVimeoToken = (config: string, profile: string): Promise<boolean> =>
  removeTokenFile(vimeoTokenPath(config, profile));

/** Profiles with a saved Vimeo login, sorted. */
export const vimeoProfiles = (config: string): Promise<string[]> => profilesIn(vimeoTokensDir(config));
