// This file caps the average send rate (`--limit-rate`) with a token bucket paced by the reader, on an injected clock.
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

  /** Waits until `bytes` (any amount) may be sent, taking them a capacity at a time. */
  async takeAll(bytes: number, signal?: AbortSignal): Promise<void> {
    for (let left = bytes; left > 0; left -= this.capacity)
      await this.take(Math.min(left, this.capacity), signal);
  }
}
