// This file keeps control characters (newlines, escapes) out of one-line texts: log lines and titles.

/** C0 controls (newline, tab, escape…), DEL, C1 controls, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const CONTROL_RUNS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `a\nb` → `a\\nb` (JSON-style escapes: \n, \r, \t, else \u001b…), so a text stays on one line. */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Each run of control characters becomes one space (for titles, which cannot hold them). */
export function replaceControlCharacters(text: string): string {
  return text.replace(CONTROL_RUNS, ' ');
}
