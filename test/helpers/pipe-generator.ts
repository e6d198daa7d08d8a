// This file generates deterministic video-like bytes for pipe tests and benches: `node pipe-generator.js SIZE [SEED]`
// writes them to stdout (a real pipe into vupload); generateBytes() gives the same bytes in-process.
import { createHash } from 'node:crypto';

const PIECE = 64 * 1024;
/** An MP4 'ftyp' box, so the sandbox takes the stream for a video. */
const FTYP = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex');

/** The stream's pieces: FTYP then xorshift32 noise from `seed` (cheap, reproducible, incompressible enough). */
export function* generateBytes(size: number, seed = 1): Generator<Buffer> {
  let x = seed >>> 0 || 1;
  for (let at = 0; at < size; at += PIECE) {
    const piece = Buffer.allocUnsafe(Math.min(PIECE, size - at));
    for (let i = 0; i + 4 <= piece.length; i += 4) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      piece.writeUInt32LE(x >>> 0, i);
    }
    for (let i = piece.length - (piece.length % 4); i < piece.length; i++) piece[i] = i & 0xff;
    if (at === 0) FTYP.copy(piece, 0, 0, Math.min(FTYP.length, piece.length));
    yield piece;
  }
}

/** vupload's content hash (the journal's `contentHash`) of those bytes. */
export async function contentHashOf(size: number, seed = 1): Promise<string> {
  const { ContentHasher } = await import('../../src/upload/content-hash.js');
  const hasher = await ContentHasher.create();
  for (const piece of generateBytes(size, seed)) hasher.update(hasher.hashed, piece);
  return hasher.digest();
}

export function sha256Of(size: number, seed = 1): string {
  const hash = createHash('sha256');
  for (const piece of generateBytes(size, seed)) hash.update(piece);
  return hash.digest('hex');
}

async function main(): Promise<void> {
  // The reader may stop early (a refused upload): a closed pipe ends the generator quietly.
  process.stdout.on('error', () => process.exit(0));
  const size = Number(process.argv[2]);
  const seed = Number(process.argv[3] ?? 1);
  for (const piece of generateBytes(size, seed)) {
    if (!process.stdout.write(piece)) await new Promise((done) => process.stdout.once('drain', done));
  }
}

if (process.argv[1]?.endsWith('pipe-generator.js')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
