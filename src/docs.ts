// This file says where a section of vupload's docs is: the copy installed with the program, else the project's page.
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
    .replace(/[^\p{L}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

/**
 * Where a section of vupload's docs is: `/usr/lib/node_modules/vupload/docs/login.md, section "Logging in"` (the copy
 * installed with the program: package.json "files" ships docs/), or the section's address on the project's page.
 * `page` is relative to the package: `README.md`, `docs/login.md`.
 */
export function docsSection(page: string, heading: string): string {
  const root = packageRoot();
  const file = root === undefined ? undefined : join(root, page);
  if (file !== undefined && existsSync(file)) return `${file}, section "${heading}"`;
  return `${PROJECT_URL}/blob/main/${page}#${headingAnchor(heading)}`;
}
