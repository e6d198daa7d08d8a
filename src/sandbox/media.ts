// This file stores uploaded bytes as they arrive (to a file, or only into a running sha256) and sniffs containers.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { constants, type FileHandle, open } from 'node:fs/promises';

/** How many leading bytes are kept for the container check (MPEG-TS needs the sync byte at 188). */
export const HEAD_BYTES = 512;

export interface LiveMedia {
  hash: Hash;
}

/** The container named by the first bytes, or undefined when they are no video container YouTube accepts. */
export function sniffContainer(head: Buffer): string | undefined {
  const ascii = (from: number, to: number) => head.toString('latin1', from, to);
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (head.length >= 12 && ['ftyp', 'moov', 'mdat', 'wide', 'free'].includes(ascii(4, 8))) {
    const brand = ascii(8, 12);
    if (ascii(4, 8) !== 'ftyp' || brand.startsWith('qt')) return 'mov';
    return brand.startsWith('3g') ? '3gp' : 'mp4';
  }
  if (starts(0x1a, 0x45, 0xdf, 0xa3)) return head.includes('webm', 0, 'latin1') ? 'webm' : 'mkv';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'AVI ') return 'avi';
  if (ascii(0, 3) === 'FLV') return 'flv';
  if (starts(0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11)) return 'asf';
  if (head[0] === 0x47 && head.length > 376 && head[188] === 0x47 && head[376] === 0x47) return 'mpegts';
  if (starts(0x00, 0x00, 0x01, 0xba)) return 'mpegps';
  return undefined;
}

/** Hashes the first `length` bytes of a file (to rebuild a running hash after a restart, full storage). */
export async function hashFile(path: string, length: number): Promise<Hash> {
  const hash = createHash('sha256');
  if (length === 0) return hash;
  for await (const chunk of createReadStream(path, { start: 0, end: length - 1 }))
    hash.update(chunk as Buffer);
  return hash;
}

/** Writes are gathered up to this size: one write per network chunk (~64 KiB) costs a thread-pool round trip each. */
const FLUSH_BYTES = 1024 * 1024;

/**
 * Appends at `stored`; `path` undefined = hash-only storage. Keeps the head bytes and feeds the hash.
 * `stored` counts bytes accepted; they reach the file by close() at the latest (callers close before answering).
 */
export class MediaWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private written: number;

  private constructor(
    private fh: FileHandle | undefined,
    public stored: number,
    private readonly hash: Hash | undefined,
    private head: Buffer,
  ) {
    this.written = stored;
  }

  static async open(
    path: string | undefined,
    stored: number,
    hash: Hash | undefined,
    head: Buffer,
  ): Promise<MediaWriter> {
    let fh: FileHandle | undefined;
    if (path) {
      fh = await open(path, constants.O_RDWR | constants.O_CREAT, 0o600);
      // Anything past `stored` was never acknowledged; drop it so the file and the offset agree.
      await fh.truncate(stored);
    }
    return new MediaWriter(fh, stored, hash, head);
  }

  async write(buf: Buffer): Promise<void> {
    if (this.fh) {
      this.pending.push(buf);
      this.pendingBytes += buf.length;
      if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
    }
    this.hash?.update(buf);
    if (this.head.length < HEAD_BYTES) {
      this.head = Buffer.concat([this.head, buf.subarray(0, HEAD_BYTES - this.head.length)]);
    }
    this.stored += buf.length;
  }

  private async flush(): Promise<void> {
    if (!this.fh || this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    let done = 0;
    try {
      while (done < data.length) {
        const { bytesWritten } = await this.fh.write(data, done, data.length - done, this.written + done);
        done += bytesWritten;
      }
    } finally {
      this.written += done;
      // What did not reach the disk is not stored (the file stays the truth, see Store.reconcileMedia).
      if (done < data.length) this.stored = this.written;
    }
  }

  headBase64(): string {
    return this.head.toString('base64');
  }

  /** Flushes and closes; idempotent. */
  async close(): Promise<void> {
    const fh = this.fh;
    if (!fh) return;
    try {
      await this.flush();
    } finally {
      this.fh = undefined;
      await fh.close();
    }
  }
}
