// This file holds a stream of unknown length (a pipe) for the upload: the chunk being sent and the next one read
// ahead while it is on the wire, in one ring buffer allocated once, hashing the bytes as they come in.
import type { Readable } from 'node:stream';
import { ContentHasher } from './content-hash.js';
import { type PieceSource, toPieceSource } from './stream-input.js';
import { abortError } from './transport.js';

/** The bytes of the next request: [from, to), and whether they end the stream (the request carries the total). */
export interface Window {
  from: number;
  to: number;
  final: boolean;
}

/**
 * The stream's bytes from `start` to `end` that the server has not confirmed, in a ring of two chunks: memory stays
 * there however long the stream is. A retry resends from here (a pipe cannot be read twice). The second chunk is read
 * while the first is on the wire, so the next request can start as soon as the server confirmed the last one (with
 * half a chunk read ahead, a 256 MiB pipe waited 190-320 ms for its reader between requests; with a whole one,
 * 30-120 ms), and tells whether a full chunk is the last one, whose request must carry the total (API-NOTES §1:
 * `bytes A-B/*` until the last chunk). A pipe reads straight into the ring's free room (room()); a Readable's pieces
 * are copied in. At most one piece the input handed over waits outside the ring for room (the input is stopped
 * meanwhile).
 */
export class StreamChunks {
  private readonly ring: Buffer;
  private readonly capacity: number;
  private readonly source: PieceSource;
  /** Ring index of `start`. */
  private head = 0;
  /** The input ended (or failed, or the upload was interrupted). */
  private ended = false;
  private failure: unknown;
  private starting: Promise<void> | undefined;
  private closed = false;
  /** The rest of a piece that found the ring full; the input is stopped until it is taken in. */
  private held: Buffer | undefined;
  /** The input is stopped until the ring has room for a read again. */
  private stopped = false;
  /** Wakes whoever waits for bytes (the engine). */
  private wake: (() => void) | undefined;
  /** Every byte taken in, in stream order: the content hash of the whole stream once it ended. */
  private readonly hashing = ContentHasher.create();
  private hasher: ContentHasher | undefined;
  /** Stream offset of the first byte held. */
  start = 0;
  /** Bytes held: [start, start + length). */
  length = 0;

  constructor(
    input: Readable | PieceSource,
    readonly chunk: number,
    /** Stops a wait for the stream's next bytes (a live pipe can be silent for long). */
    private readonly signal?: AbortSignal,
  ) {
    this.capacity = 2 * chunk;
    this.ring = Buffer.allocUnsafe(this.capacity);
    this.source = toPieceSource(input);
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get end(): number {
    return this.start + this.length;
  }

  /** Every byte of the input is in the ring or was released. */
  private get exhausted(): boolean {
    return this.ended && this.held === undefined;
  }

  /** The stream's size, once it has been read to its end. */
  get total(): number | undefined {
    return this.exhausted ? this.end : undefined;
  }

  /**
   * The next request's bytes from `from`: a full chunk while more follows, else the rest with `final`. Waits for
   * the input until it knows which (a full chunk is the last one only if nothing follows it).
   */
  async window(from: number): Promise<Window> {
    await this.startInput();
    while (!this.exhausted && this.end - from <= this.chunk) await this.waitFor();
    if (this.failure !== undefined) throw this.failure;
    const to = Math.min(this.end, from + this.chunk);
    return { from, to, final: this.exhausted && to === this.end };
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

  /** Forgets the bytes before `offset`: the server confirmed holding them; their room takes the input's next bytes. */
  release(offset: number): void {
    const drop = Math.min(Math.max(0, offset - this.start), this.length);
    if (drop === 0) return;
    this.head = (this.head + drop) % this.capacity;
    this.start += drop;
    this.length -= drop;
    if (this.held && !this.closed) this.held = this.take(this.held);
    if (this.stopped && !this.full && !this.closed) {
      this.stopped = false;
      this.source.resume();
    }
    this.notify();
  }

  /** Stops the input: the upload is over, whichever way. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.source.close();
  }

  /** Starts the input once (the hash first: each piece is hashed as it is taken in). */
  private startInput(): Promise<void> {
    this.starting ??= this.hashing.then((hasher) => {
      this.hasher = hasher;
      if (this.closed) return;
      this.source.start({
        piece: (bytes) => {
          if (this.closed) return false;
          this.held = this.take(bytes);
          this.stopped = this.full;
          this.notify();
          return !this.stopped;
        },
        room: () => this.room(),
        end: (error) => this.stop(error),
      });
    });
    return this.starting;
  }

  /**
   * No room for another read: the input stops until release() makes room. The buffer its next read lands in was
   * picked as it stopped, when the ring had none (room()), so that read goes to the input's spare buffer and is
   * copied in: one read's copy each time the ring fills, about once per chunk when the input is faster than the
   * upload.
   */
  private get full(): boolean {
    return this.held !== undefined || this.length === this.capacity;
  }

  /**
   * The free part of the ring right after the held bytes, for the input to read into: those bytes are then in place
   * (take() has nothing to copy). Releasing never moves it, and only take() fills it. Undefined when the ring is full.
   */
  private room(): Buffer | undefined {
    const free = this.capacity - this.length;
    if (this.closed || free === 0) return undefined;
    const at = (this.head + this.length) % this.capacity;
    return this.ring.subarray(at, at + Math.min(free, this.capacity - at));
  }

  /** Takes `piece` in after the held bytes (copying what fits, unless it was read in place) and hashes it; returns the rest, if any. */
  private take(piece: Buffer): Buffer | undefined {
    const at = (this.head + this.length) % this.capacity;
    if (piece.buffer === this.ring.buffer && piece.byteOffset === this.ring.byteOffset + at) {
      this.hasher!.update(this.end, piece);
      this.length += piece.length;
      return undefined;
    }
    const taken = piece.subarray(0, this.capacity - this.length);
    const first = Math.min(taken.length, this.capacity - at);
    taken.copy(this.ring, at, 0, first);
    if (first < taken.length) taken.copy(this.ring, 0, first);
    this.hasher!.update(this.end, taken);
    this.length += taken.length;
    return taken.length < piece.length ? piece.subarray(taken.length) : undefined;
  }

  private readonly onAbort = (): void => this.stop(abortError(this.signal?.reason));

  private stop(error?: unknown): void {
    if (this.ended) return;
    if (error !== undefined) this.failure = error;
    this.ended = true;
    // A failed input has nothing more to give: what waits outside the ring is not part of a whole stream.
    if (error !== undefined) this.held = undefined;
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
}
