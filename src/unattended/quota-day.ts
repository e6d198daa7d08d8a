// This file is the units ledger's day: a quota day ends at midnight Pacific time, as YouTube's does (API-NOTES §2).

/**
 * America/Los_Angeles's offset from UTC at `ms`, in hours: −7 from the second Sunday of March, 2:00 PST, to the first
 * Sunday of November, 2:00 PDT, else −8 (the US rule since 2007). Computed, not asked of Intl: an Intl.DateTimeFormat
 * costs more to build than the rest of an upload's ledger work; a test holds this to Intl hour by hour over years.
 */
function pacificOffsetHours(ms: number): number {
  const year = new Date(ms).getUTCFullYear();
  /** The day of the month of the `nth` Sunday of `month` (0-based). */
  const sunday = (month: number, nth: number) =>
    1 + ((7 - new Date(Date.UTC(year, month, 1)).getUTCDay()) % 7) + 7 * (nth - 1);
  const start = Date.UTC(year, 2, sunday(2, 2), 10);
  const end = Date.UTC(year, 10, sunday(10, 1), 9);
  return ms >= start && ms < end ? -7 : -8;
}

/** The quota day of `date`: its calendar date in America/Los_Angeles (the quota resets at midnight there, §2). */
export function pacificDay(date: Date): string {
  const ms = date.getTime();
  return new Date(ms + pacificOffsetHours(ms) * 3_600_000).toISOString().slice(0, 10);
}

const LA = 'America/Los_Angeles';

function wallClock(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

/** The next midnight in America/Los_Angeles after `now`, when YouTube's daily quota resets (API-NOTES §2). */
export function nextQuotaReset(now: Date): Date {
  const wall = wallClock(now.getTime(), LA);
  const day = new Date(wall);
  const target = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1);
  // offset = wall clock − UTC; DST changes at 2 am, never at midnight, so two passes settle on the right offset.
  const offset = (ms: number) => wallClock(ms, LA) - Math.floor(ms / 1000) * 1000;
  let guess = target - offset(target);
  guess = target - offset(guess);
  return new Date(guess);
}

/** "The quota resets at midnight Pacific time (09:00 your local time, in 7 h 12 min)." */
export function quotaResetText(now: Date, timeZone?: string): string {
  const reset = nextQuotaReset(now);
  const local = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(reset);
  const minutes = Math.ceil((reset.getTime() - now.getTime()) / 60_000);
  return `The quota resets at midnight Pacific time (${local} your local time, in ${Math.floor(minutes / 60)} h ${minutes % 60} min); run the command again then.`;
}
