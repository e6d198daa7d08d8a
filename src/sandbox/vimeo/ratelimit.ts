// This file is Vimeo's per-user rate limit: a rolling window of requests, told in X-RateLimit-* headers, 429 past it.
//
// Vimeo (quoted in vimeo/vimeo.py#86 and mfilippov/vimeo-dot-net#59): "X-RateLimit-Limit [total number of requests
// you're allowed to make], X-RateLimit-Remaining [number of requests remaining within time period],
// X-RateLimit-Reset [date/time the rate limit resets in UTC, formatted per ISO 8601]"; "generally based on a
// 15-minute rolling window"; "Requests made after breaching the rate limit will return a 429 Too Many Requests
// error, with the date/time the ban will be lifted included in the header as the X-RateLimit-Reset value".
// Observed (erichartzog.com, "Writing the book on Vimeo API rate limiting"): on normal answers the reset is the call's
// time plus the window. No Retry-After is documented: a client must read X-RateLimit-Reset.

import { isoSeconds } from './fields.js';

export interface Limit {
  limit: number;
  windowMs: number;
}

export interface RateVerdict {
  allowed: boolean;
  headers: Record<string, string>;
}

export class RateLimiter {
  private readonly seen = new Map<string, number[]>();
  private readonly limits = new Map<string, Limit>();

  constructor(
    private readonly defaults: Limit,
    private readonly now: () => number,
  ) {}

  set(user: string, limit: Partial<Limit>): void {
    this.limits.set(user, { ...this.limitOf(user), ...limit });
  }

  limitOf(user: string): Limit {
    return this.limits.get(user) ?? this.defaults;
  }

  /** Counts one request of `user` if the window has room; refused requests are not counted. */
  take(user: string): RateVerdict {
    const { limit, windowMs } = this.limitOf(user);
    const now = this.now();
    const times = (this.seen.get(user) ?? []).filter((t) => t > now - windowMs);
    this.seen.set(user, times);
    if (times.length >= limit) {
      // Banned until the oldest request in the window leaves it.
      const reset = (times[0] ?? now) + windowMs;
      return { allowed: false, headers: this.headers(limit, 0, reset) };
    }
    times.push(now);
    return { allowed: true, headers: this.headers(limit, limit - times.length, now + windowMs) };
  }

  private headers(limit: number, remaining: number, reset: number): Record<string, string> {
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': isoSeconds(reset),
    };
  }
}
