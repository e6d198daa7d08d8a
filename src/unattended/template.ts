// This file expands title/description templates such as "{name} ({date})" for each file of a run.
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { usageError, type VuploadError } from '../errors.js';
import { replaceControlCharacters } from '../text.js';

/**
 * The placeholders a template may use:
 * - `{name}`  the file name without its extension (`talk.final.mp4` → `talk.final`)
 * - `{ext}`   the extension without the dot (`mp4`; empty when there is none)
 * - `{date}`  the file's modification date as YYYY-MM-DD in the machine's LOCAL time zone
 *             (a recording made at 23:30 is dated that evening, as the user saw it, not in UTC)
 * - `{index}` the file's 1-based position in the run (manifest order, or command-line order)
 * `{{` and `}}` stand for literal braces. Any other `{word}` is an error naming it.
 */
export const PLACEHOLDERS = ['name', 'ext', 'date', 'index'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

export type TemplatePart = { text: string } | { placeholder: Placeholder };

/**
 * Splits a template into text and placeholders. Throws a usage error (exit 2) naming every unknown placeholder,
 * or the position of a lone `{` / `}`; `what` names the flag or manifest field in the message.
 */
export function parseTemplate(template: string, what = 'title template'): TemplatePart[] {
  const parts: TemplatePart[] = [];
  const unknown: string[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i]!;
    const next = template[i + 1];
    if ((ch === '{' && next === '{') || (ch === '}' && next === '}')) {
      text += ch;
      i += 2;
    } else if (ch === '{') {
      const close = template.indexOf('}', i + 1);
      if (close === -1) throw loneBrace(what, template, i);
      const name = template.slice(i + 1, close);
      if ((PLACEHOLDERS as readonly string[]).includes(name)) {
        if (text) parts.push({ text });
        text = '';
        parts.push({ placeholder: name as Placeholder });
      } else {
        unknown.push(`{${name}}`);
      }
      i = close + 1;
    } else if (ch === '}') {
      throw loneBrace(what, template, i);
    } else {
      text += ch;
      i += 1;
    }
  }
  if (unknown.length > 0) {
    throw usageError(
      `The ${what} ${JSON.stringify(template)} uses unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}.`,
      `Known placeholders: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}; write {{ and }} for literal braces.`,
    );
  }
  if (text) parts.push({ text });
  return parts;
}

function loneBrace(what: string, template: string, at: number): VuploadError {
  return usageError(
    `The ${what} ${JSON.stringify(template)} has an unmatched "${template[at]}" at character ${at + 1}.`,
    'Write {{ and }} for literal braces.',
  );
}

/** True when the template uses any placeholder (a plain title is the same for every file). */
export function isTemplate(template: string): boolean {
  return parseTemplate(template).some((part) => 'placeholder' in part);
}

/** Expands a template with the given values (validating it first). */
export function renderTemplate(template: string, values: TemplateValues, what?: string): string {
  return parseTemplate(template, what)
    .map((part) => ('text' in part ? part.text : values[part.placeholder]))
    .join('');
}

/** YYYY-MM-DD of `date` in the local time zone of this process (TZ environment variable, else the system's). */
export function localDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The values for a file, given its modification time and 1-based index (pure). */
export function templateValues(file: string, mtime: Date, index: number): TemplateValues {
  const base = basename(file);
  const ext = extname(base);
  // A file name may hold line breaks or other control characters; a title cannot, and a description should not.
  return {
    name: replaceControlCharacters(ext ? base.slice(0, -ext.length) : base),
    ext: replaceControlCharacters(ext.slice(1)),
    date: localDate(mtime),
    index: String(index),
  };
}

/** The values for a file on disk (reads its mtime). */
export async function templateValuesFor(file: string, index: number): Promise<TemplateValues> {
  const info = await stat(file);
  return templateValues(file, info.mtime, index);
}
