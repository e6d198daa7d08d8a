// This file decides which video service a command talks to: --provider, else the profile's setting, else YouTube.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { usageError } from '../../errors.js';
import { configDir } from '../../paths.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { canonicalChoice } from '../options.js';

export const PROVIDERS = ['youtube', 'youku'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** `<config>/profiles.json`: `{ "<profile>": { "provider": "youku" } }` gives a profile its provider. */
export const PROFILES_FILE = 'profiles.json';

export async function resolveProvider(
  globals: GlobalOptions & { provider?: string },
  ctx: CliContext,
): Promise<Provider> {
  let name = globals.provider;
  if (name === undefined) {
    const file = join(configDir(ctx.env), PROFILES_FILE);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      try {
        const profiles = JSON.parse(text) as Record<string, { provider?: string } | undefined>;
        name = profiles[globals.profile]?.provider;
      } catch (error) {
        throw usageError(`${file}: not valid JSON (${(error as Error).message}).`, 'Fix or remove the file.');
      }
    }
  }
  name = canonicalChoice(name ?? 'youtube', PROVIDERS);
  if (!(PROVIDERS as readonly string[]).includes(name)) {
    throw usageError(`--provider: "${name}" is not one of ${PROVIDERS.join(', ')}.`);
  }
  return name as Provider;
}
