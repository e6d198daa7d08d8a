// This file turns byte counts into throttled progress events: confirmed, sent, rate over a sliding window, ETA.
import type { Clock } from './clock.js';

export interface UploadProgress {
  /** Bytes the server has confirmed holding (its offset). */
  confirmed: number;
  /** Position in the file sent so far (the offset of the current request plus what it has sent). */
  sent: number;
  total: number;
  /** Every byte put on the wire, re-sends included. */
  bytesOnWire: number;
  /** Bytes per second over the last few seconds; 0 until there is enough to measure. */
  rate: number;
  /** Seconds left at the current rate, or undefined while the rate is unknown. */
  etaSeconds: number | undefined;
  /** Retries so far in this upload. */
  retries: number;
}

const WINDOW_MS = 5_000;

export class ProgressTracker {
  confirmed = 0;
  sent = 0;
  bytesOnWire = 0;
  retries = 0;
  private lastEmit = Number.NEGATIVE_INFINITY;
  private samples: { at: number; wire: number }[] = [];

  constructor(
    readonly total: number,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly emit?: (progress: UploadProgress) => void,
  ) {}

  /** Bytes handed towards the socket. */
  addSent(bytes: number): void {
    this.sent += bytes;
    this.bytesOnWire += bytes;
    this.maybeEmit(false);
  }

  /** The server's offset, after a 308 or a status query; what we send next starts there. */
  setConfirmed(offset: number): void {
    this.confirmed = offset;
    this.sent = offset;
  }

  /** Emits now, whatever the interval (end of each request, retries, resumes). */
  flush(): void {
    this.maybeEmit(true);
  }

  snapshot(): UploadProgress {
    const now = this.clock.now();
    this.sample(now);
    const oldest = this.samples[0]!;
    const elapsed = now - oldest.at;
    const rate = elapsed >= 250 ? ((this.bytesOnWire - oldest.wire) * 1000) / elapsed : 0;
    const left = this.total - Math.max(this.sent, this.confirmed);
    return {
      confirmed: this.confirmed,
      sent: this.sent,
      total: this.total,
      bytesOnWire: this.bytesOnWire,
      rate,
      etaSeconds: rate > 0 ? left / rate : left === 0 ? 0 : undefined,
      retries: this.retries,
    };
  }

  private maybeEmit(force: boolean): void {
    if (!this.emit) return;
    const now = this.clock.now();
    if (!force && now - this.lastEmit < this.intervalMs) return;
    this.lastEmit = now;
    this.emit(this.snapshot());
  }

  private sample(now: number): void {
    const last = this.samples[this.samples.length - 1];
    if (!last || now - last.at >= 100) this.samples.push({ at: now, wire: this.bytesOnWire });
    while (this.samples.length > 2 && now - this.samples[1]!.at >= WINDOW_MS) this.samples.shift();
  }
}
