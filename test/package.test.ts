// This file checks what `npm pack` ships: the program, its LICENSE, README and docs, no sources, maps or test fixtures.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './helpers/paths.js';

test('the packed tarball ships the program with LICENSE and repository metadata, and no maps or fixtures', async () => {
  // --ignore-scripts: `npm test` has just built dist/, so pack need not build it again.
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [packed] = JSON.parse(output) as [{ files: { path: string }[] }];
  const files = packed.files.map((f) => f.path);
  for (const needed of [
    'LICENSE',
    'README.md',
    'docs/login.md',
    'docs/usage.md',
    'package.json',
    'bin/vupload.cjs',
    'dist/src/cli/vupload.cjs',
    'dist/src/cli/main.js',
  ]) {
    assert.ok(files.includes(needed), `ships ${needed}`);
  }
  assert.ok(
    files.some((f) => /^dist\/src\/cli\/vupload\.cjs\..+\.cache$/.test(f)),
    'ships the code cache of the bundle',
  );
  assert.deepEqual(
    files.filter(
      (f) => f.endsWith('.map') || f.startsWith('test/') || f.startsWith('src/') || f.startsWith('dist/test'),
    ),
    [],
  );
  const shipped = await Promise.all(
    files.filter((f) => /\.c?js$/.test(f)).map((f) => readFile(join(repoRoot, f), 'utf8')),
  );
  assert.ok(
    shipped.every((code) => !code.includes('sourceMappingURL')),
    'no shipped file points at a source map',
  );
  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
    license: string;
    repository?: { url?: string };
    scripts: Record<string, string>;
  };
  assert.equal(pkg.license, 'Apache-2.0');
  assert.match(await readFile(join(repoRoot, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
  assert.ok(pkg.repository?.url, 'repository metadata');
  // An install never builds: a `prepare` script would need tsc on the user's machine (and npm 11 flags it).
  assert.equal(pkg.scripts.prepare, undefined);
  assert.equal(pkg.scripts.prepack, 'npm run build');
});
