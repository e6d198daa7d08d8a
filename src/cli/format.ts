// This file holds pure formatting helpers for human output: sizes, rates, durations, progress lines.

import { retriesText } from '../upload/retry.js';
import { formatBytes } from '../upload/size.js';

export { formatBytes };

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export interface ProgressView {
  /** Bytes the server confirmed holding. */
  confirmed: number;
  /** Bytes put on the wire for the file so far; in one-request mode the server confirms only at the end. */
  sent?: number;
  total: number;
  /** Bytes per second; 0 when unknown. */
  rate: number;
  /** Seconds left; undefined when unknown. */
  etaSeconds?: number | undefined;
  retries: number;
}

/** Percent of the file sent so far (the server's confirmed offset lags behind in one-request mode). */
export function progressPercent(p: ProgressView): number {
  const done = Math.max(p.sent ?? 0, p.confirmed);
  return p.total > 0 ? Math.floor((done / p.total) * 100) : 100;
}

export function formatProgress(p: ProgressView): string {
  const done = Math.max(p.sent ?? 0, p.confirmed);
  // A total of 0 is unknown (a pipe): bytes and rate only.
  const parts =
    p.total > 0
      ? [`${progressPercent(p)}%`, `${formatBytes(done)} of ${formatBytes(p.total)}`]
      : [`${formatBytes(done)} sent`];
  if (p.rate > 0) parts.push(`${formatBytes(p.rate)}/s`);
  if (p.etaSeconds !== undefined && p.rate > 0 && done < p.total)
    parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  if (p.retries > 0) parts.push(retriesText(p.retries));
  return parts.join(', ');
}
