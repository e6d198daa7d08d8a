// This file pipes a real generator process into a real vupload process (`vupload upload - --title T`), with faults
// injected mid-stream, and checks what the sandbox stored, what the journal says and what is refused.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { crashAt } from '../helpers/cli.js';
import { repoRoot, vuploadBin } from '../helpers/paths.js';
import { contentHashOf, generateBytes, sha256Of } from '../helpers/pipe-generator.js';
import { type CliEnv, cliEnv } from './env.js';
import {
  collect,
  pipeInto as pipeRun,
  journal as readJournal,
  videosOf as sandboxVideosOf,
} from './pipe-runner.js';

const MiB = 1024 * 1024;
let t: CliEnv;
before(async () => {
  t = await cliEnv();
  await t.login();
});
after(() => t.close());

const pipeInto = (argv: string[], size: number, seed: number, extra?: Parameters<typeof pipeRun>[4]) =>
  pipeRun(t, argv, size, seed, extra);
const journal = () => readJournal(t);

const videosOf = (sha256: string) => sandboxVideosOf(t, sha256);

describe('vupload upload - (a pipe)', () => {
  test('a generator piped in, with a cut, a partial store and a 503 mid-stream: the stored sha256 is the generated one', async () => {
    const size = 2 * MiB + 123_457;
    const mark = t.sb.requests.length;
    t.sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 300_000 });
    t.sb.faults.add({ on: 'upload-chunk', storePartial: 100_000 });
    t.sb.faults.add({ on: 'upload-chunk', status: 503 });
    const result = await pipeInto(['upload', '-', '--title', 'Live', '--chunk-size', '1M'], size, 3);
    assert.equal(result.code, 0, result.stderr);
    const id = result.stdout.trim();
    assert.deepEqual(t.sb.media(id), { size, sha256: sha256Of(size, 3) });
    const session = t.since(mark).filter((r) => r.kind === 'upload-chunk' || r.kind === 'upload-status');
    const ranges = session.map((r) => r.headers['content-range'] ?? '');
    assert.ok(
      ranges.includes('bytes */*'),
      `a status query before the total is known: ${ranges.join(' | ')}`,
    );
    const data = session.filter((r) => r.kind === 'upload-chunk').map((r) => r.headers['content-range']!);
    assert.match(data.at(-1)!, new RegExp(`/${size}$`), 'the last chunk carries the total');
    for (const range of data.slice(0, -1)) assert.match(range, /\/\*$/, 'earlier chunks do not');
    const init = t.since(mark).find((r) => r.kind === 'upload-init');
    assert.equal(init?.headers['x-upload-content-length'], undefined);
    const line = (await journal()).find((e) => e.videoId === id);
    assert.equal(line?.file, '-');
    assert.equal(line?.size, size);
    assert.equal(line?.contentHash, await contentHashOf(size, 3));
    assert.equal(line?.fingerprint, 'unsampled');
  });

  test('a long pipe is read into one reused buffer: its memory stays within the chunk and its read-ahead', async () => {
    const size = 48 * MiB;
    const usage = join(t.dir, 'pipe-memory.txt');
    const sampled = {
      nodeArgs: ['--import', join(repoRoot, 'dist/test/helpers/memory-preload.js')],
      env: { VUPLOAD_TEST_MEMORY: usage },
    };
    const result = await pipeInto(['upload', '-', '--title', 'Long', '--chunk-size', '1M'], size, 5, sampled);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(t.sb.media(result.stdout.trim()), { size, sha256: sha256Of(size, 5) });
    // A ring of 1.5 MiB and one read buffer; a stream's new buffer per read (64 KiB from a pipe) would pile up as
    // garbage, tens of MiB before the collector takes it.
    const peak = Number(await readFile(usage, 'utf8'));
    assert.ok(peak < 8 * MiB, `array buffers peaked at ${(peak / MiB).toFixed(1)} MiB`);
  });

  test('content piped twice makes one video: the second run withholds its last request and prints the first id; --force makes a copy; a file with that content is not uploaded', async () => {
    const size = 400_000;
    const first = await pipeInto(['upload', '-', '--title', 'Once'], size, 11);
    assert.equal(first.code, 0, first.stderr);
    const a = first.stdout.trim();
    const mark = t.sb.requests.length;
    const second = await pipeInto(['upload', '-', '--title', 'Twice', '--json'], size, 11);
    assert.equal(second.code, 0, second.stderr);
    const outcome = JSON.parse(second.stdout) as { id: string; alreadyUploaded: boolean; bytesSent: number };
    assert.equal(outcome.id, a);
    assert.equal(outcome.alreadyUploaded, true);
    assert.match(second.stderr, new RegExp(`has the content uploaded as ${a}.*no second video was made`));
    const data = t.since(mark).filter((r) => r.kind === 'upload-chunk');
    assert.ok(
      data.every((r) => /\/\*$/.test(r.headers['content-range'] ?? '')),
      'no request carried the total, so no video could be made',
    );
    assert.deepEqual(videosOf(sha256Of(size, 11)), [a], 'one video of that content');
    const forced = await pipeInto(['upload', '-', '--title', 'Forced', '--force'], size, 11);
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(forced.stdout.trim(), a);
    assert.deepEqual(t.sb.media(forced.stdout.trim()), { size, sha256: sha256Of(size, 11) });

    const file = join(t.dir, 'recorded.mp4');
    await writeFile(file, Buffer.concat([...generateBytes(size, 11)]));
    const later = t.sb.requests.length;
    const again = await t.run(['upload', file]);
    assert.equal(again.code, 0, again.stderr);
    assert.ok([a, forced.stdout.trim()].includes(again.stdout.trim()), again.stdout);
    assert.match(again.stderr, /already uploaded/);
    assert.equal(t.since(later).filter((r) => r.kind === 'upload-init').length, 0);
  });

  test('a journal that cannot be written: the id still reaches stdout, exit 1; the kept session lets the next pipe run record it', async () => {
    const result = await pipeInto(
      ['upload', '-', '--title', 'Unrecorded', '--json'],
      300_000,
      21,
      crashAt(1, { match: 'open .*history\\.jsonl', errno: 'ENOSPC' }),
    );
    assert.equal(result.code, 1, result.stderr);
    const outcome = JSON.parse(result.stdout.trim().split('\n')[0]!) as { id: string };
    assert.deepEqual(t.sb.media(outcome.id), { size: 300_000, sha256: sha256Of(300_000, 21) });
    assert.match(result.stderr, /could not record it in .*history\.jsonl \(ENOSPC\)/);
    assert.match(result.stderr, /Its session is kept: the next upload from a pipe/);
    assert.ok(!(await journal()).some((e) => e.videoId === outcome.id));
    // The same input again: the kept session is asked and found finished; one video, now journaled.
    const again = await pipeInto(['upload', '-', '--title', 'Unrecorded', '--json'], 300_000, 21);
    assert.equal(again.code, 0, again.stderr);
    const second = JSON.parse(again.stdout) as {
      id: string;
      alreadyUploaded: boolean;
      finishedEarlier: boolean;
    };
    assert.equal(second.id, outcome.id);
    assert.equal(second.finishedEarlier, true);
    assert.match(again.stderr, /was uploaded completely as .* but that run was stopped before recording it/);
    const line = (await journal()).filter((e) => e.videoId === outcome.id);
    assert.equal(line.length, 1);
    assert.equal(line[0]?.contentHash, await contentHashOf(300_000, 21));
  });

  test('--dry-run with - reads nothing: it ends while the pipe is still open, and sends nothing', async () => {
    const mark = t.sb.requests.length;
    const child = spawn(process.execPath, [vuploadBin, '--file', '-', '--title', 'T', '--dry-run'], {
      cwd: t.dir,
      env: { PATH: process.env.PATH ?? '', ...t.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const result = await collect(child); // stdin is never written to nor closed
    child.stdin?.destroy();
    assert.equal(result.code, 0, result.stderr);
    const [init, put] = JSON.parse(result.stdout).requests;
    assert.equal(init.headers['X-Upload-Content-Length'], undefined);
    assert.match(put.headers['Content-Range'], /bytes A-B\/\*/);
    assert.equal(put.chunkSize, 8 * MiB, 'the documented default chunk of a pipe');
    assert.equal(t.since(mark).length, 0);
  });

  test('refused before anything is read or sent: no --title, - with other files, --move-to, file-only flags, Youku, a terminal', async () => {
    const cases: Array<[string[], RegExp, boolean?]> = [
      [['upload', '-'], /--title is required/],
      [['upload', '-', 'other.mp4', '--title', 'T'], /cannot be combined/],
      [['upload', '-', '--title', 'T', '--move-to', 'done'], /--move-to: there is no file/],
      [['upload', '-', '--title', 'T', '--restart'], /--restart: an upload from a pipe is never resumed/],
      [['upload', '-', '--title', 'T', '--wait-lock'], /--wait-lock: an upload from a pipe has no file/],
      [['upload', '-', '--title', 'T', '--tags', 'a', '--provider', 'youku'], /cannot upload from a pipe/],
      [['upload', '-', '--title', 'T'], /standard input is a terminal/, true],
    ];
    const mark = t.sb.requests.length;
    for (const [argv, message, tty] of cases) {
      // An ended stdin: a flag that were not refused could not leave the run waiting for input.
      const result = await t.run(argv, { tty: Boolean(tty), stdin: '' });
      assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    assert.equal(t.since(mark).length, 0);
  });
});
