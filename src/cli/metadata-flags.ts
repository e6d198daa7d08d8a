// This file declares the metadata flags shared by `upload` and `update` and turns them into a MetadataInput.
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { assertNotPrivate, type ContentPlaces } from '../confine.js';
import { usageError } from '../errors.js';
import type { Env } from '../paths.js';
import type { MetadataInput } from '../providers/youtube/metadata.js';
import { LICENSES, PRIVACY_STATUSES } from '../providers/youtube/resource.js';
import { canonicalChoice } from './options.js';
import { decodeUtf8 } from './utf8.js';

export interface MetadataFlags {
  title?: string;
  description?: string;
  descriptionFile?: string;
  category?: string;
  keywords?: string;
  tags?: string;
  addTags?: string;
  removeTags?: string;
  privacyStatus?: string;
  privacy?: string;
  publishAt?: string;
  madeForKids?: boolean;
  notMadeForKids?: boolean;
  syntheticMedia?: boolean;
  license?: string;
  embeddable?: boolean;
  publicStats?: boolean;
  defaultLanguage?: string;
  defaultAudioLanguage?: string;
  recordingDate?: string;
  localization?: string[];
  metadata?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function addMetadataOptions(command: Command, mode: 'upload' | 'update'): Command {
  command
    .option('--title <text>', mode === 'upload' ? 'title (default: the file name)' : 'new title')
    .option(
      '--description <text>',
      "description (several lines: --description-file, or $'line 1\\nline 2' in bash and zsh; \\n in plain quotes stays a backslash and an n)",
    )
    .option('--description-file <file>', 'read the description from a file (UTF-8)')
    .option('--category <id>', mode === 'upload' ? 'numeric category id (default 22)' : 'numeric category id')
    .option('--keywords <list>', 'comma-separated tags (Google sample name)')
    .option('--tags <list>', 'comma-separated tags (same as --keywords)');
  if (mode === 'update') {
    command
      .option('--add-tags <list>', 'comma-separated tags to add to the current ones')
      .option('--remove-tags <list>', 'comma-separated tags to remove');
  }
  return command
    .option('--privacyStatus <status>', 'public, private or unlisted (Google sample name)')
    .option('--privacy <status>', mode === 'upload' ? 'same as --privacyStatus (default private)' : 'privacy')
    .option('--publish-at <time>', 'publish at this ISO 8601 time (implies private until then)')
    .option('--made-for-kids', 'the video is made for kids')
    .option('--not-made-for-kids', 'the video is not made for kids')
    .option('--synthetic-media', 'the video contains altered or synthetic media')
    .option('--no-synthetic-media', 'the video contains no altered or synthetic media')
    .option('--license <license>', 'youtube or creativeCommon')
    .option('--embeddable', 'allow embedding')
    .option('--no-embeddable', 'forbid embedding')
    .option('--public-stats', 'show view statistics publicly')
    .option('--no-public-stats', 'hide view statistics')
    .option('--default-language <lang>', 'language of title and description (e.g. en, pt-BR)')
    .option('--default-audio-language <lang>', 'language spoken in the video')
    .option('--recording-date <date>', 'when the video was recorded (YYYY-MM-DD or ISO 8601)')
    .option(
      '--localization <lang:title[:description]>',
      'a localized title/description (repeatable)',
      collect,
    )
    .option('--metadata <file.json>', 'a partial video resource in JSON; flags override it');
}

/**
 * Reads the files the flags name and returns the user's wishes; every problem names its flag (exit 2).
 * `clientSecrets` is the global --client-secrets flag: that file, like every credential file, is never read here.
 */
export async function metadataInputFromFlags(
  flags: MetadataFlags,
  cwd: string,
  env: Env,
  clientSecrets?: string,
): Promise<MetadataInput> {
  const places = { cwd, clientSecrets };
  const { parseKeywords, parseMetadataFile } = await import('../providers/youtube/metadata.js');
  const input: MetadataInput = { flags: {} };
  const flagOf = input.flags!;
  if (flags.metadata !== undefined) {
    const text = await readTextFile('--metadata', resolve(cwd, flags.metadata), env, places);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw usageError(
        `--metadata ${flags.metadata}: not valid JSON (${(error as Error).message}).`,
        'Give a video resource such as {"snippet": {"title": "…"}, "status": {"privacyStatus": "unlisted"}}.',
      );
    }
    input.metadataFile = parseMetadataFile(json, flags.metadata);
    input.metadataFileName = basename(flags.metadata);
  }
  if (flags.title !== undefined) input.title = flags.title;
  if (flags.description !== undefined && flags.descriptionFile !== undefined) {
    throw usageError('--description and --description-file were both given.', 'Use one of them.');
  }
  if (flags.description !== undefined) input.description = flags.description;
  if (flags.descriptionFile !== undefined) {
    input.description = await readTextFile(
      '--description-file',
      resolve(cwd, flags.descriptionFile),
      env,
      places,
    );
    flagOf.description = '--description-file';
  }
  if (flags.category !== undefined) input.categoryId = flags.category.trim();
  const tagFlag = pickAlias(flags, [
    ['keywords', '--keywords'],
    ['tags', '--tags'],
  ]);
  if (tagFlag) {
    input.tags = parseKeywords(tagFlag.value);
    flagOf.tags = tagFlag.flag;
  }
  if (flags.addTags !== undefined) input.addTags = parseKeywords(flags.addTags);
  if (flags.removeTags !== undefined) input.removeTags = parseKeywords(flags.removeTags);
  const privacy = pickAlias(flags, [
    ['privacyStatus', '--privacyStatus'],
    ['privacy', '--privacy'],
  ]);
  if (privacy) {
    input.privacyStatus = canonicalChoice(privacy.value, PRIVACY_STATUSES).trim();
    flagOf.privacyStatus = privacy.flag;
  }
  if (flags.publishAt !== undefined) input.publishAt = flags.publishAt.trim();
  if (flags.madeForKids && flags.notMadeForKids) {
    throw usageError('--made-for-kids and --not-made-for-kids were both given.', 'Use one of them.');
  }
  if (flags.madeForKids) input.madeForKids = true;
  if (flags.notMadeForKids) {
    input.madeForKids = false;
    flagOf.madeForKids = '--not-made-for-kids';
  }
  if (flags.syntheticMedia !== undefined) input.syntheticMedia = flags.syntheticMedia;
  if (flags.license !== undefined) input.license = canonicalChoice(flags.license, LICENSES).trim();
  if (flags.embeddable !== undefined) input.embeddable = flags.embeddable;
  if (flags.publicStats !== undefined) input.publicStatsViewable = flags.publicStats;
  if (flags.defaultLanguage !== undefined) input.defaultLanguage = flags.defaultLanguage.trim();
  if (flags.defaultAudioLanguage !== undefined)
    input.defaultAudioLanguage = flags.defaultAudioLanguage.trim();
  if (flags.recordingDate !== undefined) input.recordingDate = flags.recordingDate.trim();
  if (flags.localization?.length) input.localizations = parseLocalizations(flags.localization);
  return input;
}

