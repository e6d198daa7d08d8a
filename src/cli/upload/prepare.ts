// This file checks everything an upload needs before anything is sent, and builds the plan (exit 2 on any problem).
import { access, constants, stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { assertNotPrivate, type ContentPlaces } from '../../confine.js';
import { usageError } from '../../errors.js';
import type { Env } from '../../paths.js';
import { flattenFields } from '../../unattended/recorded-metadata.js';
import { alignChunkSize, parseSize } from '../../upload/size.js';
import { parseCaptionArg } from '../../youtube/captions.js';
import { checkThumbnail } from '../../youtube/image.js';
import { buildInsertResource, validateResource } from '../../youtube/metadata.js';
import type { VideoResource, WritablePart } from '../../youtube/resource.js';
import { describeNonUtf8Name } from '../file-names.js';
import { describeFsError, type MetadataFlags, metadataInputFromFlags } from '../metadata-flags.js';
import { parseIntegerOption } from '../options.js';
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

export interface UploadPlan {
  file: string;
  size: number;
  contentType: string;
  resource: VideoResource;
  parts: WritablePart[];
  /** The resource's fields (flattenFields paths) the command sets itself, not left to defaults (issue 27, item 3). */
  given: string[];
  /** Field path → the template it was rendered from. */
  templates?: Record<string, string>;
  notifySubscribers?: boolean;
  thumbnail?: string;
  playlists: string[];
  createPlaylist: boolean;
  captions: Array<{ path: string; language: string }>;
  wait: boolean;
  open: boolean;
  chunkSize?: number;
  limitRate?: number;
  retries?: number;
  /** No retry starts after this long (the engine's time budget). */
  timeBudgetMs?: number;
  restart: boolean;
  /** A session kept for this file's earlier content is asked, then dropped: the file is new content (watch). */
  changedIsNew?: boolean;
  /** Notes for stderr (e.g. the chunk size was rounded). */
  notes: string[];
  /** The video comes from standard input: size unknown (0), read once, nothing to lock, resume or move. */
  stdin?: boolean;
}

/** What a provider's prepare() is given besides the flags. */
export interface PrepareOptions {
  cwd: string;
  now: number;
  /** How the file was named, for messages: '--file', 'file' or 'manifest line N'. */
  flag: string;
  env: Env;
  stdin?: boolean;
  /** The global --client-secrets flag: that file is never content (confine.ts). */
  clientSecrets?: string;
}

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
export function templatesOf(flags: UploadFlags): { templates?: Record<string, string> } {
  const sources = flags[TEMPLATES];
  const templates: Record<string, string> = {};
  if (sources?.title !== undefined) templates['snippet.title'] = sources.title;
  if (sources?.description !== undefined) templates['snippet.description'] = sources.description;
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

export async function prepareUpload(
  fileArg: string,
  flags: UploadFlags,
  options: PrepareOptions,
): Promise<UploadPlan> {
  const stdin = options.stdin === true;
  const places = { cwd: options.cwd, clientSecrets: options.clientSecrets };
  const file = stdin ? STDIN_ARG : resolve(options.cwd, fileArg);
  const size = stdin ? 0 : await checkVideoFile(options.flag, file, options.env, places);
  const input = await metadataInputFromFlags(flags, options.cwd, options.env, options.clientSecrets);
  const { resource, parts, flagNames } = buildInsertResource(input, {
    fileName: stdin ? 'stdin' : basename(file),
  });
  validateResource(resource, { now: options.now, flagNames });
  const notes: string[] = [];
  // Localizations are given as a whole (--localization, --metadata): each language's texts count as given.
  const given = Object.keys(flattenFields(resource)).filter(
    (field) =>
      field in flagNames || (field.startsWith('localizations.') && flagNames.localizations !== undefined),
  );
  const plan: UploadPlan = {
    file,
    size,
    contentType: VIDEO_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    resource,
    parts,
    given,
    ...templatesOf(flags),
    playlists: (flags.playlist ?? []).map((p) => p.trim()).filter(Boolean),
    createPlaylist: Boolean(flags.createPlaylist),
    captions: [],
    wait: Boolean(flags.wait),
    open: Boolean(flags.open),
    restart: Boolean(flags.restart),
    notes,
    ...(stdin ? { stdin, chunkSize: STDIN_CHUNK_SIZE } : {}),
  };
  if (flags.notifySubscribers !== undefined) plan.notifySubscribers = flags.notifySubscribers;
  if (flags.thumbnail !== undefined) {
    plan.thumbnail = resolve(options.cwd, flags.thumbnail);
    await assertNotPrivate(plan.thumbnail, '--thumbnail', options.env, places);
    await checkThumbnail(plan.thumbnail, { flag: '--thumbnail' });
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
