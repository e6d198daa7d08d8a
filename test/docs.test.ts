// This file checks what vupload's messages say about its README: the sections they name exist, the address is right.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { headingAnchor, PROJECT_URL, readmeSection } from '../src/docs.js';
import { repoRoot } from './helpers/paths.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

test("every README section a message names is a heading of README.md; here, that is this checkout's README", () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const named = sources(join(repoRoot, 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/readmeSection\('([^']+)'\)/g)].map((m) => m[1]!),
  );
  assert.ok(named.includes('Getting a client_secrets.json'));
  for (const heading of named) {
    assert.match(readme, new RegExp(`^#+ ${heading.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), heading);
    assert.equal(readmeSection(heading), `${join(repoRoot, 'README.md')}, section "${heading}"`);
  }
});

test("the project's address is package.json's repository, with GitHub's anchors", () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    repository: { url: string };
  };
  assert.equal(pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, ''), PROJECT_URL);
  assert.equal(headingAnchor('Getting a client_secrets.json'), 'getting-a-client_secretsjson');
  assert.equal(headingAnchor('Logging in'), 'logging-in');
});
