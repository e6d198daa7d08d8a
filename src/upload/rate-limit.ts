// This file caps the average send rate (`--limit-rate`) with a token bucket on the read stream, on an injected clock.
import { Transform, type TransformCallback } from 'node:stream';
import type { Clock } from './clock.js';

/** A bucket shared by every request of one upload, so the cap holds across chunks and retries. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  /** Largest piece handed out at once; also the burst allowed after a pause. */
  readonly capacity: number;

  constructor(
    readonly bytesPerSec: number,
    private readonly clock: Clock,
    capacity?: number,
  ) {
    if (!(bytesPerSec > 0)) throw new RangeError('bytesPerSec must be positive');
    // A quarter second of data, at least 16 KiB: smooth enough for a progress bar, few enough wake-ups.
    this.capacity = Math.max(1, Math.floor(capacity ?? Math.max(16 * 1024, bytesPerSec / 4)));
    this.tokens = this.capacity;
    this.last = clock.now();
  }

  /** Waits until `bytes` (≤ capacity) may be sent, then takes them. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.bytesPerSec) / 1000);
      this.last = now;
      if (this.tokens >= bytes) {
        this.tokens -= bytes;
        return;
      }
      await this.clock.sleep(Math.ceil(((bytes - this.tokens) * 1000) / this.bytesPerSec), signal);
    }
  }

  /** A Transform that lets bytes through no faster than the bucket allows. */
  throttle(signal?: AbortSignal): Transform {
    const bucket = this;
    return new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        (async () => {
          for (let at = 0; at < chunk.length; at += bucket.capacity) {
            const piece = chunk.subarray(at, Math.min(chunk.length, at + bucket.capacity));
            await bucket.take(piece.length, signal);
            this.push(piece);
          }
        })().then(() => callback(), callback);
      },
    });
  }
}
