// This file builds PeerTube's upload plan from the flags, checked as PeerTube checks them (lengths, counts, ids),
// so that a bad value exits 2 with nothing sent: the metadata of POST /videos/upload-resumable, thumbnail, captions.
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { metadataInputFromFlags } from '../../cli/metadata-flags.js';
import { prepareFile, templatesOf, type UploadFlags } from '../../cli/upload/prepare.js';
import { usageError } from '../../errors.js';
import type { PrepareOptions, UploadPlan } from '../contract.js';
import type { PeerTubeFlags } from './options.js';

/**
 * What the upload's initiation carries, in PeerTube's field names (the journal's field paths), plus `channel`: the
 * channel's name, turned into its `channelId` when the session is created (the account's first when absent).
 */
export interface PeerTubeResource {
  name: string;
  /** The uploaded file's name: PeerTube keeps it (GET /videos/{id}/source), which proves a video came from it. */
  filename: string;
  channel?: string;
  privacy?: number;
  category?: number;
  licence?: number;
  language?: string;
  description?: string;
  tags?: string[];
  nsfw?: boolean;
  commentsPolicy?: number;
}

export type PeerTubePlan = UploadPlan<PeerTubeResource>;

/** VideoPrivacy: the ones an upload can ask for without a video password. */
export const PRIVACY: Readonly<Record<string, number>> = { public: 1, unlisted: 2, private: 3, internal: 4 };
/** VideoCommentPolicy. */
export const COMMENTS: Readonly<Record<string, number>> = { enabled: 1, disabled: 2 };

/** PeerTube's CONSTRAINTS_FIELDS.VIDEOS (server/core/initializers/constants.ts). */
const LIMITS = {
  name: [3, 120],
  description: [3, 10_000],
  tag: [2, 30],
  tags: 5,
  language: [1, 10],
} as const;

/** Where the title and description go in the resource (journal field paths, for templates). */
const TEXT_FIELDS = { title: 'name', description: 'description' };

const length = (text: string) => Array.from(text).length;

function positiveId(flag: string, raw: string): number {
  const value = Number(raw.trim());
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1)
    throw usageError(`${flag}: "${raw}" is not a numeric id.`, `Give the id PeerTube lists, e.g. ${flag} 1.`);
  return value;
}

function choice(flag: string, raw: string, table: Readonly<Record<string, number>>): number {
  const value = table[raw.trim().toLowerCase()];
  if (value === undefined)
    throw usageError(`${flag}: "${raw}" is not one of ${Object.keys(table).join(', ')}.`);
  return value;
}

/** The metadata flags in PeerTube's fields; `flags` names the flag of each for messages. */
export async function resourceFromFlags(
  flags: UploadFlags & PeerTubeFlags,
  cwd: string,
  env: PrepareOptions['env'],
  clientSecrets?: string,
): Promise<{ fields: Partial<PeerTubeResource>; given: string[] }> {
  const input = await metadataInputFromFlags(flags, cwd, env, clientSecrets);
  const f: Partial<PeerTubeResource> = {};
  if (input.title !== undefined) f.name = input.title.trim();
  if (input.description !== undefined) f.description = input.description;
  if (input.tags !== undefined) f.tags = input.tags;
  if (input.privacyStatus !== undefined)
    f.privacy = choice(input.flags?.privacyStatus ?? '--privacy', input.privacyStatus, PRIVACY);
  if (input.categoryId !== undefined) f.category = positiveId('--category', input.categoryId);
  if (flags.licence !== undefined) f.licence = positiveId('--licence', flags.licence);
  if (flags.language !== undefined) f.language = flags.language.trim();
  if (flags.nsfw) f.nsfw = true;
  if (flags.comments !== undefined) f.commentsPolicy = choice('--comments', flags.comments, COMMENTS);
  if (flags.channel !== undefined) f.channel = flags.channel.trim();
  validateFields(f, input.flags ?? {});
  return { fields: f, given: Object.keys(f) };
}

