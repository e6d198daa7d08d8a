// This file fingerprints a video's content cheaply: size plus its first, middle and last MiB, never the whole file.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const SAMPLE = 1024 * 1024;

/**
 * `sha256:<hex>` over the size and three 1 MiB samples (the whole file when it is at most 3 MiB). Enough to tell
 * a different file at the same path from the one a session was started with (tus-js-client habit, STYLE.md).
 */
export async function fingerprintFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const hash = createHash('sha256').update(`vupload-fingerprint-v1 size=${size}\n`);
    const offsets = size <= 3 * SAMPLE ? [0] : [0, Math.floor((size - SAMPLE) / 2), size - SAMPLE];
    const length = size <= 3 * SAMPLE ? size : SAMPLE;
    const buffer = Buffer.alloc(Math.max(length, 1));
    for (const offset of offsets) {
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      hash.update(buffer.subarray(0, filled));
    }
    return `sha256:${hash.digest('hex')}`;
  } finally {
    await handle.close();
  }
}
