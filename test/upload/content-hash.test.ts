// This file checks the content hash: XXH3-128 as xxhsum prints it, and SHA-256 only to compare with older records.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { algorithmOf, ContentHasher, hashFile } from '../../src/upload/content-hash.js';

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