/** `fr:Titre:Description` → `{ fr: { title: 'Titre', description: 'Description' } }` (the description may hold colons). */
export function parseLocalizations(values: string[]): NonNullable<MetadataInput['localizations']> {
  const result: NonNullable<MetadataInput['localizations']> = {};
  for (const value of values) {
    const match = /^([^:]+):([^:]*)(?::(.*))?$/s.exec(value);
    if (!match || match[2] === '') {
      throw usageError(
        `--localization "${value}": expected LANG:TITLE or LANG:TITLE:DESCRIPTION.`,
        'Example: --localization "fr:Vacances d\'été:Surf à Santa Cruz"',
      );
    }
    const [, lang, title, description] = match as unknown as [string, string, string, string | undefined];
    result[lang.trim()] = description === undefined ? { title } : { title, description };
  }
  return result;
}

function pickAlias(
  flags: MetadataFlags,
  names: Array<[keyof MetadataFlags, string]>,
): { value: string; flag: string } | undefined {
  const given = names.filter(([key]) => flags[key] !== undefined);
  if (given.length > 1 && flags[given[0]![0]] !== flags[given[1]![0]]) {
    throw usageError(
      `${given[0]![1]} and ${given[1]![1]} were both given with different values.`,
      'Use one.',
    );
  }
  const first = given[0];
  return first ? { value: String(flags[first[0]]), flag: first[1] } : undefined;
}

/** Reads a file named as content; vupload's own config and state are refused first (confine.ts). */
async function readTextFile(flag: string, file: string, env: Env, places: ContentPlaces): Promise<string> {
  await assertNotPrivate(file, flag, env, places);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw usageError(`${flag} ${file}: ${describeFsError(error)}.`, 'Check the path.');
  }
  return decodeUtf8(bytes, `${flag} ${file}`);
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return (error as Error).message;
}
