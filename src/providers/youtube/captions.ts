// This file uploads a caption track once (captions.list, then insert; API-NOTES §7) and parses `--caption FILE[:LANG]`.
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { usageError } from '../../errors.js';
import type { ApiCaller } from './api.js';
import { isLanguageTag } from './validate.js';

/** captions.insert accepts at most 100 MB (API-NOTES §7). */
export const MAX_CAPTION_BYTES = 100 * 1024 * 1024;
const CAPTION_EXT = /\.([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\.(srt|vtt|sbv|sub|ttml|dfxp|scc|cap|txt)$/i;

/**
 * `subs.srt:fr` → { path: 'subs.srt', language: 'fr' }. Without `:LANG` the language comes from a name like
 * `talk.en.srt`; otherwise a usage error. Only a suffix that is a language code is split off, so `C:\x.srt` stays whole.
 */
export function parseCaptionArg(arg: string, flag = '--caption'): { path: string; language: string } {
  const colon = arg.lastIndexOf(':');
  if (colon > 0) {
    const language = arg.slice(colon + 1);
    if (isLanguageTag(language)) return { path: arg.slice(0, colon), language };
  }
  const fromName = CAPTION_EXT.exec(arg)?.[1];
  if (fromName && isLanguageTag(fromName)) return { path: arg, language: fromName };
  throw usageError(`${flag} ${arg}: which language is it? Write FILE:LANG, e.g. ${arg}:en.`);
}

/** Checks a caption file and its language and name (usage errors, nothing sent) and reads it. */
async function readCaptionFile(path: string, language: string, name: string): Promise<Buffer> {
  const size = await stat(path).then(
    (info) => (info.isFile() ? info.size : -1),
    () => -2,
  );
  if (size === -2) throw usageError(`--caption ${path}: no such file.`);
  if (size === -1) throw usageError(`--caption ${path}: not a regular file.`);
  if (size === 0) throw usageError(`--caption ${path}: the file is empty.`);
  if (size > MAX_CAPTION_BYTES)
    throw usageError(`--caption ${path}: larger than the 100 MB YouTube accepts.`);
  if (!isLanguageTag(language)) throw usageError(`--caption ${path}: "${language}" is not a language code.`);
  if ([...name].length > 150)
    throw usageError(`--caption ${path}: the track name is longer than 150 characters.`);
  return readFile(path);
}

export interface CaptionTrack {
  id: string;
  language: string;
  name: string;
}

/** captions.insert (400 units; needs the youtube.force-ssl scope): returns the caption track's id. */
export async function insertCaption(
  api: ApiCaller,
  videoId: string,
  path: string,
  language: string,
  name = '',
): Promise<CaptionTrack> {
  const content = await readCaptionFile(path, language, name);
  return sendCaption(api, videoId, content, language, name);
}

async function sendCaption(
  api: ApiCaller,
  videoId: string,
  content: Buffer,
  language: string,
  name: string,
): Promise<CaptionTrack> {
  const data = await api.call(
    'captions.insert',
    `add the ${language} captions to video ${videoId}`,
    (options) =>
      api.yt.captions.insert(
        {
          part: ['snippet'],
          requestBody: { snippet: { videoId, language, name, isDraft: false } },
          // googleapis sends media with metadata as multipart and pipes the body, so each attempt needs a new stream.
          media: { mimeType: 'application/octet-stream', body: Readable.from([content]) },
        },
        options,
      ),
  );
  return {
    id: data.id ?? '',
    language: data.snippet?.language ?? language,
    name: data.snippet?.name ?? name,
  };
}

/**
 * An uploaded track of `language` named `name` on the video, or undefined (captions.list, 50 units). Tracks YouTube
 * made itself (trackKind ASR, automatic speech recognition) do not count: they are not the file the user gave.
 */
export async function findCaption(
  api: ApiCaller,
  videoId: string,
  language: string,
  name = '',
): Promise<CaptionTrack | undefined> {
  const data = await api.call('captions.list', `list the captions of video ${videoId}`, (options) =>
    api.yt.captions.list({ part: ['snippet'], videoId }, options),
  );
  const track = data.items?.find(
    (c) =>
      c.snippet?.trackKind?.toLowerCase() !== 'asr' &&
      c.snippet?.language?.toLowerCase() === language.toLowerCase() &&
      (c.snippet?.name ?? '') === name,
  );
  return track ? { id: track.id ?? '', language: track.snippet?.language ?? language, name } : undefined;
}

/**
 * Uploads the track unless the video has it already (a run killed between the insert and its journal record, then
 * run again): `added` says which. The file is checked first, so a bad file costs no quota.
 */
export async function insertCaptionOnce(
  api: ApiCaller,
  videoId: string,
  path: string,
  language: string,
  name = '',
): Promise<CaptionTrack & { added: boolean }> {
  const content = await readCaptionFile(path, language, name);
  const existing = await findCaption(api, videoId, language, name);
  if (existing) return { ...existing, added: false };
  return { ...(await sendCaption(api, videoId, content, language, name)), added: true };
}
