// This file hashes a video's whole content as it streams out, so "already uploaded" can mean "the same bytes".
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { createRequire } from 'node:module';

/**
 * The algorithm of new content hashes, tagged `xxh3-128:<hex>` in the journal (what `xxhsum -H2` prints). The hash
 * only has to tell the user's own files apart, so a fast 128-bit hash does, and the upload path spends it on every
 * byte (issue 15): measured here in 1 MiB updates, XXH3-128 costs 0.05 CPU s per GiB natively, 0.22 as WebAssembly,
 * SHA-256 0.69 (OpenSSL with SHA-NI).
 */
export const CONTENT_HASH_ALGORITHM = 'xxh3-128';
/** Hashes recorded by vupload before 0.2 are `sha256:<hex>`; a file is hashed that way only to compare with one. */
const ALGORITHMS = [CONTENT_HASH_ALGORITHM, 'sha256'] as const;
type Algorithm = (typeof ALGORITHMS)[number];
const READ_CHUNK = 1024 * 1024;

interface Digest {
  update(data: Buffer): void;
  hex(): string;
}

/**
 * The two builds of XXH3-128 (seed 0), which give the same digests: xxhash-addon, xxHash's own C code with prebuilt
 * binaries for Linux, macOS and Windows on x64 and arm64 (an optional dependency: where it has no binary and cannot
 * compile one, npm leaves it out), and hash-wasm's WebAssembly build of this one algorithm (20 KB; its index holds
 * every algorithm and loads 3× slower), which runs everywhere.
 */
export const XXH3_BUILDS = {
  native: (): Digest => {
    const { XXHash128 } = createRequire(import.meta.url)('xxhash-addon') as {
      XXHash128: new (seed: Buffer) => { update(data: Buffer): void; digest(): Buffer };
    };
    // The seed is a required argument (the addon crashes without one): eight zero bytes, XXH3's default.
    const hash = new XXHash128(Buffer.alloc(8));
    return { update: (data) => hash.update(data), hex: () => hash.digest().toString('hex') };
  },
  wasm: async (): Promise<Digest> => {
    const { createXXHash128 } = createRequire(import.meta.url)(
      'hash-wasm/dist/xxhash128.umd.min.js',
    ) as typeof import('hash-wasm');
    const hash = await createXXHash128();
    hash.init();
    return { update: (data) => hash.update(data), hex: () => hash.digest('hex') };
  },
};

/** Which build this process uses: the native one when it loads, decided once. */
let xxh3Build: keyof typeof XXH3_BUILDS | undefined;

async function createDigest(algorithm: Algorithm): Promise<Digest> {
  if (algorithm === 'sha256') {
    const hash = createHash('sha256');
    return { update: (data) => hash.update(data), hex: () => hash.digest('hex') };
  }
  if (xxh3Build === undefined) {
    try {
      const digest = XXH3_BUILDS.native();
      xxh3Build = 'native';
      return digest;
    } catch {
      xxh3Build = 'wasm';
    }
  }
  return XXH3_BUILDS[xxh3Build]();
}

/** The algorithm of a recorded content hash (`<tag>:<hex>`); undefined for a tag this version cannot compute. */
export function algorithmOf(contentHash: string): Algorithm | undefined {
  const tag = contentHash.slice(0, contentHash.indexOf(':'));
  return ALGORITHMS.find((algorithm) => algorithm === tag);
}

/**
 * A hash of bytes [0, size) fed in file order. Slices re-sent after a failure overlap what was hashed already, so
 * `update` takes the offset of each piece and skips what it has seen; a slice that starts past the hashed prefix (a
 * resumed upload) needs `catchUp`, which reads the bytes in between from disk: the only extra read, and only then.
 */
export class ContentHasher {
  private at = 0;

  private constructor(
    private readonly algorithm: Algorithm,
    private readonly hash: Digest,
  ) {}

  /** A hasher of CONTENT_HASH_ALGORITHM, or of `algorithm` (to compare with a hash an older version recorded). */
  static async create(algorithm: Algorithm = CONTENT_HASH_ALGORITHM): Promise<ContentHasher> {
    return new ContentHasher(algorithm, await createDigest(algorithm));
  }

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

  /** `<algorithm>:<hex>`; the hasher cannot be used afterwards. */
  digest(): string {
    return `${this.algorithm}:${this.hash.hex()}`;
  }
}

/**
 * The content hash of a whole file, read from disk (to confirm a match before skipping it as uploaded): with the
 * algorithm of `like`, a hash recorded earlier, when given and known, so that the two can be compared.
 */
export async function hashFile(path: string, size?: number, like?: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { hash, bytes } = await hashHandle(handle, like);
    if (size !== undefined && bytes !== size) {
      throw new Error(`content hash: ${path} has ${bytes} bytes, expected ${size}`);
    }
    return hash;
  } finally {
    await handle.close();
  }
}

/**
 * The content hash of the whole file behind an open handle, read from byte 0 (whatever the handle's position), with
 * the algorithm of `like` when given and known; and how many bytes it read. Housekeeping hashes the very handle of
 * the file it then moves or deletes (src/unattended/held-file.ts), so no other file can be swapped in between.
 */
export async function hashHandle(
  handle: FileHandle,
  like?: string,
): Promise<{ hash: string; bytes: number }> {
  const hasher = await ContentHasher.create((like && algorithmOf(like)) || CONTENT_HASH_ALGORITHM);
  const stream = handle.createReadStream({ start: 0, highWaterMark: READ_CHUNK, autoClose: false });
  for await (const chunk of stream) hasher.update(hasher.hashed, chunk as Buffer);
  return { bytes: hasher.hashed, hash: hasher.digest() };
}
