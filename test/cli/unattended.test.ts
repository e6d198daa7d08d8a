// This file tests unattended use through the CLI: manifests, never uploading twice, locks, quota, housekeeping.
import assert from 'node:assert/strict';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pacificDay } from '../../src/unattended/quota.js';
import { jsonLines } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('unattended use', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  test('a manifest with one bad entry uploads the others, exits 2, and a re-run sends nothing and prints the same ids', async () => {
    await mkdir(join(t.dir, 'rec'), { recursive: true });
    await makeVideo(join(t.dir, 'rec', 'one.mp4'), 300_000);
    await makeVideo(join(t.dir, 'rec', 'two.mp4'), 300_000);
    await makeVideo(join(t.dir, 'rec', 'three.mp4'), 300_000);
    const manifest = join(t.dir, 'uploads.jsonl');
    await writeFile(
      manifest,
      [
        JSON.stringify({ file: 'rec/one.mp4', title: 'One {index}', tags: ['a', 'b'] }),
        JSON.stringify({ file: 'rec/two.mp4', privacy: 'nobody-knows' }),
        JSON.stringify({ file: 'rec/four.mp4', nonsense: 1 }),
        JSON.stringify({ file: 'rec/three.mp4', title: 'Two', privacy: 'unlisted' }),
      ].join('\n'),
    );
    const mark = t.sb.requests.length;
    const first = await t.run(['batch', manifest, '--json']);
    assert.equal(first.code, 2, first.stderr);
    const lines = first.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id?: string; title?: string; error?: unknown });
    const ok = lines.filter((l) => l.id);
    assert.deepEqual(
      ok.map((l) => l.title),
      ['One 1', 'Two'],
    );
    assert.equal(lines.filter((l) => l.error).length, 1, 'the bad privacy is reported as one failed entry');
    assert.match(first.stderr, /line 3/, 'the unknown key is reported with its line');
    assert.equal(t.since(mark).filter((r) => r.kind === 'upload-init').length, 2);

    const again = t.sb.requests.length;
    const second = await t.run(['batch', manifest]);
    assert.equal(second.code, 2);
    assert.deepEqual(
      second.stdout.trim().split('\n'),
      ok.map((l) => l.id),
    );
    assert.equal(t.since(again).length, 0, 'nothing was sent');
    assert.match(second.stderr, /already uploaded/);
  });

  test('several files in one run get their own titles from a template', async () => {
    const a = await makeVideo(join(t.dir, 'a.mp4'), 100_000);
    const b = await makeVideo(join(t.dir, 'b.mp4'), 100_000);
    const result = await t.run(['upload', a, b, '--title', '{name} #{index}', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const titles = result.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { title: string }).title);
    assert.deepEqual(titles, ['a #1', 'b #2']);
  });

  test('two overlapping runs on the same file upload it once', async () => {
    const file = await makeVideo(join(t.dir, 'shared.mp4'), 1024 * 1024);
    t.sb.faults.add({ on: 'upload-chunk', bytesPerSec: 2 * 1024 * 1024 });
    const mark = t.sb.requests.length;
    const [x, y] = await Promise.all([
      t.run(['--file', file, '--wait-lock']),
      t.run(['--file', file, '--wait-lock']),
    ]);
    assert.equal(x.code, 0, x.stderr);
    assert.equal(y.code, 0, y.stderr);
    assert.equal(x.stdout, y.stdout);
    assert.equal(t.since(mark).filter((r) => r.kind === 'upload-init').length, 1);
  });

  test('the quota guard stops an upload that would exceed a small budget, before sending anything', async () => {
    const file = await makeVideo(join(t.dir, 'quota.mp4'), 10_000);
    // 9000 of 10000 units spent today: one more upload (1600) does not fit until the reset.
    const ledger = { version: 1, accounts: { default: { [pacificDay(new Date())]: { spent: 9000 } } } };
    await writeFile(join(t.env.VUPLOAD_STATE_DIR!, 'quota.json'), JSON.stringify(ledger));
    const mark = t.sb.requests.length;
    const result = await t.run(['--file', file, '--quota', '10000', '--profile', 'default']);
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /1600/);
    assert.match(result.stderr, /reset/i);
    assert.equal(t.since(mark).length, 0);
  });

  test('--move-to moves the file only after every step succeeded; a re-run finishes the steps without re-uploading', async () => {
    const file = await makeVideo(join(t.dir, 'steps.mp4'), 50_000);
    const done = join(t.dir, 'done');
    const first = await t.run([
      '--file',
      file,
      '--playlist',
      'Later',
      '--thumbnail',
      fixture('thumbnail.jpg'),
      '--move-to',
      done,
    ]);
    assert.equal(first.code, 1, first.stderr);
    const id = first.stdout.trim();
    assert.ok(await exists(file), 'the file stays while a step failed');
    const mark = t.sb.requests.length;
    const second = await t.run([
      '--file',
      file,
      '--playlist',
      'Later',
      '--create-playlist',
      '--thumbnail',
      fixture('thumbnail.jpg'),
      '--move-to',
      done,
    ]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.trim(), id);
    const sent = t.since(mark);
    assert.equal(sent.filter((r) => r.kind === 'upload-init').length, 0, 'not uploaded again');
    assert.equal(sent.filter((r) => r.kind === 'thumbnail').length, 0, 'the thumbnail was done already');
    assert.ok(!(await exists(file)));
    assert.ok(await exists(join(done, 'steps.mp4')));
    const history = jsonLines<{
      id: string;
      steps: Array<{ step: string; ok: boolean }>;
    }>((await t.run(['history', '--json'])).stdout);
    const item = history.find((h) => h.id === id);
    assert.ok(item?.steps.some((s) => s.step === 'moved' && s.ok));
  });

  test('--log-file appends timestamped plain lines', async () => {
    const file = await makeVideo(join(t.dir, 'logged.mp4'), 20_000);
    const log = join(t.dir, 'vupload.log');
    const result = await t.run(['--file', file, '--log-file', log]);
    assert.equal(result.code, 0, result.stderr);
    const text = await readFile(log, 'utf8');
    assert.match(text, /^\d{4}-\d\d-\d\dT[^ ]+ uploaded .*logged\.mp4 as [A-Za-z0-9_-]{11}$/m);
  });
});
