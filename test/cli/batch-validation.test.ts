// This file checks that a batch validates every entry before the first upload, naming the manifest line and file.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

describe('vupload batch checks every entry first', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
    await makeVideo(join(t.dir, 'one.mp4'), 20_000);
    await makeVideo(join(t.dir, 'two.mp4'), 20_000);
    await makeVideo(join(t.dir, 'three.mp4'), 20_000);
  });
  after(() => t.close());

  test('a bad row is reported with its line and file before any upload; the good rows still run', async () => {
    const manifest = join(t.dir, 'uploads.csv');
    await writeFile(
      manifest,
      'file,title,privacy\none.mp4,One,unlisted\ntwo.mp4,Two,bogus\nthree.mp4,Three,public\n',
    );
    const mark = t.sb.requests.length;
    const result = await t.run(['batch', manifest]);
    assert.equal(result.code, 2, result.stderr);
    const problem = result.stderr.indexOf('uploads.csv line 3 (two.mp4)');
    assert.ok(problem >= 0, result.stderr);
    assert.match(result.stderr, /line 3 \(two\.mp4\): .*--privacy.*bogus/);
    const firstUpload = result.stderr.search(/Uploaded /);
    assert.ok(firstUpload > problem, 'the problem is reported before the first upload');
    assert.equal(result.stdout.trim().split('\n').length, 2, 'the two good rows were uploaded');
    assert.equal(t.since(mark).filter((r) => r.kind === 'upload-init').length, 2);
  });

  test('--dry-run of a manifest lists every problem at once and sends nothing', async () => {
    const manifest = join(t.dir, 'bad.jsonl');
    await writeFile(
      manifest,
      [
        JSON.stringify({ file: 'one.mp4', privacy: 'nope' }),
        JSON.stringify({ file: 'missing.mp4' }),
        JSON.stringify({ file: 'three.mp4', title: 'Fine' }),
        JSON.stringify({ file: 'two.mp4', category: 'music' }),
      ].join('\n'),
    );
    const mark = t.sb.requests.length;
    const result = await t.run(['batch', manifest, '--dry-run']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /bad\.jsonl line 1 \(one\.mp4\)/);
    assert.match(result.stderr, /bad\.jsonl line 2/);
    assert.match(result.stderr, /bad\.jsonl line 4 \(two\.mp4\)/);
    assert.equal(t.since(mark).length, 0);
  });
});
