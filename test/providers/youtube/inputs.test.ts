// This file tests reading --description-file and --metadata FILE.json.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isVuploadError } from '../../../src/errors.js';
import { readDescriptionFile, readMetadataFile } from '../../../src/providers/youtube/inputs.js';

describe('metadata input files', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vupload-inputs-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a description file loses its BOM and trailing newlines, keeping inner lines', async () => {
    const file = join(dir, 'desc.txt');
    await writeFile(file, '\uFEFFLine one\n\nLine three\n\n');
    assert.equal(await readDescriptionFile(file), 'Line one\n\nLine three');
  });

  test('a missing description file is a usage error naming the flag', async () => {
    await assert.rejects(
      readDescriptionFile(join(dir, 'none.txt')),
      (e: unknown) =>
        isVuploadError(e) &&
        e.exitCode === 2 &&
        /^--description-file .*none\.txt: no such file/.test(e.message),
    );
  });

  test('a metadata file is parsed and checked', async () => {
    const file = join(dir, 'meta.json');
    await writeFile(
      file,
      JSON.stringify({ snippet: { title: 'T', tags: ['a'] }, status: { privacyStatus: 'unlisted' } }),
    );
    assert.deepEqual(await readMetadataFile(file), {
      snippet: { title: 'T', tags: ['a'] },
      status: { privacyStatus: 'unlisted' },
    });
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"snippet": ');
    await assert.rejects(readMetadataFile(bad), /--metadata .*bad\.json: not valid JSON/);
  });
});
