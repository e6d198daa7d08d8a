// This file parses multipart/related bodies (metadata part + media part) as a stream, never holding the media.
import { ApiError } from './errors.js';

export type MultipartEvent =
  | { type: 'part'; headers: Record<string, string> }
  | { type: 'data'; data: Buffer }
  | { type: 'end' };

const MAX_HEADER_BYTES = 16 * 1024;

export function boundaryOf(contentType: string | undefined): string | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return m ? (m[1] ?? m[2]) : undefined;
}

function parseHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

const malformed = (why: string) => new ApiError(400, 'badContent', `Malformed multipart body: ${why}`);

/**
 * Yields each part's headers, then its data in pieces, then 'end' after the closing delimiter. Throws 400 if
 * the body ends before the closing delimiter (unless the source stopped early on purpose: see `complete`).
 */
export async function* parseMultipart(
  source: AsyncIterable<Buffer>,
  boundary: string,
): AsyncGenerator<MultipartEvent> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const keep = delimiter.length - 1;
  // A leading CRLF lets the first delimiter (at the very start of the body) be found like the others.
  let buf: Buffer = Buffer.from('\r\n');
  let state = 'preamble' as 'preamble' | 'delimiter' | 'headers' | 'body' | 'done';
  const step = function* (): Generator<MultipartEvent, boolean> {
    // Returns true when more input is needed.
    for (;;) {
      if (state === 'preamble' || state === 'body') {
        const i = buf.indexOf(delimiter);
        const end = i >= 0 ? i : Math.max(0, buf.length - keep);
        if (state === 'body' && end > 0) yield { type: 'data', data: buf.subarray(0, end) };
        buf = buf.subarray(i >= 0 ? i + delimiter.length : end);
        if (i < 0) return true;
        state = 'delimiter';
      } else if (state === 'delimiter') {
        const eol = buf.indexOf('\r\n');
        if (eol < 0) {
          if (buf.length >= 2 && buf.subarray(0, 2).toString() === '--') {
            state = 'done';
            yield { type: 'end' };
            return false;
          }
          return true;
        }
        const rest = buf.subarray(0, eol).toString('latin1').trim();
        buf = buf.subarray(eol + 2);
        if (rest.startsWith('--')) {
          state = 'done';
          yield { type: 'end' };
          return false;
        }
        state = 'headers';
      } else if (state === 'headers') {
        const empty = buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a;
        const i = empty ? 0 : buf.indexOf('\r\n\r\n');
        if (i < 0) {
          if (buf.length > MAX_HEADER_BYTES) throw malformed('part headers too long');
          return true;
        }
        yield { type: 'part', headers: parseHeaders(buf.subarray(0, i).toString('utf8')) };
        buf = buf.subarray(empty ? 2 : i + 4);
        state = 'body';
      } else return false;
    }
  };
  const finished = () => state === 'done';
  for await (const chunk of source) {
    if (finished()) continue;
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    yield* step();
  }
  if (!finished()) {
    yield* step();
    if (!finished()) throw malformed('the closing boundary is missing');
  }
}
