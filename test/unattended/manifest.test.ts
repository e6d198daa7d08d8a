// This file tests batch manifests: JSON Lines and CSV (RFC 4180 quoting), path resolution and per-line errors.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isVuploadError } from '../../src/errors.js';
import { parseCsv } from '../../src/unattended/csv.js';
import { manifestFormat, parseManifest, readManifest } from '../../src/unattended/manifest.js';

const path = '/data/batch/uploads.jsonl';

describe('JSON Lines manifests', () => {
  test('parse every field and resolve paths against the manifest folder', () => {
    const text = [
      JSON.stringify({
        file: 'talks/keynote.mp4',
        title: 'Keynote {date}',
        description_file: 'keynote.txt',
        tags: ['conference', 'keynote'],
        category: 27,
        privacy: 'unlisted',
        publish_at: '2030-01-01T10:00:00Z',
        made_for_kids: false,
        thumbnail: 'keynote.jpg',
        playlists: ['PLabc', 'Conference 2025'],
        caption: 'keynote.srt:en-GB',
        metadata: '/etc/vupload/meta.json',
      }),
      '',
      '{"file": "/abs/panel.mp4", "description": "two\\nlines", "caption": "panel.vtt"}',
    ].join('\n');
    const { entries, errors } = parseManifest(text, { path });
    assert.deepEqual(errors, []);
    assert.deepEqual(entries[0], {
      line: 1,
      file: '/data/batch/talks/keynote.mp4',
      title: 'Keynote {date}',
      descriptionFile: '/data/batch/keynote.txt',
      tags: ['conference', 'keynote'],
      category: '27',
      privacy: 'unlisted',
      publishAt: '2030-01-01T10:00:00Z',
      madeForKids: false,
      thumbnail: '/data/batch/keynote.jpg',
      playlists: ['PLabc', 'Conference 2025'],
      caption: { file: '/data/batch/keynote.srt', language: 'en-GB' },
      metadata: '/etc/vupload/meta.json',
    });
    assert.deepEqual(entries[1], {
      line: 3,
      file: '/abs/panel.mp4',
      description: 'two\nlines',
      caption: { file: '/data/batch/panel.vtt' },
    });
  });

  test('a bad entry is reported with its line while the others parse', () => {
    const text = [
      '{"file": "a.mp4"}',
      '{"file": "b.mp4", "titel": "typo"}',
      '{"file": "c.mp4", "tags": "x,y"}',
      '{not json',
      '["file"]',
      '{"title": "no file"}',
      '{"file": "e.mp4", "made_for_kids": "maybe"}',
      '{"file": "a.mp4"}',
      '{"file": "f.mp4", "description": "d", "description_file": "d.txt"}',
      '{"file": "g.mp4", "tags": [1, 2]}',
    ].join('\n');
    const { entries, errors } = parseManifest(text, { path });
    assert.deepEqual(
      entries.map((e) => [e.line, e.file, e.tags]),
      [
        [1, '/data/batch/a.mp4', undefined],
        [3, '/data/batch/c.mp4', ['x', 'y']],
      ],
    );
    assert.deepEqual(
      errors.map((e) => e.line),
      [2, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.match(errors[0]!.message, /unknown key "titel"/);
    assert.match(errors[1]!.message, /not valid JSON/);
    assert.match(errors[3]!.message, /"file" is required/);
    assert.match(errors[4]!.message, /made_for_kids/);
    assert.match(errors[5]!.message, /already listed on line 1/);
    assert.match(errors[6]!.message, /not both/);
    assert.match(errors[7]!.message, /"tags" must be an array of strings/);
  });
});

describe('CSV manifests', () => {
  const csvPath = '/data/batch/uploads.csv';

  test('quoted fields keep commas, doubled quotes and newlines; tags split on commas, playlists on ;', () => {
    const text =
      '\uFEFFfile,Title,tags,playlists,description,made_for_kids\r\n' +
      'talks/keynote.mp4,"Keynote, day 1","conference, keynote",PLabc; Conference 2025,,yes\r\n' +
      'panel.mp4,"Panel: ""What next?""",,,"Two lines,\r\nof description",0\r\n';
    const { entries, errors } = parseManifest(text, { path: csvPath });
    assert.deepEqual(errors, []);
    assert.deepEqual(entries, [
      {
        line: 2,
        file: '/data/batch/talks/keynote.mp4',
        title: 'Keynote, day 1',
        tags: ['conference', 'keynote'],
        playlists: ['PLabc', 'Conference 2025'],
        madeForKids: true,
      },
      {
        line: 3,
        file: '/data/batch/panel.mp4',
        title: 'Panel: "What next?"',
        description: 'Two lines,\r\nof description',
        madeForKids: false,
      },
    ]);
  });

  test('a row after a multi-line field is reported with its own starting line', () => {
    const text =
      'file,description,privacy\na.mp4,"one\ntwo\nthree",private\nb.mp4,x,private,extra\n,no file,\nc.mp4,,public\n';
    const { entries, errors } = parseManifest(text, { path: csvPath });
    assert.deepEqual(
      entries.map((e) => [e.line, e.file]),
      [
        [2, '/data/batch/a.mp4'],
        [7, '/data/batch/c.mp4'],
      ],
    );
    assert.deepEqual(errors, [
      { line: 5, message: '4 fields but the header names 3' },
      { line: 6, message: '"file" is required' },
    ]);
  });

  test('an unknown column stops the whole manifest, naming the column and line 1', () => {
    const { entries, errors } = parseManifest('file,titel\na.mp4,x\n', { path: csvPath });
    assert.deepEqual(entries, []);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.line, 1);
    assert.match(errors[0]!.message, /unknown column titel/);
  });

  test('the CSV parser reports an unclosed quote and text after a closing quote, and goes on', () => {
    const result = parseCsv('a,"b"c,d\ne,f\n"g,h\n');
    assert.deepEqual(result.records, [{ line: 2, fields: ['e', 'f'] }]);
    assert.deepEqual(
      result.errors.map((e) => e.line),
      [1, 3],
    );
    assert.match(result.errors[1]!.message, /never closed/);
  });

  test('a lone quote inside an unquoted field is kept and blank lines are skipped', () => {
    assert.deepEqual(parseCsv('My "best" take,x\n\n\ny,z').records, [
      { line: 1, fields: ['My "best" take', 'x'] },
      { line: 4, fields: ['y', 'z'] },
    ]);
  });
});

describe('manifest files', () => {
  test('the format comes from the extension; anything else is a usage error', () => {
    assert.equal(manifestFormat('a.JSONL'), 'jsonl');
    assert.equal(manifestFormat('a.ndjson'), 'jsonl');
    assert.equal(manifestFormat('a.csv'), 'csv');
    assert.throws(
      () => manifestFormat('a.txt'),
      (e) => isVuploadError(e) && e.exitCode === 2,
    );
  });

  test('readManifest resolves entries next to the manifest and reports a missing file as usage', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vupload-manifest-'));
    try {
      await writeFile(join(dir, 'm.csv'), 'file\nclip.mp4\n');
      const { entries } = await readManifest(join(dir, 'm.csv'));
      assert.equal(entries[0]!.file, join(dir, 'clip.mp4'));
      await assert.rejects(
        readManifest(join(dir, 'missing.jsonl')),
        (e) => isVuploadError(e) && e.exitCode === 2,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
