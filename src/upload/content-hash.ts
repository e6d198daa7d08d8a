// This file hashes a video's whole content as it streams out, so "already uploaded" can mean "the same bytes".
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The algorithm tag of content hashes in the journal: `sha256:<hex>`. */
export const CONTENT_HASH_ALGORITHM = 'sha256';
const READ_CHUNK = 1024 * 1024;

/**
 * A hash of bytes [0, size) fed in file order. Slices re-sent after a failure overlap what was hashed already, so
 * `update` takes the offset of each piece and skips what it has seen; a slice that starts past the hashed prefix (a
 * resumed upload) needs `catchUp`, which reads the bytes in between from disk: the only extra read, and only then.
 */
export class ContentHasher {
  private readonly hash: Hash = createHash(CONTENT_HASH_ALGORITHM);
  private at = 0;

  /** Bytes [0, hashed) are in the hash. */
  get hashed(): number {
    return this.at;
  }

  /** Feeds `chunk`, which holds the content's bytes starting at `offset`. */
  update(offset: number, chunk: Buffer): void {
    const end = offset + chunk.length;
    if (end <= this.at) return;
    if (offset > this.at) {
      throw new Error(`content hash: bytes ${this.at}-${offset} were skipped (call catchUp first)`);
    }
    this.hash.update(offset === this.at ? chunk : chunk.subarray(this.at - offset));
    this.at = end;
  }

  /** Hashes bytes [hashed, to) of `path` from disk. */
  async catchUp(path: string, to: number): Promise<void> {
    if (to <= this.at) return;
    const stream = createReadStream(path, { start: this.at, end: to - 1, highWaterMark: READ_CHUNK });
    for await (const chunk of stream) this.update(this.at, chunk as Buffer);
    if (this.at !== to) throw new Error(`content hash: ${path} ended at byte ${this.at}, expected ${to}`);
  }

  /** `sha256:<hex>`; the hasher cannot be used afterwards. */
  digest(): string {
    return `${CONTENT_HASH_ALGORITHM}:${this.hash.digest('hex')}`;
  }
}

/** The content hash of a whole file, read from disk (to confirm a match before skipping it as uploaded). */
export async function hashFile(path: string, size?: number): Promise<string> {
  const hasher = new ContentHasher();
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK });
  for await (const chunk of stream) hasher.update(hasher.hashed, chunk as Buffer);
  if (size !== undefined && hasher.hashed !== size) {
    throw new Error(`content hash: ${path} has ${hasher.hashed} bytes, expected ${size}`);
  }
  return hasher.digest();
}
