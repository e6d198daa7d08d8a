// This file checks the content hash: XXH3-128 as xxhsum prints it, and SHA-256 only to compare with older records.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { algorithmOf, ContentHasher, hashFile, XXH3_BUILDS } from '../../src/upload/content-hash.js';

test('content hashes are XXH3-128 with seed 0, tagged xxh3-128 (what `xxhsum -H2` prints)', async () => {
  const empty = await ContentHasher.create();
  assert.equal(empty.digest(), 'xxh3-128:99aa06d3014798d86001c324468d497f');
  const abc = await ContentHasher.create();
  abc.update(0, Buffer.from('ab'));
  abc.update(1, Buffer.from('bc')); // a resent overlap is hashed once
  assert.equal(abc.digest(), 'xxh3-128:06b05ab6733a618578af5f94892f3950');
});

test('hashFile hashes the way a recorded hash was made: SHA-256 for older records, else XXH3-128', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-hash-'));
  const file = join(dir, 'v.mp4');
  const bytes = Buffer.from('vupload content hash');
  await writeFile(file, bytes);
  const sha256 = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  assert.equal(await hashFile(file, bytes.length, 'sha256:0123'), sha256);
  const xxh = await hashFile(file, bytes.length);
  assert.match(xxh, /^xxh3-128:[0-9a-f]{32}$/);
  assert.equal(
    await hashFile(file, bytes.length, 'md5:0123'),
    xxh,
    'a tag it cannot compute: the current one',
  );
  assert.equal(algorithmOf(sha256), 'sha256');
  assert.equal(algorithmOf('blake3:00'), undefined);
  await assert.rejects(hashFile(file, bytes.length + 1), /has 20 bytes, expected 21/);
  await rm(dir, { recursive: true, force: true });
});

test('the native and the WebAssembly builds of XXH3-128 give the same digests, whatever the pieces', async () => {
  // XXH3 switches code paths at 16, 128 and 240 bytes and works in 1 KiB stripes and 64-byte blocks; the pieces
  // cross each of those boundaries.
  const bytes = Buffer.alloc(3 * 1024 * 1024 + 17);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
  for (const size of [0, 1, 16, 17, 128, 129, 240, 241, 1024, 4097, bytes.length]) {
    for (const piece of [1, 63, 64, 1000, 1024 * 1024]) {
      if (piece === 1 && size > 4097) continue; // a byte at a time: long enough to cross every small boundary
      const whole = bytes.subarray(0, size);
      const digests = [];
      for (const build of [XXH3_BUILDS.native(), await XXH3_BUILDS.wasm()]) {
        for (let at = 0; at < size; at += piece) build.update(whole.subarray(at, at + piece));
        digests.push(build.hex());
      }
      assert.equal(digests[0], digests[1], `${size} bytes in pieces of ${piece}`);
    }
  }
});

test('where the native build cannot load, content hashes come from the WebAssembly build, unchanged', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-hash-'));
  // What a platform without the optional dependency sees: requiring it fails.
  const missing = join(dir, 'no-addon.cjs');
  await writeFile(
    missing,
    `const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'xxhash-addon') throw Object.assign(new Error('no addon'), { code: 'MODULE_NOT_FOUND' });
  return load.call(this, request, ...rest);
};`,
  );
  const moduleUrl = new URL('../../src/upload/content-hash.js', import.meta.url).href;
  const script = `import { ContentHasher } from ${JSON.stringify(moduleUrl)};
const h = await ContentHasher.create();
h.update(0, Buffer.from('abc'));
const loaded = Object.keys((await import('node:module')).default._cache);
const build = ['xxhash-addon', 'hash-wasm'].filter((name) => loaded.some((path) => path.includes(name)));
process.stdout.write(h.digest() + ' ' + build.join());`;
  const run = (preload: string[]) =>
    execFileSync(process.execPath, [...preload, '--input-type=module', '-e', script], { encoding: 'utf8' });
  const expected = 'xxh3-128:06b05ab6733a618578af5f94892f3950';
  assert.equal(run([]), `${expected} xxhash-addon`);
  assert.equal(run(['--require', missing]), `${expected} hash-wasm`);
  await rm(dir, { recursive: true, force: true });
});
