// This file checks the parts of `vupload watch` on their own: durations, patterns, partial names, the settle rule,
// the failure backoff, and the open-for-writing check against a real process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { compilePattern, DEFAULT_PATTERN, isPartialName } from '../../src/unattended/folder-scan.js';
import { findOpenWriters } from '../../src/unattended/open-writers.js';
import { parseDuration, retryAfterFailure, SettleTracker } from '../../src/unattended/settle.js';

describe('watch parts', () => {
  test('--settle reads ms, s, m, h and bare seconds; anything else is exit 2', () => {
    assert.deepEqual(
      ['300ms', '30s', '2m', '1h', '45', '1.5s'].map((d) => parseDuration(d, '--settle')),
      [300, 30_000, 120_000, 3_600_000, 45_000, 1500],
    );
    assert.throws(() => parseDuration('soon', '--settle'), /--settle: cannot read "soon"/);
  });

  test('patterns match names case-insensitively; partial and hidden names are never candidates', () => {
    const match = compilePattern(DEFAULT_PATTERN);
    assert.deepEqual(['a.mp4', 'B.MKV', 'c.mov', 'd.mp4.part', 'e.avi'].map(match), [
      true,
      true,
      true,
      false,
      false,
    ]);
    assert.equal(compilePattern('rec-??.ts')('rec-01.ts'), true);
    for (const name of ['a.mp4.part', 'a.mp4.crdownload', 'a.tmp', '.a.mp4', 'a.mp4~', 'a.partial'])
      assert.equal(isPartialName(name), true, name);
    assert.equal(isPartialName('party.mp4'), false);
    assert.throws(() => compilePattern(' , '), /names no file pattern/);
  });

  test('a file is ready once unchanged for the settle time; a change starts the wait again, also after done', () => {
    const s = new SettleTracker(1000);
    const at = (size: number, mtimeMs = 1) => [{ path: '/w/a.mp4', size, mtimeMs }];
    assert.deepEqual(s.observe(at(10), 0), ['/w/a.mp4']);
    assert.deepEqual(s.ready(999), []);
    s.observe(at(20), 900);
    assert.deepEqual(s.ready(1500), [], 'grew at 900');
    assert.deepEqual(s.ready(1900), ['/w/a.mp4']);
    s.start('/w/a.mp4');
    assert.equal(s.running, 1);
    s.done('/w/a.mp4');
    s.observe(at(20), 5000);
    assert.deepEqual(s.ready(9000), [], 'done and unchanged');
    s.observe(at(20, 2), 9000);
    assert.deepEqual(s.ready(10_000), ['/w/a.mp4'], 'new content at the same name');
    assert.equal(s.failed('/w/a.mp4', 10_000, 5000), 1);
    assert.deepEqual(s.ready(14_999), []);
    assert.deepEqual(s.ready(15_000), ['/w/a.mp4']);
    s.observe([], 16_000);
    assert.deepEqual(s.ready(20_000), [], 'gone');
  });

  test('a file that changed while it was uploaded settles again, from that moment, as new content', () => {
    const s = new SettleTracker(1000);
    const at = (size: number) => [{ path: '/w/a.mp4', size, mtimeMs: size }];
    s.observe(at(10), 0);
    s.start('/w/a.mp4');
    s.observe(at(20), 1500); // the scan sees the append while the upload runs
    s.failed('/w/a.mp4', 1600, 60_000);
    s.changed('/w/a.mp4', 1700);
    assert.deepEqual(s.ready(2699), [], 'not before it has settled');
    assert.deepEqual(s.ready(2700), ['/w/a.mp4'], 'no backoff: new content, not a failure');
    assert.equal(s.failures('/w/a.mp4'), 0);
    s.start('/w/a.mp4');
    s.changed('/w/a.mp4', 3000);
    s.observe(at(30), 3500);
    assert.deepEqual(s.ready(4400), [], 'still changing: the wait starts again');
    assert.deepEqual(s.ready(4500), ['/w/a.mp4']);
  });

  test('failure backoff doubles from the settle time (at least 1 s) up to an hour', () => {
    const half = () => 0.5;
    assert.deepEqual(
      [1, 2, 3].map((n) => retryAfterFailure(n, 300, half)),
      [1000, 2000, 4000],
    );
    assert.equal(retryAfterFailure(30, 30_000, half), 3_600_000);
  });

  test('a process holding a file open for writing is found; one reading it is not', {
    skip: process.platform !== 'linux',
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vupload-writers-'));
    const [written, read] = [join(dir, 'w.mp4'), join(dir, 'r.mp4')];
    await writeFile(read, 'x');
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const fs=require('fs');fs.openSync(process.argv[1],'w');fs.openSync(process.argv[2],'r');console.log('open');setInterval(()=>{},1000)`,
        written,
        read,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((resolve) => holder.stdout!.once('data', resolve));
      const paths = [await realpath(written), await realpath(read)];
      const { writers, complete } = await findOpenWriters(paths);
      assert.equal(complete, true);
      assert.equal(writers.get(paths[0]!), holder.pid);
      assert.equal(writers.has(paths[1]!), false);
    } finally {
      holder.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
