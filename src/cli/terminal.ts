// This file decides what stderr can show: animation (a real width), colour (NO_COLOR, FORCE_COLOR=0), Unicode (locale).
import type { Env } from '../paths.js';

export interface TerminalCaps {
  /** stderr is a terminal that is not `dumb`: control codes are allowed. */
  tty: boolean;
  /** A spinner may redraw its line: a terminal that reports a usable width. */
  animate: boolean;
  color: boolean;
  /** The locale is UTF-8: `…`, `✔` and braille spinner frames are shown; otherwise ASCII. */
  unicode: boolean;
}

/** Fewer columns than this is not a terminal a line can be redrawn on (script(1) without a size reports 0). */
const MIN_COLUMNS = 2;
const FALLBACK_COLUMNS = 80;

/** A width a spinner can divide by: the terminal's, or 80 when it reports 0, 1, nothing or garbage. */
export function saneColumns(columns: number | undefined): number {
  return typeof columns === 'number' && Number.isInteger(columns) && columns >= MIN_COLUMNS
    ? columns
    : FALLBACK_COLUMNS;
}

export function hasUsableWidth(columns: number | undefined): boolean {
  return typeof columns === 'number' && Number.isInteger(columns) && columns >= MIN_COLUMNS;
}

/** UTF-8 when the first of LC_ALL, LC_CTYPE, LANG that is set names it (POSIX precedence); Windows Terminal too. */
export function localeIsUtf8(env: Env, platform: NodeJS.Platform = process.platform): boolean {
  if (platform === 'win32') return Boolean(env.WT_SESSION) || env.TERM_PROGRAM === 'vscode';
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(locale);
}

/** https://no-color.org: any non-empty NO_COLOR turns colour off; FORCE_COLOR=0 (or false) too. */
export function colorAllowed(env: Env): boolean {
  if (env.NO_COLOR) return false;
  return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
}

export function terminalCaps(env: Env, stderr: { isTTY?: boolean; columns?: number }): TerminalCaps {
  const tty = Boolean(stderr.isTTY) && env.TERM !== 'dumb';
  return {
    tty,
    // A CI job's log keeps every frame a spinner draws: plain lines there, as ora itself decides.
    animate: tty && hasUsableWidth(stderr.columns) && env.CI === undefined,
    color: tty && colorAllowed(env),
    unicode: localeIsUtf8(env),
  };
}

/** The typographic characters vupload's own messages use, and what an ASCII terminal shows instead. */
const ASCII: Record<string, string> = {
  '…': '...',
  '—': '-',
  '–': '-',
  '−': '-',
  '→': '->',
  '≤': '<=',
  '≥': '>=',
  '×': 'x',
  '⚠': '!',
  '✔': '+',
  '✖': 'x',
  '‘': "'",
  '’': "'",
  '“': '"',
  '”': '"',
  '─': '-',
};
const TYPOGRAPHY = new RegExp(`[${Object.keys(ASCII).join('')}]`, 'g');

/** Replaces vupload's typography with ASCII; anything else (a title in Chinese, a file name) is left alone. */
export function asciiText(text: string): string {
  return text.replace(TYPOGRAPHY, (c) => ASCII[c] ?? c);
}

/** Human text as this terminal can show it. */
export function forTerminal(text: string, unicode: boolean): string {
  return unicode ? text : asciiText(text);
}

const SGR = { green: [32, 39], red: [31, 39], cyan: [36, 39] } as const;

export function paint(text: string, color: keyof typeof SGR, enabled: boolean): string {
  if (!enabled) return text;
  const [on, off] = SGR[color];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}

/**
 * The stream ora draws on: the real stderr, except that `columns` is never 0 or 1. ora divides the line's width by
 * `columns ?? 80`, and a pseudo-terminal without a size (script(1) run from a pipe) reports 0: the line count becomes
 * Infinity and ora's clear() loops for ever (yocto-spinner fixed the same bug with a fallback width). A terminal can
 * also be resized to 0 while a spinner runs, so the width is read on every redraw, not once.
 */
export function withSaneWidth<T extends NodeJS.WritableStream & { columns?: number; isTTY?: boolean }>(
  stream: T,
): T {
  // ora replaces `write` on the stream it is given (to tidy up around other writes) and restores it on stop:
  // those assignments stay on the proxy, so the real stream is never left holding a stopped spinner's hook.
  const own = new Map<PropertyKey, unknown>();
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'columns') return saneColumns(target.columns);
      if (own.has(property)) return own.get(property);
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(_target, property, value) {
      own.set(property, value);
      return true;
    },
  });
}
