// This file counts quota units per Pacific day, as YouTube does (API-NOTES §2: reset at midnight Pacific time).
import { ApiError } from '../errors.js';
import type { Store } from './store.js';

/** Per-method costs from API-NOTES §2–§7 and the YouTube quota table. */
export const DEFAULT_COSTS: Readonly<Record<string, number>> = {
  'videos.insert': 1600,
  'videos.list': 1,
  'videos.update': 50,
  'thumbnails.set': 50,
  'videoCategories.list': 1,
  'channels.list': 1,
  'playlists.list': 1,
  'playlists.insert': 50,
  'playlistItems.list': 1,
  'playlistItems.insert': 50,
  'captions.list': 50,
  'captions.insert': 400,
};

const pacific = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Los_Angeles',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day in America/Los_Angeles ('YYYY-MM-DD'), daylight saving included. */
export function pacificDay(ms: number): string {
  return pacific.format(new Date(ms));
}

export class Quota {
  constructor(
    private readonly store: Store,
    private readonly daily: number,
    private readonly costs: Partial<Record<string, number>>,
    private readonly now: () => number,
  ) {}

  private today(): { day: string; used: number; uploads: Record<string, number> } {
    const q = this.store.state.quota;
    const day = pacificDay(this.now());
    if (q.day !== day) {
      q.day = day;
      q.used = 0;
      q.uploads = {};
    }
    return q;
  }

  cost(method: string): number {
    return this.costs[method] ?? DEFAULT_COSTS[method] ?? 1;
  }

  /** Charges `method`'s cost, or throws 403 quotaExceeded when it does not fit in what is left today. */
  charge(method: string): void {
    const q = this.today();
    const cost = this.cost(method);
    if (q.used + cost > this.daily) {
      throw new ApiError(
        403,
        'quotaExceeded',
        'The request cannot be completed because you have exceeded your quota.',
      );
    }
    q.used += cost;
  }

  used(): number {
    return this.today().used;
  }

  setUsed(units: number): void {
    this.today().used = units;
  }

  uploadsToday(user: string): number {
    return this.today().uploads[user] ?? 0;
  }

  countUpload(user: string): void {
    const q = this.today();
    q.uploads[user] = (q.uploads[user] ?? 0) + 1;
  }
}
