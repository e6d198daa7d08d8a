// This file refuses text that is not UTF-8 (a description or metadata file), instead of sending it with U+FFFD in it.
import { usageError } from '../errors.js';
import { REPLACEMENT } from './file-names.js';

/**
 * The text of a file that must be UTF-8. Node's 'utf8' decoding would put U+FFFD in place of every byte that is not
 * (a Latin-1 "é"), and that text would be sent as the video's metadata; instead the file is refused (exit 2) with
 * where the first such byte is, as a file name that is not UTF-8 is. A leading byte order mark is dropped.
 */
export function decodeUtf8(bytes: Buffer, label: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, at).toString('latin1').split('\n').length;
    throw usageError(
      `${label}: is not UTF-8 text (byte ${at}, on line ${line}, is 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')}); ` +
        `vupload would have sent it with ${REPLACEMENT} in its place. Nothing was sent.`,
      'Convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8 FILE > FILE.utf8 (if it is Latin-1).',
    );
  }
}

/** The offset of the first byte that does not belong to valid UTF-8 (the start of the bad sequence). */
function firstInvalidUtf8(bytes: Buffer): number {
  const decodes = (length: number, stream: boolean) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream });
      return true;
    } catch {
      return false;
    }
  };
  // Bisect on prefixes: one that decodes (a sequence cut at its end allowed) holds no invalid byte.
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    if (decodes(mid, true)) good = mid;
    else bad = mid;
  }
  // The bad sequence may have begun before `good`: a lead byte (0xC0 and up) waiting for what never came.
  for (let at = good - 1; at >= Math.max(0, good - 3) && !decodes(good, false); at--) {
    if ((bytes[at] ?? 0) >= 0xc0) return at;
  }
  return good;
}
