// This file makes test videos: an MP4 `ftyp` box (so the sandbox's processing accepts it) followed by random bytes.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';

export async function makeVideo(path: string, size: number): Promise<string> {
  const head = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');
  // Shorter than the box (a 1-byte file): its first bytes only.
  const bytes = Buffer.concat([head, randomBytes(Math.max(0, size - head.length))]).subarray(0, size);
  await writeFile(path, bytes);
  return path;
}
