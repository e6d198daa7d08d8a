// This file reads and writes the byte ranges of Google's resumable protocol (API-NOTES §1, "308 Resume Incomplete").
import { protocolError } from './errors.js';

/**
 * Reads the `Range` header of a 308 answer and returns how many bytes the server holds (the next byte to send).
 * `bytes=0-N` is inclusive, so the answer is N+1; no header at all means nothing is stored (API-NOTES §1).
 * A header we cannot read is a protocol error rather than a guess.
 */
export function parseRange(header: string | undefined | null): number {
  if (header === undefined || header === null || header.trim() === '') return 0;
  const match = /^\s*(?:bytes=)?(\d+)-(\d+)\s*$/i.exec(header);
  if (!match) throw protocolError(`the server sent an unreadable Range header: "${header}"`);
  const first = Number(match[1]);
  const last = Number(match[2]);
  // Google always keeps a prefix of the upload; a range that does not start at 0 is not one we can continue.
  if (first !== 0 || last < first || !Number.isSafeInteger(last)) {
    throw protocolError(`the server sent a Range header we cannot continue from: "${header}"`);
  }
  return last + 1;
}

/** `Content-Range` for the bytes [start, end) of `total` bytes (`*` while a stream's total is not known yet). */
export function contentRange(start: number, end: number, total: number | '*'): string {
  return `bytes ${start}-${end - 1}/${total}`;
}

/** `Content-Range` of a status query: "how much do you hold?" (API-NOTES §1, "Status query"); total `*` for a stream. */
export function statusQueryRange(total: number | '*'): string {
  return `bytes */${total}`;
}
