// This file holds a stream of unknown length (a pipe) one chunk at a time, hashing its bytes as they come in.
import type { Readable } from 'node:stream';
import { ContentHasher } from './content-hash.js';
import { abortError } from './transport.js';

/**
 * The bytes of a stream from `start` to `end` that the server has not confirmed yet, in one buffer of `capacity`
 * bytes allocated once (memory stays flat however long the stream is). A retry resends from this buffer: a pipe
 * cannot be read twice. Besides the buffer, at most one piece the stream handed over (its read size, 64 KiB for a
 * pipe) is held: the look-ahead that tells whether a full buffer is the last chunk, whose request must carry the
 * total (API-NOTES §1, `bytes A-B/*` until the last chunk).
 */
export class StreamChunks {
  private readonly buffer: Buffer;
  private readonly pieces: AsyncIterator<Buffer | string>;
  /** Read from the stream but not yet in the buffer (the look-ahead, or the rest of a piece that did not fit). */
  private carry: Buffer | undefined;
  private ended = false;
  /** Every byte read, in stream order: the content hash of the whole stream once it ended. */
  private readonly hashing = ContentHasher.create();
  /** Stream offset of the first byte held. */
  start = 0;
  /** Bytes held: [start, start + length). */
  length = 0;

  constructor(
    stream: Readable,
    readonly capacity: number,
    /** Stops a wait for the stream's next bytes (a live pipe can be silent for long). */
    private readonly signal?: AbortSignal,
  ) {
    this.buffer = Buffer.allocUnsafe(capacity);
    this.pieces = stream[Symbol.asyncIterator]();
  }

  get end(): number {
    return this.start + this.length;
  }

  /** True once the buffer holds the stream's last byte: `end` is then the stream's size. */
  get final(): boolean {
    return this.ended && this.carry === undefined;
  }

  /** Reads until the buffer is full or the stream ended; returns `final`. */
  async fill(): Promise<boolean> {
    const hasher = await this.hashing;
    while (this.length < this.capacity) {
      const piece = this.carry ?? (await this.read());
      this.carry = undefined;
      if (!piece) break;
      const room = this.capacity - this.length;
      const taken = piece.length <= room ? piece : piece.subarray(0, room);
      taken.copy(this.buffer, this.length);
      hasher.update(this.end, taken);
      this.length += taken.length;
      if (taken.length < piece.length) this.carry = piece.subarray(room);
    }
    // A full buffer is the last chunk only if nothing follows: look one piece ahead.
    if (!this.ended && this.carry === undefined) this.carry = await this.read();
    return this.final;
  }

  /** The content hash of every byte read (the whole stream, once `final`). */
  async digest(): Promise<string> {
    return (await this.hashing).digest();
  }

  /** The held bytes from stream offset `from` to `end` (no copy). */
  bytes(from: number): Buffer {
    return this.buffer.subarray(from - this.start, this.length);
  }

  /** Forgets the bytes before `offset`: the server confirmed holding them. */
  release(offset: number): void {
    const drop = Math.min(Math.max(0, offset - this.start), this.length);
    if (drop === 0) return;
    // Only after the server kept part of a chunk is anything left to move; a whole chunk leaves nothing.
    if (drop < this.length) this.buffer.copyWithin(0, drop, this.length);
    this.start += drop;
    this.length -= drop;
  }

  private async read(): Promise<Buffer | undefined> {
    if (this.ended) return undefined;
    for (;;) {
      const next = await this.next();
      if (next.done) {
        this.ended = true;
        return undefined;
      }
      const piece = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      if (piece.length > 0) return piece;
    }
  }

  private next(): Promise<IteratorResult<Buffer | string>> {
    const signal = this.signal;
    if (!signal) return this.pieces.next();
    if (signal.aborted) return Promise.reject(abortError(signal.reason));
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(abortError(signal.reason));
      signal.addEventListener('abort', onAbort, { once: true });
      this.pieces.next().then(
        (result) => {
          signal.removeEventListener('abort', onAbort);
          resolve(result);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }
}
