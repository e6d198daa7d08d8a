// This file finds the Vimeo app's client id and secret (environment, then <config>/vimeo-client.json) and declares
// Vimeo's credential files, which are never content.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CredentialFiles } from '../../credential-files.js';
import { usageError } from '../../errors.js';
import { assertPrivateDir } from '../../fsutil.js';
import { configDir, type Env } from '../../paths.js';

export interface VimeoClient {
  clientId: string;
  clientSecret: string;
}

const CLIENT_FILE = 'vimeo-client.json';
const TOKENS_DIR = 'vimeo-tokens';

export const vimeoClientFile = (config: string): string => join(config, CLIENT_FILE);
export const vimeoTokensDir = (config: string): string => join(config, TOKENS_DIR);

/**
 * Vimeo's credential files for the never-content rule: the app's client file (and its name wherever it lies) and
 * the logins' folder. A password file and a token file are named per command; prepare.ts and import.ts keep them
 * apart from the content of the same command.
 */
export const vimeoCredentialFiles: CredentialFiles = {
  files: ({ env }) => [
    { path: vimeoClientFile(configDir(env)), what: "Vimeo's client file" },
    { path: vimeoTokensDir(configDir(env)), what: "the Vimeo logins' folder" },
  ],
  names: [{ pattern: /^vimeo-client\.json$/i, what: 'a Vimeo client file (vimeo-client.json)' }],
};

const hint = (file: string) =>
  'Register an app on developer.vimeo.com, then set VUPLOAD_VIMEO_CLIENT_ID and VUPLOAD_VIMEO_CLIENT_SECRET, or ' +
  `write {"client_id":"…","client_secret":"…"} to ${file}. A personal access token needs no app: ` +
  'vupload auth import --provider vimeo --token-file F';

/** VUPLOAD_VIMEO_CLIENT_ID / _SECRET, else vimeo-client.json; neither (or a broken file) is a usage error (exit 2). */
export async function loadVimeoClient(env: Env, config: string): Promise<VimeoClient> {
  const id = env.VUPLOAD_VIMEO_CLIENT_ID;
  const file = vimeoClientFile(config);
  if (id) {
    // Vimeo's code exchange authenticates the app with its secret (HTTP Basic): there is no public-client flow.
    if (!env.VUPLOAD_VIMEO_CLIENT_SECRET)
      throw usageError('VUPLOAD_VIMEO_CLIENT_ID is set but VUPLOAD_VIMEO_CLIENT_SECRET is not.', hint(file));
    return { clientId: id, clientSecret: env.VUPLOAD_VIMEO_CLIENT_SECRET };
  }
  await assertPrivateDir(config, 'config directory');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw usageError('no Vimeo app (client id and secret) is configured.', hint(file));
  }
  let json: Record<string, unknown>;
  try {
    json = (JSON.parse(text) ?? {}) as Record<string, unknown>;
  } catch {
    throw usageError(`${file} is not valid JSON.`, hint(file));
  }
  const clientId = json.client_id;
  const clientSecret = json.client_secret;
  if (typeof clientId !== 'string' || clientId === '' || typeof clientSecret !== 'string' || !clientSecret)
    throw usageError(`${file} needs both "client_id" and "client_secret".`, hint(file));
  return { clientId, clientSecret };
}
