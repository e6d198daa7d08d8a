// This file checks what every provider's upload needs before anything is sent (exit 2 on any problem): the file, the
// transfer flags, the steps' shared inputs; each provider's prepare adds its own resource (e.g. youtube/prepare.ts).
import { access, constants, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { assertNotPrivate, type ContentPlaces } from '../../confine.js';
import { usageError } from '../../errors.js';
import type { Env } from '../../paths.js';
import type { PrepareOptions, UploadPlan } from '../../providers/contract.js';
import { alignChunkSize, parseSize } from '../../upload/size.js';
import { describeNonUtf8Name } from '../file-names.js';
import { describeFsError, type MetadataFlags } from '../metadata-flags.js';
import { parseIntegerOption } from '../options.js';
import { parseCaptionArg } from './captions.js';
import { STDIN_ARG, STDIN_CHUNK_SIZE } from './stdin.js';

/** Where applyTemplates (queue.ts) leaves the templates it rendered: a symbol, so no flag list ever sees it. */
export const TEMPLATES = Symbol('templates');

export interface UploadFlags extends MetadataFlags {
  /** The --title / --description templates the flags were rendered from, by flag. */
  [TEMPLATES]?: Partial<Record<'title' | 'description', string>>;
  file?: string;
  notifySubscribers?: boolean;
  thumbnail?: string;
  playlist?: string[];
  createPlaylist?: boolean;
  caption?: string[];
  wait?: boolean;
  open?: boolean;
  dryRun?: boolean;
  chunkSize?: string;
  limitRate?: string;
  retries?: string;
  timeBudget?: string;
  restart?: boolean;
}

export type { PrepareOptions, UploadPlan };

const VIDEO_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
  '.flv': 'video/x-flv',
  '.wmv': 'video/x-ms-wmv',
  '.mpg': 'video/mpeg',
  '.mpeg': 'video/mpeg',
  '.ts': 'video/mp2t',
  '.3gp': 'video/3gpp',
};

/** The templates the flags' title and description were rendered from, by the field each sets. */
export function templatesOf(
  flags: UploadFlags,
  fields: { title: string; description: string },
): { templates?: Record<string, string> } {
  const sources = flags[TEMPLATES];
  const templates: Record<string, string> = {};
  if (sources?.title !== undefined) templates[fields.title] = sources.title;
  if (sources?.description !== undefined) templates[fields.description] = sources.description;
  return Object.keys(templates).length > 0 ? { templates } : {};
}

/** The video file: an existing, readable, non-empty regular file outside vupload's own directories. */
export async function checkVideoFile(
  flag: string,
  file: string,
  env: Env,
  places?: ContentPlaces,
): Promise<number> {
  await assertNotPrivate(file, flag, env, places);
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile())
      throw usageError(`${flag} ${file}: not a regular file.`, 'Give the path of a video file.');
    size = info.size;
    await access(file, constants.R_OK);
  } catch (error) {
    if ((error as { exitCode?: number }).exitCode !== undefined) throw error;
    const nonUtf8 = (error as NodeJS.ErrnoException).code === 'ENOENT' && (await describeNonUtf8Name(file));
    if (nonUtf8) throw usageError(`${flag} ${file}: ${nonUtf8.problem}.`, nonUtf8.hint);
    throw usageError(`${flag} ${file}: ${describeFsError(error)}.`, 'Give the path of a video file.');
  }
  if (size === 0) throw usageError(`${flag} ${file}: the file is empty.`, 'Give the path of a video file.');
  return size;
}

/**
 * What every provider's plan holds, from the flags every provider reads the same way: the file (or a pipe), its
 * type, the steps' shared inputs, and the transfer flags. The provider adds its resource, thumbnail and captions.
 */
export async function prepareFile(
  fileArg: string,
  flags: UploadFlags,
  options: PrepareOptions,
): Promise<Omit<UploadPlan, 'resource' | 'given'>> {
  const stdin = options.stdin === true;
  const places = { cwd: options.cwd, clientSecrets: options.clientSecrets };
  const file = stdin ? STDIN_ARG : resolve(options.cwd, fileArg);
  const size = stdin ? 0 : await checkVideoFile(options.flag, file, options.env, places);
  const notes: string[] = [];
  const plan: Omit<UploadPlan, 'resource' | 'given'> = {
    file,
    size,
    contentType: VIDEO_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    playlists: (flags.playlist ?? []).map((p) => p.trim()).filter(Boolean),
    createPlaylist: Boolean(flags.createPlaylist),
    captions: [],
    wait: Boolean(flags.wait),
    open: Boolean(flags.open),
    restart: Boolean(flags.restart),
    notes,
    ...(stdin ? { stdin, chunkSize: STDIN_CHUNK_SIZE } : {}),
  };
  if (flags.thumbnail !== undefined) {
    plan.thumbnail = resolve(options.cwd, flags.thumbnail);
    await assertNotPrivate(plan.thumbnail, '--thumbnail', options.env, places);
  }
  for (const arg of flags.caption ?? []) {
    const caption = parseCaptionArg(arg);
    caption.path = resolve(options.cwd, caption.path);
    await checkVideoFile('--caption', caption.path, options.env, places);
    plan.captions.push(caption);
  }
  if (flags.chunkSize !== undefined) {
    const aligned = alignChunkSize(parseSize(flags.chunkSize, '--chunk-size'));
    if (aligned.changed) {
      notes.push(
        `--chunk-size ${flags.chunkSize} rounded to ${aligned.bytes} bytes (a multiple of 256 KiB).`,
      );
    }
    plan.chunkSize = aligned.bytes;
  }
  if (flags.limitRate !== undefined) plan.limitRate = parseSize(flags.limitRate, '--limit-rate');
  if (flags.retries !== undefined) plan.retries = parseIntegerOption('--retries', flags.retries, 0, 100);
  if (flags.timeBudget !== undefined) {
    plan.timeBudgetMs = parseIntegerOption('--time-budget', flags.timeBudget, 1, 30 * 86_400) * 1000;
  }
  return plan;
}
