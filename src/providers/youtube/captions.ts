// This file uploads a caption track once (captions.list, then insert; API-NOTES §7).
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { isLanguageTag } from '../../cli/upload/captions.js';
import { usageError } from '../../errors.js';
import type { ApiCaller } from './api.js';

/** captions.insert accepts at most 100 MB (API-NOTES §7). */
export const MAX_CAPTION_BYTES = 100 * 1024 * 1024;
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
