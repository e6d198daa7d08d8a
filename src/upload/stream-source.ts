// This file holds a stream of unknown length (a pipe) for the upload: the chunk being sent and half a chunk read
// ahead while it is on the wire, in one ring buffer allocated once, hashing the bytes as they come in.
import type { Readable } from 'node:stream';
import { ContentHasher } from './content-hash.js';
import { abortError } from './transport.js';

/** The bytes of the next request: [from, to), and whether they end the stream (the request carries the total). */
export interface Window {
  from: number;
  to: number;
  final: boolean;
}

/**
 * The stream's bytes from `start` to `end` that the server has not confirmed, in a ring of 1.5 chunks: memory stays
 * there however long the stream is. A retry resends from here (a pipe cannot be read twice). The half chunk beyond
 * lets the pipe be read while a chunk is sent (measured: as fast as a file sent in chunks; a whole second chunk was
 * no faster) and tells whether a full chunk is the last one, whose request must carry the total (API-NOTES §1:
 * `bytes A-B/*` until the last chunk). At most one piece the stream handed over (64 KiB for a pipe) waits outside
 * the ring for room.
 */
export class StreamChunks {
  private readonly ring: Buffer;
  private readonly capacity: number;
  private readonly pieces: AsyncIterator<Buffer | string>;
  /** Ring index of `start`. */
  private head = 0;
  private ended = false;
  private failure: unknown;
  private pumping: Promise<void> | undefined;
  /** Wakes whoever waits for bytes (the engine) or for room (the reader). */
  private wake: (() => void) | undefined;
  /** Every byte read, in stream order: the content hash of the whole stream once it ended. */
  private readonly hashing = ContentHasher.create();
  /** Stream offset of the first byte held. */
  start = 0;
  /** Bytes held: [start, start + length). */
  length = 0;

  constructor(
    stream: Readable,
    readonly chunk: number,
    /** Stops a wait for the stream's next bytes (a live pipe can be silent for long). */
    private readonly signal?: AbortSignal,
  ) {
    // Half a chunk read ahead: the pipe keeps flowing while a chunk is on the wire, within 1.5 chunks of memory.
    this.capacity = chunk + Math.max(Math.floor(chunk / 2), 1);
    this.ring = Buffer.allocUnsafe(this.capacity);
    this.pieces = stream[Symbol.asyncIterator]();
  }

  get end(): number {
    return this.start + this.length;
  }

  /** The stream's size, once it has been read to its end. */
  get total(): number | undefined {
    return this.ended ? this.end : undefined;
  }

  /**
   * The next request's bytes from `from`: a full chunk while more follows, else the rest with `final`. Waits for
   * the reader until it knows which (a full chunk is the last one only if nothing follows it).
   */
  async window(from: number): Promise<Window> {
    this.pump();
    while (!this.ended && this.end - from <= this.chunk) await this.waitFor();
    if (this.failure !== undefined) throw this.failure;
    const to = Math.min(this.end, from + this.chunk);
    return { from, to, final: this.ended && to === this.end };
  }

  /** The content hash of every byte read (the whole stream, once `total` is known). */
  async digest(): Promise<string> {
    return (await this.hashing).digest();
  }

  /** The held bytes [from, to) as one or two views of the ring (no copy). */
  bytes(from: number, to: number): Buffer[] {
    const at = (this.head + (from - this.start)) % this.capacity;
    const length = to - from;
    if (at + length <= this.capacity) return [this.ring.subarray(at, at + length)];
    return [this.ring.subarray(at), this.ring.subarray(0, length - (this.capacity - at))];
  }

  /** Forgets the bytes before `offset`: the server confirmed holding them; their room is read into next. */
  release(offset: number): void {
    const drop = Math.min(Math.max(0, offset - this.start), this.length);
    if (drop === 0) return;
    this.head = (this.head + drop) % this.capacity;
    this.start += drop;
    this.length -= drop;
    this.notify();
  }

  /** Starts the reader once; it runs alongside the requests, filling the ring as room appears. */
  private pump(): void {
    this.pumping ??= this.read().catch((error: unknown) => {
      this.failure = error;
      this.ended = true;
      this.notify();
    });
  }

  private async read(): Promise<void> {
    const hasher = await this.hashing;
    for (;;) {
      const next = await this.next();
      if (next.done) break;
      let piece = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      while (piece.length > 0) {
        while (this.length === this.capacity) await this.waitFor();
        const taken = piece.subarray(0, this.capacity - this.length);
        const at = (this.head + this.length) % this.capacity;
        const first = Math.min(taken.length, this.capacity - at);
        taken.copy(this.ring, at, 0, first);
        if (first < taken.length) taken.copy(this.ring, 0, first);
        hasher.update(this.end, taken);
        this.length += taken.length;
        piece = piece.subarray(taken.length);
        this.notify();
      }
    }
    this.ended = true;
    this.notify();
  }

  private waitFor(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.wake;
      this.wake = () => {
        previous?.();
        resolve();
      };
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
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