/** PeerTube's rules for each field (exit 2 naming the flag): the instance would answer 400 otherwise. */
export function validateFields(
  f: Partial<PeerTubeResource>,
  flagOf: Record<string, string | undefined> = {},
): void {
  if (f.name !== undefined && (length(f.name) < LIMITS.name[0] || length(f.name) > LIMITS.name[1]))
    throw usageError(
      `--title: PeerTube takes a title of ${LIMITS.name[0]} to ${LIMITS.name[1]} characters; this one has ${length(f.name)}.`,
    );
  const descriptionFlag = flagOf.description ?? '--description';
  if (
    f.description !== undefined &&
    (length(f.description) < LIMITS.description[0] || length(f.description) > LIMITS.description[1])
  )
    throw usageError(
      `${descriptionFlag}: PeerTube takes a description of ${LIMITS.description[0]} to ${LIMITS.description[1]} characters; this one has ${length(f.description)}.`,
    );
  if (f.tags !== undefined) {
    const tagFlag = flagOf.tags ?? '--tags';
    if (f.tags.length > LIMITS.tags)
      throw usageError(
        `${tagFlag}: PeerTube takes at most ${LIMITS.tags} tags; ${f.tags.length} were given.`,
      );
    const bad = f.tags.find((t) => length(t) < LIMITS.tag[0] || length(t) > LIMITS.tag[1]);
    if (bad !== undefined)
      throw usageError(
        `${tagFlag}: "${bad}": PeerTube takes tags of ${LIMITS.tag[0]} to ${LIMITS.tag[1]} characters.`,
      );
  }
  if (
    f.language !== undefined &&
    (length(f.language) < LIMITS.language[0] || length(f.language) > LIMITS.language[1])
  )
    throw usageError(`--language: "${f.language}" is not a language code (e.g. en, fr, pt-br).`);
  if (f.channel === '') throw usageError("--channel: give the channel's name (e.g. alice_channel).");
}

/** A PNG, JPEG or WebP image by its first bytes (isVideoImageValid's types). */
export async function checkImage(path: string, flag: string): Promise<string> {
  let head = Buffer.alloc(0);
  let size = 0;
  try {
    const handle = await open(path, 'r');
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw usageError(`${flag} ${path}: not a regular file.`);
      size = info.size;
      head = Buffer.alloc(12);
      head = head.subarray(0, (await handle.read(head, 0, 12, 0)).bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as { exitCode?: number }).exitCode !== undefined) throw error;
    throw usageError(`${flag} ${path}: cannot be read (${(error as NodeJS.ErrnoException).code}).`);
  }
  if (size === 0) throw usageError(`${flag} ${path}: the file is empty.`);
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) return 'image/png';
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP')
    return 'image/webp';
  throw usageError(
    `${flag} ${path}: not a PNG, JPEG or WebP image (checked by its content); PeerTube takes only these.`,
  );
}

export async function preparePeerTube(
  fileArg: string,
  flags: UploadFlags,
  options: PrepareOptions,
): Promise<PeerTubePlan> {
  const base = await prepareFile(fileArg, flags, options);
  const { fields, given } = await resourceFromFlags(flags, options.cwd, options.env, options.clientSecrets);
  const filename = basename(base.file);
  const { defaultTitle } = await import('../youtube/metadata.js');
  let name = fields.name ?? defaultTitle(filename);
  // A file name shorter than PeerTube's 3 characters is padded rather than refused: the title was not given.
  if (fields.name === undefined && length(name) < LIMITS.name[0]) name = `${name} video`.trim();
  // Private unless --privacy says otherwise, as vupload's YouTube uploads: a script never publishes by surprise
  // (an instance's own default is usually public).
  const resource: PeerTubeResource = { privacy: PRIVACY.private, ...fields, name, filename };
  const plan: PeerTubePlan = {
    ...base,
    resource,
    given: given.filter((k) => k !== 'channel' || fields.channel !== undefined),
    ...templatesOf(flags, TEXT_FIELDS),
  };
  if (plan.thumbnail !== undefined) await checkImage(plan.thumbnail, '--thumbnail');
  return plan;
}
