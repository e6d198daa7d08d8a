// This file parses CSV as RFC 4180 describes it (quoted fields may hold commas, quotes and newlines), keeping line numbers.

export interface CsvRecord {
  /** 1-based physical line on which the record starts (a quoted newline makes a record span lines). */
  line: number;
  fields: string[];
}

export interface CsvResult {
  records: CsvRecord[];
  errors: { line: number; message: string }[];
}

/**
 * Parses `text` into records. Accepts CRLF or LF line ends and a leading UTF-8 BOM; skips blank lines.
 * A `"` inside an unquoted field is kept as is (people write `My "best" take` by hand); text after a closing quote
 * other than a comma or line end, and a quote left open at the end of the input, are errors for that record only:
 * the parser carries on with the next line.
 */
export function parseCsv(text: string): CsvResult {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const errors: CsvResult['errors'] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const start = line;
    const fields: string[] = [];
    let error: string | undefined;
    // One record: fields separated by commas, ended by a line end (outside quotes) or the end of input.
    for (;;) {
      let field = '';
      if (src[i] === '"') {
        i += 1;
        let closed = false;
        while (i < src.length) {
          const ch = src[i]!;
          if (ch === '"') {
            if (src[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i += 1;
            closed = true;
            break;
          }
          if (ch === '\n') line += 1;
          field += ch;
          i += 1;
        }
        if (!closed) {
          error ??= `a quoted field opened on line ${start} is never closed`;
        } else if (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') {
          error ??= `unexpected text after a closing quote (write "" for a quote inside a quoted field)`;
          while (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') field += src[i++];
        }
      } else {
        while (i < src.length && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') field += src[i++];
      }
      fields.push(field);
      if (src[i] === ',') {
        i += 1;
        continue;
      }
      break;
    }
    // End of record: CRLF, LF, a lone CR, or the end of the input.
    if (src[i] === '\r') i += 1;
    if (src[i] === '\n') i += 1;
    if (i <= src.length) line += 1;
    if (error) errors.push({ line: start, message: error });
    else if (!(fields.length === 1 && fields[0] === '')) records.push({ line: start, fields });
  }
  return { records, errors };
}
