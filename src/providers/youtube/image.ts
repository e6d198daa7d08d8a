// This file checks a thumbnail before it is sent: JPEG or PNG by its first bytes, at most 2 MB (seed youtube-thumbnails-set.tr.txt).
import { open } from 'node:fs/promises';
import { usageError } from '../../errors.js';

/** The seed says 2 MB (⚠ a newer reference page says 50 MB; API-NOTES §6): the stricter limit is safe everywhere. */
export const MAX_THUMBNAIL_BYTES = 2 * 1024 * 1024;

export type ThumbnailMime = 'image/jpeg' | 'image/png';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The image type from a file's first bytes, whatever its name says. */
export function sniffImage(head: Uint8Array): ThumbnailMime | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 8 && Buffer.from(head.subarray(0, 8)).equals(PNG_SIGNATURE)) return 'image/png';
  return undefined;
}

/**
 * Checks that `path` is a readable JPEG or PNG of at most 2 MB; otherwise a usage error (exit 2) naming the file
 * and the flag (`--thumbnail` unless told otherwise).
 */
export async function checkThumbnail(
  path: string,
  options: { flag?: string } = {},
): Promise<{ mimeType: ThumbnailMime; size: number }> {
  const flag = options.flag ?? '--thumbnail';
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not readable' : `cannot be opened (${code})`;
    throw usageError(`${flag} ${path}: ${why}.`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw usageError(`${flag} ${path}: not a regular file.`);
    if (info.size === 0) throw usageError(`${flag} ${path}: the file is empty.`);
    if (info.size > MAX_THUMBNAIL_BYTES) {
      const mb = (info.size / 1024 / 1024).toFixed(1);
      throw usageError(
        `${flag} ${path}: ${mb} MB; YouTube accepts thumbnails of at most 2 MB.`,
        'Save it smaller (1280×720 JPEG at quality 85 is usually well under 1 MB).',
      );
    }
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    const mimeType = sniffImage(head.subarray(0, bytesRead));
    if (!mimeType) {
      throw usageError(
        `${flag} ${path}: not a JPEG or PNG image (checked by its content); YouTube accepts only these.`,
        'Convert it, e.g. `ffmpeg -i in.webp out.jpg`.',
      );
    }
    return { mimeType, size: info.size };
  } finally {
    await handle.close();
  }
}
