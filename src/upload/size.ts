// This file parses human byte sizes (`--chunk-size 8M`, `--limit-rate 1.5G`) and aligns chunk sizes to the protocol's 256 KiB.
import { usageError } from '../errors.js';

/** Every chunk but the last must be a multiple of 256 KiB (API-NOTES §1, "Send bytes"). */
export const CHUNK_GRANULARITY = 262_144;

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  B: 1,
  K: 1024,
  KB: 1024,
  KIB: 1024,
  M: 1024 ** 2,
  MB: 1024 ** 2,
  MIB: 1024 ** 2,
  G: 1024 ** 3,
  GB: 1024 ** 3,
  GIB: 1024 ** 3,
};

/**
 * Parses `256K`, `8M`, `1.5G`, `1048576` (binary units, case-insensitive, optional `B`/`iB`) into whole bytes.
 * Throws a usage error (exit 2) for anything else, naming `what` (e.g. '--chunk-size') when given.
 */
export function parseSize(text: string, what = 'size'): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match ? UNITS[match[2]!.toUpperCase()] : undefined;
  if (!match || unit === undefined) {
    throw usageError(
      `${what}: cannot read "${text}" as a size`,
      'use a number of bytes or a number with K, M or G (e.g. 256K, 8M, 1.5G, 1048576)',
    );
  }
  const bytes = Math.round(Number(match[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw usageError(`${what}: "${text}" must be more than 0 bytes`);
  }
  return bytes;
}

export interface AlignedChunkSize {
  bytes: number;
  /** True when `bytes` differs from the requested size, so the CLI can say it rounded. */
  changed: boolean;
}

/** Rounds a chunk size to the nearest multiple of 256 KiB, never below 256 KiB. */
export function alignChunkSize(bytes: number): AlignedChunkSize {
  if (!Number.isFinite(bytes) || bytes <= 0) return { bytes: CHUNK_GRANULARITY, changed: true };
  const aligned = Math.max(1, Math.round(bytes / CHUNK_GRANULARITY)) * CHUNK_GRANULARITY;
  return { bytes: aligned, changed: aligned !== bytes };
}

/** `1.5 MiB`-style rendering for messages; exact bytes below 1 KiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[i]}`;
}
