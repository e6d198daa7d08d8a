// This file tests odd inputs: control characters and non-UTF-8 bytes in file names, a corrupt quota ledger, a budget
// smaller than one upload, and --file given twice.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pacificDay } from '../../src/unattended/quota.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

describe('odd inputs', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  test('a newline in a file name forges no --log-file line and stays out of the default title', async () => {
    const file = await makeVideo(join(t.dir, 'talk\n2030-01-01T00:00:00.000Z uploaded forged.mp4'), 20_000);
    const log = join(t.dir, 'names.log');
    const result = await t.run(['--file', file, '--log-file', log]);
    assert.equal(result.code, 0, result.stderr);
    const id = result.stdout.trim();
    const lines = (await readFile(log, 'utf8')).trimEnd().split('\n');
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.ok(lines[0]!.endsWith(`talk\\n2030-01-01T00:00:00.000Z uploaded forged.mp4 as ${id}`), lines[0]);
    const video = t.sb.video(id) as { snippet: { title: string } };
    assert.equal(video.snippet.title, 'talk 2030-01-01T00:00:00.000Z uploaded forged');
  });

  test('a corrupt quota ledger entry is named with its file and does not block the upload', async () => {
    const file = await makeVideo(join(t.dir, 'ledger.mp4'), 20_000);
    const ledger = join(t.env.VUPLOAD_STATE_DIR!, 'quota.json');
    const day = pacificDay(new Date());
    await mkdir(t.env.VUPLOAD_STATE_DIR!, { recursive: true });
    await writeFile(ledger, JSON.stringify({ version: 1, accounts: { default: { [day]: { spent: '∞' } } } }));
    const result = await t.run(['--file', file, '--quota', '10000']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stderr.includes(`warning: the quota ledger ${ledger} is corrupt`), result.stderr);
    assert.match(result.stderr, /counts as unknown: 0 units spent/);
    const written = JSON.parse(await readFile(ledger, 'utf8')) as { accounts: { default: object } };
    assert.deepEqual(written.accounts.default, { [day]: { spent: 1600 } }, 'rewritten with what was spent');
  });

  test('a budget smaller than one upload is refused at once (exit 2), also with --on-quota wait', {
    timeout: 20_000,
  }, async () => {
    const file = await makeVideo(join(t.dir, 'tiny-budget.mp4'), 20_000);
    const mark = t.sb.requests.length;
    for (const extra of [[], ['--on-quota', 'wait']]) {
      const result = await t.run(['--file', file, '--quota', '1', ...extra]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /needs 1600 quota units, more than the whole daily budget of 1 \(--quota/);
      assert.match(result.stderr, /no quota reset can make room/);
    }
    assert.equal(t.since(mark).length, 0, 'nothing was sent');
  });

  test('a file name that is not UTF-8 is reported as such, with the real name quoted for the shell', async () => {
    const dir = join(t.dir, 'latin1');
    await mkdir(dir);
    // café.mp4 in Latin-1: byte 0xE9 alone is not UTF-8. Node turns it into U+FFFD in argv, as given here.
    await writeFile(
      Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9]), Buffer.from('.mp4')]),
      'x',
    );
    const mark = t.sb.requests.length;
    const result = await t.run(['--file', join(dir, 'caf\uFFFD.mp4')]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /bytes that are not UTF-8/);
    assert.ok(result.stderr.includes(`cannot open $'caf\\xe9.mp4' in ${dir}`), result.stderr);
    assert.ok(result.stderr.includes(`mv $'caf\\xe9.mp4' 'caf_.mp4'`), result.stderr);
    assert.doesNotMatch(result.stderr, /no such file/);
    assert.equal(t.since(mark).length, 0);
  });

  test('--file given twice is refused naming the flag, nothing sent', async () => {
    const a = await makeVideo(join(t.dir, 'first.mp4'), 20_000);
    const b = await makeVideo(join(t.dir, 'second.mp4'), 20_000);
    const mark = t.sb.requests.length;
    const result = await t.run(['--file', a, '--file', b]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--file was given twice/);
    assert.match(result.stderr, /vupload upload a\.mp4 b\.mp4/);
    assert.equal(t.since(mark).length, 0);
  });
});
