// This file shapes texts: control characters (newlines, escapes) kept out of one-line texts, sentences joined.

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

/** `Could not set …` → `could not set …`, to go on a sentence (`…, but could not set …`); `YouTube …` stays. */
export function continuingSentence(text: string): string {
  return /^[A-Z][a-z]*\b/.test(text) && !/^[A-Z][a-z]*[A-Z]/.test(text)
    ? text[0]!.toLowerCase() + text.slice(1)
    : text;
}
