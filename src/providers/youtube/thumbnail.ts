// This file sets a video's custom thumbnail (thumbnails.set, seed youtube-thumbnails-set.tr.txt) after checking the image.
import { readFile } from 'node:fs/promises';
import type { ApiCaller } from './api.js';
import { checkThumbnail, type ThumbnailMime } from './image.js';

export interface ThumbnailResult {
  mimeType: ThumbnailMime;
  size: number;
  /** The largest thumbnail URL YouTube reports back, if any. */
  url?: string;
}

/**
 * Checks the image (JPEG/PNG by content, ≤ 2 MB; usage error naming `flag` otherwise), then sends it as a media
 * upload. A 429 uploadRateLimitExceeded is retried a few times by the client, then exits 4.
 */
export async function setThumbnail(
  api: ApiCaller,
  videoId: string,
  path: string,
  flag = '--thumbnail',
): Promise<ThumbnailResult> {
  const { mimeType, size } = await checkThumbnail(path, { flag });
  // Read once (≤ 2 MB): a Buffer can be sent again on retry, a stream could not.
  const body = await readFile(path);
  const data = await api.call('thumbnails.set', `set the thumbnail of video ${videoId}`, (options) =>
    api.yt.thumbnails.set({ videoId, media: { mimeType, body } }, options),
  );
  const item = data.items?.[0];
  const url = item?.maxres?.url ?? item?.high?.url ?? item?.medium?.url ?? item?.default?.url ?? undefined;
  return url ? { mimeType, size, url } : { mimeType, size };
}
