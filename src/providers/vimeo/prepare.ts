// This file builds the Vimeo upload plan from the flags, checking everything before anything is sent (exit 2): the
// video's name, description and privacy (what POST /me/videos takes), the password file, the folder and showcases,
// the thumbnail and the text tracks.
import { open, realpath, stat } from 'node:fs/promises';
import { basename, extname, resolve } from 'node:path';
import { canonicalChoice } from '../../cli/options.js';
import { prepareFile, templatesOf, type UploadFlags } from '../../cli/upload/prepare.js';
import { usageError } from '../../errors.js';
import type { PrepareOptions, UploadPlan } from '../contract.js';
import { VIEW_ALIASES, VIMEO_VIEWS, type VimeoView } from './options.js';

/** What POST /me/videos is given besides the upload: compared on resume and journaled (never the password). */
export interface VimeoResource {
  name: string;
  description?: string;
  privacy: { view: VimeoView };
}

export interface VimeoPlan extends UploadPlan<VimeoResource> {
  /** The video password (privacy.view password): sent at create, never saved with the session or journaled. */
  password?: string;
  folder?: string;
  createFolder: boolean;
}

/** The flags only Vimeo has (options.ts). */
export interface VimeoFlags extends UploadFlags {
  folder?: string;
  createFolder?: boolean;
  passwordFile?: string;
}

/** Formats Vimeo's caption guide lists (help.vimeo.com, "Captions and subtitles"): by extension. */
const TRACK_TYPES: Record<string, string> = {
  '.vtt': 'text/vtt',
  '.srt': 'application/x-subrip',
  '.dfxp': 'application/ttml+xml',
  '.scc': 'text/plain',
  '.sami': 'application/smil',
  '.smi': 'application/smil',
};

export const trackContentType = (path: string): string =>
  TRACK_TYPES[extname(path).toLowerCase()] ?? 'text/plain';

/** `--privacy` (or `--privacyStatus`) as a Vimeo view; YouTube's public/private are taken for anybody/nobody. */
export function parseView(flags: Pick<UploadFlags, 'privacy' | 'privacyStatus'>): VimeoView | undefined {
  const given = [flags.privacy, flags.privacyStatus].filter((v): v is string => v !== undefined);
  if (given.length === 2 && given[0] !== given[1])
    throw usageError('--privacyStatus and --privacy were both given with different values.', 'Use one.');
  if (given.length === 0) return undefined;
  const value = canonicalChoice(given[0]!, [...VIMEO_VIEWS, ...Object.keys(VIEW_ALIASES)]);
  const view = VIEW_ALIASES[value] ?? value;
  if (!(VIMEO_VIEWS as readonly string[]).includes(view))
    throw usageError(
      `--privacy: "${given[0]}" is not one of Vimeo's ${VIMEO_VIEWS.join(', ')}.`,
      'Example: --privacy unlisted',
    );
  return view as VimeoView;
}

/**
 * The password of `--password-file`: the file's first line. Like ssh's keys, a file other users can read is refused
 * (the password would not be secret), and so is a file that is also the video or its text (it would be published).
 */
export async function readPasswordFile(file: string, contents: string[]): Promise<string> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile())
    throw usageError(`--password-file ${file}: no such file.`, 'Give the file holding the password.');
  const real = await realpath(file);
  for (const content of contents) {
    const other = await stat(content).catch(() => undefined);
    if (other && ((await realpath(content)) === real || (other.dev === info.dev && other.ino === info.ino)))
      throw usageError(
        `--password-file ${file}: is also given as content (${content}); the password would be published. Nothing was sent.`,
        'Keep the password in a file of its own.',
      );
  }
  if ((info.mode & 0o077) !== 0)
    throw usageError(
      `--password-file ${file}: other users can read it (mode ${(info.mode & 0o777).toString(8)}).`,
      `Fix: chmod 600 ${file}`,
    );
  const handle = await open(file, 'r');
  let text: string;
  try {
    text = (await handle.readFile({ encoding: 'utf8' })).split(/\r?\n/)[0] ?? '';
  } finally {
    await handle.close();
  }
  if (text === '')
    throw usageError(`--password-file ${file}: the first line is empty.`, 'Write the password on it.');
  return text;
}

