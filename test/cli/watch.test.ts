// This file runs real `vupload watch` processes on real folders where files appear over time, are still being
// written, are watched by two watchers at once, or are interrupted by SIGTERM mid-upload.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { RequestLogEntry } from '../../src/sandbox/youtube/index.js';
import { waitFor } from '../helpers/wait.js';
import type { CliEnv } from './env.js';
import { makeVideo } from './video-file.js';
import { startWatcher, useWatcherEnv, type Watcher } from './watcher.js';

let t: CliEnv;
useWatcherEnv((env) => {
  t = env;
});

function watch(dir: string, argv: string[] = []): Watcher {
  return startWatcher(t, dir, argv, { settle: '300ms' });
}

const sha = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
const inits = (entries: RequestLogEntry[], title: string) =>
  entries.filter(
    (r) => r.kind === 'upload-init' && (r.json as { snippet?: { title?: string } })?.snippet?.title === title,
  ).length;

describe('vupload watch', () => {
  test('files appearing over time are uploaded once settled; one still open for writing waits; partial names never', async () => {
    const dir = join(t.dir, 'rec');
    await mkdir(dir);
    await makeVideo(join(dir, 'early.mp4'), 200_000); // present at start
    const mark = t.sb.requests.length;
    const w = watch(dir, ['--json']);
    await waitFor('the early file', () => w.ids().length === 1);
    await makeVideo(join(dir, 'later.mp4'), 150_000);
    await makeVideo(join(dir, 'download.mp4.part'), 50_000);
    await makeVideo(join(dir, '.hidden.mp4'), 50_000);
    await makeVideo(join(dir, 'notes.txt'), 50_000);
    await waitFor('the later file', () => w.ids().length === 2);
    // A writer that keeps the file open and pauses longer than --settle: only the open-for-writing check holds it.
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs=require('fs');const fd=fs.openSync(process.argv[1],'w');
         fs.writeSync(fd,Buffer.from('000000186674797069736f6d0000020069736f6d69736f32','hex'));
         fs.writeSync(fd,Buffer.alloc(100000,1));
         process.stdin.once('data',()=>{fs.writeSync(fd,Buffer.alloc(100000,2));fs.closeSync(fd);process.exit(0)});`,
        join(dir, 'live.mp4'),
      ],
      { stdio: ['pipe', 'ignore', 'inherit'] },
    );
    await waitFor('the watcher to see the open file', () =>
      /live\.mp4 is still open for writing/.test(w.stderr),
    );
    assert.equal(w.ids().length, 2, 'nothing uploaded while it is open');
    const closed = new Promise((resolve) => writer.on('close', resolve));
    writer.stdin!.end('go');
    await closed;
    await waitFor('the live file', () => w.ids().length === 3);
    const outcomes = w.ids().map((line) => JSON.parse(line) as { id: string; file: string; bytes: number });
    const live = outcomes.find((o) => o.file.endsWith('live.mp4'))!;
    assert.equal(live.bytes, 200_024, 'the whole file, written after the pause');
    for (const o of outcomes) assert.equal(t.sb.media(o.id)?.sha256, await sha(o.file));
    const seen = t.since(mark);
    for (const title of ['early', 'later', 'live']) assert.equal(inits(seen, title), 1, title);
    for (const title of ['download.mp4', '.hidden', 'notes']) assert.equal(inits(seen, title), 0, title);
    assert.equal(await w.stop(), 143);
    assert.match(w.stderr, /Stopping \(SIGTERM\)/);
  });

  test('two watchers on one folder upload each file once and move it once (the sandbox log proves it)', async () => {
    const dir = join(t.dir, 'shared');
    const done = join(t.dir, 'shared-done');
    await mkdir(dir);
    const mark = t.sb.requests.length;
    const flags = ['--move-to', done, '--title', 'Shared {name}'];
    const [a, b] = [watch(dir, flags), watch(dir, flags)];
    const names = ['one', 'two', 'three', 'four'];
    for (const name of names) {
      // Written under a partial name and renamed when complete, as recorders and downloaders do.
      await makeVideo(join(dir, `${name}.mp4.part`), 120_000);
      await rename(join(dir, `${name}.mp4.part`), join(dir, `${name}.mp4`));
    }
    const moved = () => (existsSync(done) ? readdirSync(done).length : 0);
    await waitFor(
      'all four files uploaded and moved',
      () => a.ids().length + b.ids().length === 4 && moved() === 4,
      30_000,
    );
    assert.deepEqual((await readdir(done)).sort(), names.map((n) => `${n}.mp4`).sort());
    assert.deepEqual(await readdir(dir), []);
    assert.deepEqual(await Promise.all([a.stop(), b.stop()]), [143, 143]);
    const seen = t.since(mark);
    for (const name of names) assert.equal(inits(seen, `Shared ${name}`), 1, `${name} was initiated once`);
    assert.equal(new Set([...a.ids(), ...b.ids()]).size, 4);
  });

  test('SIGTERM mid-upload exits 143 and keeps the session; the restarted watcher resumes it', async () => {
    const dir = join(t.dir, 'resume');
    await mkdir(dir);
    const file = await makeVideo(join(dir, 'long.mp4'), 3 * 1024 * 1024);
    const mark = t.sb.requests.length;
    const slow = ['--chunk-size', '256K', '--limit-rate', '768K'];
    const first = watch(dir, slow);
    await waitFor('some chunks stored', () =>
      t
        .since(mark)
        .some((r) => r.kind === 'upload-chunk' && r.status === 308 && (r.storedAfter ?? 0) >= 512 * 1024),
    );
    assert.equal(await first.stop('SIGTERM'), 143);
    assert.match(first.stderr, /the running upload keeps its session/);
    assert.equal(first.ids().length, 0);
    const restartMark = t.sb.requests.length;
    const second = watch(dir);
    await waitFor('the resumed upload', () => second.ids().length === 1, 30_000);
    assert.match(second.stderr, /Resuming the interrupted upload of long\.mp4/);
    const id = second.ids()[0]!;
    assert.equal(t.sb.media(id)?.sha256, await sha(file));
    assert.equal(inits(t.since(mark), 'long'), 1, 'one session for both runs');
    const resent = t.since(restartMark).find((r) => r.kind === 'upload-chunk');
    assert.ok((resent?.firstByte ?? 0) > 0, 'the restart sent only the rest');
    assert.equal(await second.stop('SIGINT'), 130);
  });

  test('a failing file is logged and tried again later; the watcher goes on', async () => {
    const dir = join(t.dir, 'flaky');
    await mkdir(dir);
    t.sb.faults.add({ on: 'upload-init', status: 500 });
    await writeFile(
      join(dir, 'flaky.mp4'),
      await readFile(await makeVideo(join(t.dir, 'flaky-src.mp4'), 80_000)),
    );
    const w = watch(dir, ['--retries', '0']);
    await waitFor('the retried upload', () => w.ids().length === 1, 30_000);
    assert.match(w.stderr, /flaky\.mp4: .*Trying again in \d/);
    assert.equal(await w.stop(), 143);
  });
});
