// This file holds the upload flags every provider honours and the refusal of those a provider does not (exit 2).
import type { UploadFlags } from '../cli/upload/prepare.js';
import { docsSection } from '../docs.js';
import { usageError } from '../errors.js';
import type { PrepareOptions, Provider, UploadPlan } from './contract.js';

/** Flags every provider honours: the file, job control and output (the rest is per provider). */
export const COMMON_FLAGS = new Set([
  'file',
  'title',
  'description',
  'descriptionFile',
  'keywords',
  'tags',
  'dryRun',
  'retries',
  'restart',
  'force',
  'waitLock',
  'moveTo',
  'deleteAfter',
  'logFile',
  'concurrency',
  'limitRate',
  'update',
  'allowOutside',
]);

/** `--publish-at` for publishAt, `--no-embeddable` for embeddable=false; the Google sample's camelCase names stay. */
export function flagName(key: string, value: unknown): string {
  if (key === 'privacyStatus') return '--privacyStatus';
  const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return value === false ? `--no-${kebab}` : `--${kebab}`;
}

/**
 * Refuses (exit 2, before anything is sent) every given flag outside `supported`: a provider never ignores a flag.
 * `where` names a manifest line when the flags came from one.
 */
export function refuseUnsupported(
  flags: object,
  supported: ReadonlySet<string>,
  provider: string,
  where?: string,
): void {
  const refused = Object.entries(flags)
    .filter(([key, value]) => value !== undefined && !supported.has(key))
    .map(([key, value]) => flagName(key, value));
  if (refused.length === 0) return;
  const list = refused.join(', ');
  throw usageError(
    `${where ? `${where}: ` : ''}${list} ${refused.length === 1 ? 'is' : 'are'} not available with the ${provider} provider.`,
    // Not "use --provider youtube": YouTube has no --channel or --folder either.
    `Leave ${refused.length === 1 ? 'it' : 'them'} out. Which flags each provider takes: ${docsSection('docs/providers.md', 'Providers')}.`,
  );
}

/**
 * The plan of one file for `provider`: a flag it does not honour, or a pipe it cannot take, is refused first (exit 2,
 * before any request), then the provider checks the rest.
 */
export async function preparePlan(
  provider: Provider,
  fileArg: string,
  flags: UploadFlags,
  options: PrepareOptions,
): Promise<UploadPlan> {
  const where = options.flag.includes(' line ') ? options.flag : undefined;
  refuseUnsupported(flags, provider.uploadFlags, provider.name, where);
  if (options.stdin && provider.pipe !== true) {
    throw usageError(
      `-: ${provider.pipe.reason}, so it cannot upload from a pipe.`,
      'Write the stream to a file first, or upload it with --provider youtube.',
    );
  }
  return provider.prepare(fileArg, flags, options);
}
