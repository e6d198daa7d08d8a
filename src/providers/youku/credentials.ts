// This file finds the Youku app's client id and secret: environment first, then <configDir>/youku-client.json.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { usageError } from '../../errors.js';
import { assertPrivateDir } from '../../fsutil.js';
import type { Env } from '../../paths.js';

export interface YoukuClient {
  clientId: string;
  clientSecret: string;
}

export const youkuClientFile = (configDir: string): string => join(configDir, 'youku-client.json');

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
