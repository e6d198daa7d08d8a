// This file pipes a real generator process into a real vupload process (`vupload upload - --title T`), with faults
// injected mid-stream, and checks what the sandbox stored, what the journal says and what is refused.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliResult, crashAt } from '../helpers/cli.js';
import { repoRoot, vuploadBin } from '../helpers/paths.js';
import { contentHashOf, generateBytes, sha256Of } from '../helpers/pipe-generator.js';
import { type CliEnv, cliEnv } from './env.js';

const generator = join(repoRoot, 'dist/test/helpers/pipe-generator.js');
const MiB = 1024 * 1024;
let t: CliEnv;
before(async () => {
  t = await cliEnv();
  await t.login();
});
after(() => t.close());

function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
}

/** `node pipe-generator.js SIZE SEED | vupload ARGV`: an OS pipe between two real processes. */
function pipeInto(
  argv: string[],
  size: number,
  seed: number,
  crash?: { nodeArgs: string[]; env: Record<string, string> },
): Promise<CliResult> {
  const gen = spawn(process.execPath, [generator, String(size), String(seed)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const child = spawn(process.execPath, [...(crash?.nodeArgs ?? []), vuploadBin, ...argv], {
    cwd: t.dir,
    env: { PATH: process.env.PATH ?? '', ...t.env, ...crash?.env },
    stdio: [gen.stdout!, 'pipe', 'pipe'],
  });
  return collect(child);
}

async function journal(): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(t.env.VUPLOAD_STATE_DIR, 'history.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

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

  test('content piped twice is uploaded twice and the second run says so; a file with that content is not uploaded', async () => {
    const size = 400_000;
    const first = await pipeInto(['upload', '-', '--title', 'Once'], size, 11);
    assert.equal(first.code, 0, first.stderr);
    const second = await pipeInto(['upload', '-', '--title', 'Twice'], size, 11);
    assert.equal(second.code, 0, second.stderr);
    const [a, b] = [first.stdout.trim(), second.stdout.trim()];
    assert.notEqual(a, b);
    assert.match(second.stderr, new RegExp(`same content as ${a}.*${b} is a second copy`));
    assert.doesNotMatch(first.stderr, /same content/);

    const file = join(t.dir, 'recorded.mp4');
    await writeFile(file, Buffer.concat([...generateBytes(size, 11)]));
    const mark = t.sb.requests.length;
    const again = await t.run(['upload', file]);
    assert.equal(again.code, 0, again.stderr);
    assert.ok([a, b].includes(again.stdout.trim()), again.stdout);
    assert.match(again.stderr, /already uploaded/);
    assert.equal(t.since(mark).filter((r) => r.kind === 'upload-init').length, 0);
  });

  test('a journal that cannot be written: the id still reaches stdout, exit 1, and stderr says no run can record it', async () => {
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
    assert.match(result.stderr, /an upload from a pipe keeps no session/);
    assert.ok(!(await journal()).some((e) => e.videoId === outcome.id));
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