/** JPEG, PNG, GIF or WebP, told by its first bytes (what Vimeo's picture link takes). */
async function checkImage(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile() || info.size === 0)
    throw usageError(`--thumbnail ${path}: ${info ? 'not a non-empty regular file' : 'no such file'}.`);
  const handle = await open(path, 'r');
  const head = Buffer.alloc(12);
  try {
    await handle.read(head, 0, 12, 0);
  } finally {
    await handle.close();
  }
  const image =
    (head[0] === 0xff && head[1] === 0xd8) ||
    head.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) ||
    head.toString('latin1', 0, 4) === 'GIF8' ||
    (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP');
  if (!image) throw usageError(`--thumbnail ${path}: not a JPEG, PNG, GIF or WebP image.`);
}

export async function prepareVimeo(
  fileArg: string,
  flags: VimeoFlags,
  options: PrepareOptions,
): Promise<VimeoPlan> {
  // tus takes any split: --chunk-size is used as given, not rounded to Google's 256 KiB.
  const { chunkSize, ...rest } = flags;
  const base = await prepareFile(fileArg, rest, options);
  const { metadataInputFromFlags } = await import('../../cli/metadata-flags.js');
  const { defaultTitle } = await import('../youtube/metadata.js');
  const input = await metadataInputFromFlags(
    { ...flags, privacy: undefined, privacyStatus: undefined },
    options.cwd,
    options.env,
    options.clientSecrets,
  );
  const view = parseView(flags);
  const name = input.title?.trim() || defaultTitle(basename(base.file));
  const plan: VimeoPlan = {
    ...base,
    resource: {
      name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      privacy: { view: view ?? 'nobody' },
    },
    given: [
      ...(input.title !== undefined ? ['name'] : []),
      ...(input.description !== undefined ? ['description'] : []),
      ...(view !== undefined ? ['privacy.view'] : []),
    ],
    ...templatesOf(flags, { title: 'name', description: 'description' }),
    createFolder: Boolean(flags.createFolder),
  };
  if (chunkSize !== undefined) {
    const { parseSize } = await import('../../upload/size.js');
    plan.chunkSize = parseSize(chunkSize, '--chunk-size');
    if (plan.chunkSize < 1) throw usageError('--chunk-size: must be at least 1 byte.');
  }
  if (flags.folder !== undefined) {
    if (flags.folder.trim() === '') throw usageError('--folder: the name is empty.');
    plan.folder = flags.folder.trim();
  } else if (flags.createFolder) throw usageError('--create-folder needs --folder NAME.');
  if (plan.createPlaylist && plan.playlists.length === 0)
    throw usageError('--create-playlist needs --playlist NAME (a showcase).');
  if (plan.thumbnail !== undefined) await checkImage(plan.thumbnail);
  for (const caption of plan.captions) {
    if (!TRACK_TYPES[extname(caption.path).toLowerCase()])
      throw usageError(
        `--caption ${caption.path}: Vimeo takes ${Object.keys(TRACK_TYPES).join(', ')} files.`,
        'Convert it to WebVTT (.vtt) or SubRip (.srt).',
      );
  }
  if ((view === 'password') !== (flags.passwordFile !== undefined))
    throw usageError(
      view === 'password'
        ? '--privacy password needs --password-file FILE (the password is never taken from the command line).'
        : '--password-file is only for --privacy password.',
    );
  if (flags.passwordFile !== undefined) {
    const file = resolve(options.cwd, flags.passwordFile);
    const contents = [
      base.file,
      ...(flags.descriptionFile !== undefined ? [resolve(options.cwd, flags.descriptionFile)] : []),
      ...(plan.thumbnail ? [plan.thumbnail] : []),
      ...plan.captions.map((c) => c.path),
    ];
    plan.password = await readPasswordFile(file, contents);
  }
  return plan;
}
