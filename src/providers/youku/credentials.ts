// This file finds the Youku app's client id and secret: environment first, then <configDir>/youku-client.json.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CredentialFiles } from '../../credential-files.js';
import { usageError } from '../../errors.js';
import { assertPrivateDir } from '../../fsutil.js';
import { configDir, type Env } from '../../paths.js';
import { youkuTokensDir } from './token-store.js';

export interface YoukuClient {
  clientId: string;
  clientSecret: string;
}

const CLIENT_FILE = 'youku-client.json';

export const youkuClientFile = (configDir: string): string => join(configDir, CLIENT_FILE);

/**
 * Youku's credential files for the never-content rule: the app's client file (and its name wherever it lies), and
 * the logins' folder. Both are in the config directory, refused anyway; declared so that the rule does not depend on
 * where they are kept.
 */
export const youkuCredentialFiles: CredentialFiles = {
  files: ({ env }) => [
    { path: youkuClientFile(configDir(env)), what: "Youku's client file" },
    { path: youkuTokensDir(configDir(env)), what: "the Youku logins' folder" },
  ],
  names: [{ pattern: /^youku-client\.json$/i, what: 'a Youku client file (youku-client.json)' }],
};

const HINT =
  'set VUPLOAD_YOUKU_CLIENT_ID and VUPLOAD_YOUKU_CLIENT_SECRET, or write {"client_id":"…","client_secret":"…"} to ';

/** VUPLOAD_YOUKU_CLIENT_ID / VUPLOAD_YOUKU_CLIENT_SECRET, else youku-client.json; neither is a usage error (exit 2). */
export async function loadYoukuClient(env: Env, configDir: string): Promise<YoukuClient> {
  const id = env.VUPLOAD_YOUKU_CLIENT_ID;
  const secret = env.VUPLOAD_YOUKU_CLIENT_SECRET;
  if (id) return { clientId: id, clientSecret: secret ?? '' };
  const file = youkuClientFile(configDir);
  await assertPrivateDir(configDir, 'config directory');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw usageError('no Youku client id configured', `${HINT}${file}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw usageError(`${file} is not valid JSON`, `${HINT}${file}`);
  }
  const j = (json ?? {}) as Record<string, unknown>;
  if (typeof j.client_id !== 'string' || j.client_id === '')
    throw usageError(`${file} has no client_id`, `${HINT}${file}`);
  return { clientId: j.client_id, clientSecret: typeof j.client_secret === 'string' ? j.client_secret : '' };
}
