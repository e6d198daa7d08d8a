// This file reads vupload's documentation as the tests check it: README.md and the pages under docs/, their headings
// (with GitHub's anchors), their sections and the relative links between them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { headingAnchor } from '../../src/docs.js';
import { repoRoot } from './paths.js';

export interface DocPage {
  /** Relative to the repository: `README.md`, `docs/login.md`. */
  page: string;
  text: string;
}

/** README.md and every docs/*.md page. */
export function docPages(): DocPage[] {
  const docs = readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs].map((page) => ({ page, text: readFileSync(join(repoRoot, page), 'utf8') }));
}

/** Everything the docs say, as one text (for "is this named somewhere?"). */
export function allDocs(): string {
  return docPages()
    .map((p) => p.text)
    .join('\n');
}

/** The text without its fenced and indented code blocks, so that a `# comment` in a shell example is no heading. */
function proseLines(text: string): Array<{ line: string; index: number }> {
  const out: Array<{ line: string; index: number }> = [];
  let fenced = false;
  text.split('\n').forEach((line, index) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    else if (!fenced && !/^( {4}|\t)/.test(line)) out.push({ line, index });
  });
  return out;
}

/** The headings of a page, in order: level, text, line (0-based) and GitHub's anchor (`-1`, `-2` for repeats). */
export function headings(text: string): Array<{ level: number; text: string; line: number; anchor: string }> {
  const seen = new Map<string, number>();
  return proseLines(text).flatMap(({ line, index }) => {
    const m = /^(#{1,6}) (.+?)\s*#*\s*$/.exec(line);
    if (!m) return [];
    const base = headingAnchor(m[2]!.replace(/`/g, ''));
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return [
      { level: m[1]!.length, text: m[2]!, line: index, anchor: count === 0 ? base : `${base}-${count}` },
    ];
  });
}

/** The body of the section under a heading (to the next heading of the same or a higher level), or undefined. */
export function section(text: string, heading: string): string | undefined {
  const all = headings(text);
  const at = all.findIndex((h) => h.text === heading);
  if (at === -1) return undefined;
  const end = all.slice(at + 1).find((h) => h.level <= all[at]!.level);
  return text
    .split('\n')
    .slice(all[at]!.line + 1, end?.line)
    .join('\n');
}

/** The relative Markdown links of a page (`[text](target)`), outside code: target path and anchor. */
export function relativeLinks(text: string): Array<{ target: string; anchor?: string; line: number }> {
  return proseLines(text).flatMap(({ line, index }) =>
    [...line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)]
      .map((m) => m[1]!)
      .filter((href) => !/^[a-z]+:/i.test(href))
      .map((href) => {
        const [target, anchor] = href.split('#') as [string, string | undefined];
        return { target, ...(anchor !== undefined ? { anchor } : {}), line: index + 1 };
      }),
  );
}
