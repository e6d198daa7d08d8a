// This file tests vupload on strange terminals and broken pipes: 0 columns, NO_COLOR, no UTF-8, a closed stderr.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ANSI, jsonLines } from '../helpers/cli.js';
import { repoRoot, vuploadBin } from '../helpers/paths.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

/** Runs `command` with a deadline; a process still running then is killed and the test fails. */
function runWithDeadline(
  command: string,
  args: string[],
  options: { env: Record<string, string>; cwd: string; deadlineMs: number; closeStderr?: boolean },
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => {
      // Keep only the tail: a looping spinner writes megabytes a second.
      stdout = (stdout + d.toString()).slice(-200_000);
    });
    // A reader that went away at once: every write of the child to stderr fails with EPIPE.
    if (options.closeStderr) child.stderr.destroy();
    else
      child.stderr.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-200_000);
      });
    child.stdin.end();
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.deadlineMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe('strange terminals', () => {
  let t: CliEnv;
  let video: string;
  before(async () => {
    t = await cliEnv();
    await t.login();
    video = await makeVideo(join(t.dir, 'clip.mp4'), 512 * 1024);
  });
  after(() => t.close());

  // script(1) is in util-linux (Debian: bsdutils, an Essential package), so every CI machine of this kind has it.
  test('an upload on a pseudo-terminal of 0 columns finishes and prints the id (script -qc)', {
    skip: hasScript ? false : 'script(1) is not installed',
  }, async () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(vuploadBin)} --force --file clip.mp4 --title Zero`;
    // Run from a pipe, script gives its pseudo-terminal no size: the child sees isTTY with columns 0.
    const result = await runWithDeadline('script', ['-qec', command, '/dev/null'], {
      env: { ...t.env, PATH: process.env.PATH ?? '', TERM: 'xterm' },
      cwd: t.dir,
      deadlineMs: 30_000,
    });
    assert.equal(
      result.timedOut,
      false,
      `vupload hung on a 0-column terminal; output ends: ${result.stdout.slice(-300)}`,
    );
    assert.equal(result.code, 0, result.stdout.slice(-2000));
    assert.match(result.stdout, /Uploaded clip\.mp4/);
    const history = jsonLines<{
      id: string;
      title?: string;
    }>((await t.run(['history', '--json'])).stdout);
    const id = history.find((h) => h.title === 'Zero')?.id;
    assert.ok(id, 'the upload was journaled');
    assert.ok(result.stdout.includes(id), 'the id was printed');
    assert.ok(result.stdout.length < 20_000, `${result.stdout.length} bytes of output for one small upload`);
  });

  test('a spinner whose terminal shrinks to 0 columns keeps going (ora is given a sane width)', async () => {
    const child = join(repoRoot, 'dist/test/cli/shrinking-terminal.js');
    const result = await runWithDeadline(process.execPath, [child], {
      env: { PATH: process.env.PATH ?? '' },
      cwd: t.dir,
      deadlineMs: 15_000,
    });
    assert.equal(result.timedOut, false, 'the spinner looped on a 0-column terminal');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /done, \d+ bytes drawn/);
  });

  test('a terminal in a CI job (CI set) gets plain progress lines, whatever the test runner itself runs under', async () => {
    const result = await t.run(['--force', '--file', video], {
      tty: true,
      env: { LANG: 'C.UTF-8', CI: 'true' },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, ANSI);
    assert.match(result.stderr, /Uploaded clip\.mp4/);
  });

  test('NO_COLOR and FORCE_COLOR=0 turn colour off on a terminal; colour is on otherwise', async () => {
    const colour = /\u001b\[3[0-9]m/;
    const coloured = await t.run(['--force', '--file', video], { tty: true, env: { LANG: 'C.UTF-8' } });
    assert.equal(coloured.code, 0, coloured.stderr);
    assert.match(coloured.stderr, colour, 'the check itself sees colour');
    for (const env of [{ NO_COLOR: '1' }, { FORCE_COLOR: '0' }] as Record<string, string>[]) {
      const plain = await t.run(['--force', '--file', video], {
        tty: true,
        env: { LANG: 'C.UTF-8', ...env },
      });
      assert.equal(plain.code, 0, plain.stderr);
      assert.doesNotMatch(plain.stderr, colour, JSON.stringify(env));
      assert.match(plain.stderr, ANSI, 'still a terminal: the spinner redraws its line');
    }
  });

  test('without a UTF-8 locale, messages and the spinner are ASCII', async () => {
    const unicode = await t.run(['--force', '--file', video], { tty: true, env: { LC_ALL: 'en_US.UTF-8' } });
    assert.match(unicode.stderr, /…/, 'the check itself sees Unicode');
    for (const env of [{}, { LANG: 'C' }, { LC_ALL: 'POSIX', LANG: 'en_US.UTF-8' }] as Record<
      string,
      string
    >[]) {
      const ascii = await t.run(['--force', '--file', video], { tty: true, env });
      assert.equal(ascii.code, 0, ascii.stderr);
      assert.doesNotMatch(ascii.stderr, /[^\u0000-\u007f]/, `${JSON.stringify(env)}: ${ascii.stderr}`);
      assert.match(ascii.stderr, /\.\.\./);
    }
  });

  test('a closed stderr costs nothing: the upload, its log file and journal complete, exit 0, id on stdout', async () => {
    const log = join(t.dir, 'closed-stderr.log');
    const result = await runWithDeadline(
      process.execPath,
      [
        vuploadBin,
        '--force',
        '--file',
        'clip.mp4',
        '--title',
        'Closed stderr',
        '--log-file',
        log,
        '--verbose',
      ],
      { env: { ...t.env, PATH: process.env.PATH ?? '' }, cwd: t.dir, deadlineMs: 30_000, closeStderr: true },
    );
    assert.equal(result.timedOut, false);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^[A-Za-z0-9_-]{11}\n$/);
    const id = result.stdout.trim();
    assert.match(await readFile(log, 'utf8'), new RegExp(`uploaded .*clip\\.mp4 as ${id}`));
    const history = jsonLines<{ id: string }>((await t.run(['history', '--json'])).stdout);
    assert.ok(history.some((h) => h.id === id));
  });

  test('a closed stdout after the id was written does not change the exit code', async () => {
    // `vupload … | true`: the reader is gone by the time the id is written.
    const vupload = `${JSON.stringify(process.execPath)} ${JSON.stringify(vuploadBin)} --force --file clip.mp4`;
    const result = await runWithDeadline(
      'bash',
      ['-c', `${vupload} | true; echo "vupload exit \${PIPESTATUS[0]}"`],
      {
        env: { ...t.env, PATH: process.env.PATH ?? '' },
        cwd: t.dir,
        deadlineMs: 30_000,
      },
    );
    assert.equal(result.timedOut, false);
    assert.equal(result.stdout, 'vupload exit 0\n', result.stderr);
  });
});
