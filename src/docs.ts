// This file says where a section of vupload's README is: the copy installed with the program, else the project's page.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's page (package.json "repository"; a test holds them equal). */
export const PROJECT_URL = 'https://github.com/vupload/vupload';

/**
 * The installed package's folder: the nearest one above this code whose package.json is vupload's. Walked up rather
 * than a fixed `../..`: this code runs from dist/src/*.js and from the bundle in dist/src/cli (scripts/bundle.mjs).
 */
function packageRoot(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      if (
        (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === 'vupload'
      )
        return dir;
    } catch {
      // No package.json here, or not JSON: look further up.
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** GitHub's anchor of a heading: "Getting a client_secrets.json" → `getting-a-client_secretsjson`. */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

/** `/usr/lib/node_modules/vupload/README.md, section "Logging in"`, or the section's address on the project's page. */
export function readmeSection(heading: string): string {
  const root = packageRoot();
  const readme = root === undefined ? undefined : join(root, 'README.md');
  if (readme !== undefined && existsSync(readme)) return `${readme}, section "${heading}"`;
  return `${PROJECT_URL}#${headingAnchor(heading)}`;
}
