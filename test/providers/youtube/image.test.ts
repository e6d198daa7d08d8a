// This file tests the thumbnail check: JPEG or PNG by content, at most 2 MB, errors naming the file and flag.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isVuploadError } from '../../../src/errors.js';
import { checkThumbnail, MAX_THUMBNAIL_BYTES, sniffImage } from '../../../src/providers/youtube/image.js';
import { fixture } from '../../helpers/paths.js';

describe('checkThumbnail', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vupload-thumb-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const rejects = async (path: string, pattern: RegExp, flag?: string) =>
    assert.rejects(checkThumbnail(path, flag ? { flag } : {}), (e: unknown) => {
      assert.ok(isVuploadError(e));
      assert.equal(e.exitCode, 2);
      assert.match(e.message, pattern);
      return true;
    });

  test('recognises the JPEG and PNG fixtures by content and reports their size', async () => {
    const size = (await stat(fixture('thumbnail.jpg'))).size;
    assert.deepEqual(await checkThumbnail(fixture('thumbnail.jpg')), { mimeType: 'image/jpeg', size });
    assert.equal((await checkThumbnail(fixture('thumbnail.png'))).mimeType, 'image/png');
  });

  test('a JPEG named .png is still a JPEG (the content decides)', async () => {
    const path = join(dir, 'really-a-jpeg.png');
    await writeFile(path, await readFile(fixture('thumbnail.jpg')));
    assert.equal((await checkThumbnail(path)).mimeType, 'image/jpeg');
  });

  test('a GIF or random bytes are refused, naming the flag and the file', async () => {
    await rejects(fixture('not-an-image.gif'), /^--thumbnail .*not-an-image\.gif: not a JPEG or PNG image/);
    await rejects(fixture('not-a-video.bin'), /^FILE .*not-a-video\.bin: not a JPEG or PNG/, 'FILE');
  });

  test('an image over 2 MB is refused; exactly 2 MB is accepted', async () => {
    const jpegHead = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    const limit = join(dir, 'limit.jpg');
    await writeFile(limit, Buffer.concat([jpegHead, Buffer.alloc(MAX_THUMBNAIL_BYTES - 4)]));
    assert.equal((await checkThumbnail(limit)).size, 2 * 1024 * 1024);
    const big = join(dir, 'big.jpg');
    await writeFile(big, Buffer.concat([jpegHead, Buffer.alloc(MAX_THUMBNAIL_BYTES - 3)]));
    await rejects(big, /big\.jpg: 2\.0 MB; YouTube accepts thumbnails of at most 2 MB/);
  });

  test('a missing file, a directory and an empty file are refused', async () => {
    await rejects(join(dir, 'nope.jpg'), /nope\.jpg: no such file/);
    await rejects(dir, /not a regular file/);
    const empty = join(dir, 'empty.jpg');
    await writeFile(empty, '');
    await rejects(empty, /empty\.jpg: the file is empty/);
  });
});

describe('sniffImage', () => {
  test('needs the full signature', () => {
    assert.equal(sniffImage(Buffer.from([0xff, 0xd8])), undefined);
    assert.equal(sniffImage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'image/png');
    assert.equal(sniffImage(Buffer.from('GIF89a')), undefined);
  });
});
