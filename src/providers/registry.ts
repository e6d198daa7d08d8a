// This file is the list of providers (one line each) and decides which one a command talks to: --provider, else the
// profile's setting in profiles.json, else YouTube. A provider's code is loaded only by the command that needs it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CliContext, GlobalOptions } from '../cli/context.js';
import { canonicalChoice } from '../cli/options.js';
import type { CredentialFiles } from '../credential-files.js';
import { usageError } from '../errors.js';
import { configDir } from '../paths.js';
import type { Provider } from './contract.js';
import { peertubeCredentialFiles } from './peertube/credentials.js';
import { peertubeOptions } from './peertube/options.js';
import { vimeoCredentialFiles } from './vimeo/credentials.js';
import { vimeoOptions } from './vimeo/options.js';
import { youkuCredentialFiles } from './youku/credentials.js';
import { youtubeCredentialFiles } from './youtube/auth/client-secrets.js';

/** A command-line option only some providers have (declared in the provider's options.ts, loaded with the CLI). */
export interface ProviderOption {
  /** Commander's form: `--channel <name>`. */
  flags: string;
  description: string;
  /** Given several times, it collects a list. */
  repeatable?: boolean;
  /** The heading of upload's help it goes under ('After upload:'; src/cli/help.ts UPLOAD_OPTION_GROUPS). */
  group?: string;
}

/** The options a provider adds to `upload`/`batch`/`watch`, to `update`, and to `auth login` and `auth import`. */
export interface ProviderOptions {
  upload?: readonly ProviderOption[];
  update?: readonly ProviderOption[];
  login?: readonly ProviderOption[];
  import?: readonly ProviderOption[];
}

interface Entry {
  title: string;
  options: ProviderOptions;
  /** Where its credentials are read from: never content (src/credential-files.ts). */
  credentials: CredentialFiles;
  load(): Promise<Provider>;
}

/** Every provider: its name, how messages name it, its own options, and its code (src/providers/<name>/provider.ts). */
export const PROVIDERS = {
  youtube: {
    title: 'YouTube',
    options: {},
    credentials: youtubeCredentialFiles,
    load: async () => (await import('./youtube/provider.js')).provider,
  },
  youku: {
    title: 'Youku',
    options: {},
    credentials: youkuCredentialFiles,
    load: async () => (await import('./youku/provider.js')).provider,
  },
  peertube: {
    title: 'PeerTube',
    options: peertubeOptions,
    credentials: peertubeCredentialFiles,
    load: async () => (await import('./peertube/provider.js')).provider,
  },
  vimeo: {
    title: 'Vimeo',
    options: vimeoOptions,
    credentials: vimeoCredentialFiles,
    load: async () => (await import('./vimeo/provider.js')).provider,
  },
} as const satisfies Record<string, Entry>;

export type ProviderName = keyof typeof PROVIDERS;
export const PROVIDER_NAMES = Object.keys(PROVIDERS) as ProviderName[];

/** `<config>/profiles.json`: `{ "<profile>": { "provider": "youku" } }` gives a profile its provider. */
export const PROFILES_FILE = 'profiles.json';

export function isProviderName(name: string): name is ProviderName {
  return Object.hasOwn(PROVIDERS, name);
}

/** The provider's code, loaded on demand. */
export async function loadProvider(name: ProviderName): Promise<Provider> {
  return PROVIDERS[name].load();
}

export async function resolveProvider(
  globals: GlobalOptions & { provider?: string },
  ctx: CliContext,
): Promise<ProviderName> {
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
        name = Object.hasOwn(profiles, globals.profile) ? profiles[globals.profile]?.provider : undefined;
      } catch (error) {
        throw usageError(`${file}: not valid JSON (${(error as Error).message}).`, 'Fix or remove the file.');
      }
    }
  }
  name = canonicalChoice(name ?? 'youtube', PROVIDER_NAMES);
  if (!isProviderName(name)) {
    throw usageError(`--provider: "${name}" is not one of ${PROVIDER_NAMES.join(', ')}.`);
  }
  return name;
}

/** The provider this command talks to, loaded. */
export async function commandProvider(globals: GlobalOptions, ctx: CliContext): Promise<Provider> {
  return loadProvider(await resolveProvider(globals, ctx));
}

/**
 * For commands only one provider has (YouTube's `thumbnail`, `playlist`, `categories`): another provider, by
 * --provider or the profile's setting, is refused (exit 2) instead of acting on the wrong platform.
 */
export async function requireProvider(
  name: ProviderName,
  command: string,
  globals: GlobalOptions,
  ctx: CliContext,
): Promise<void> {
  const chosen = await resolveProvider(globals, ctx);
  if (chosen === name) return;
  throw usageError(
    `vupload ${command} is a ${PROVIDERS[name].title} command; this profile uses ${PROVIDERS[chosen].title}.`,
    `Run it with --provider ${name}, or use the ${PROVIDERS[chosen].title} site.`,
  );
}

/** Each option some provider adds to `kind`, once, with the providers that have it named in its description. */
export function providerOptions(kind: keyof ProviderOptions): ProviderOption[] {
  const byFlags = new Map<string, { option: ProviderOption; titles: string[] }>();
  for (const entry of Object.values(PROVIDERS) as Entry[]) {
    for (const option of entry.options[kind] ?? []) {
      const seen = byFlags.get(option.flags);
      if (seen) seen.titles.push(entry.title);
      else byFlags.set(option.flags, { option, titles: [entry.title] });
    }
  }
  return [...byFlags.values()].map(({ option, titles }) => ({
    ...option,
    description: `${option.description} (${titles.join(', ')})`,
  }));
}
