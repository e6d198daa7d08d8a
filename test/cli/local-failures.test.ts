// This file tests that local file-system failures are not reported as network ones, and that housekeeping is checked first.
import assert from 'node:assert/strict';
import { access, lstat, mkdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CliContext } from '../../src/cli/context.js';
import { reportError } from '../../src/cli/main.js';
import { waitFor } from '../helpers/wait.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('local failures', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  test('--move-to naming a file is refused with exit 2 before anything is sent, dry run included', async () => {
    const file = await makeVideo(join(t.dir, 'talk.mp4'), 20_000);
    const taken = join(t.dir, 'done.txt');
    await writeFile(taken, 'not a folder');
    const mark = t.sb.requests.length;
    const result = await t.run(['--file', file, '--move-to', taken]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--move-to .*done\.txt: that is a file, not a folder/);
    assert.equal(t.since(mark).length, 0, 'nothing was sent');
    const below = await t.run(['--file', file, '--move-to', join(taken, 'sub'), '--dry-run']);
    assert.equal(below.code, 2, below.stderr);
    assert.match(below.stderr, /--move-to .*sub: .*done\.txt is a file, so the folder cannot be created/);
    assert.equal(t.since(mark).length, 0, 'nothing was sent');
    assert.ok(await exists(file));
  });

  test("--move-to the file's own folder is refused with exit 2: the file would stay where it is", async () => {
    const file = await makeVideo(join(t.dir, 'here.mp4'), 20_000);
    const mark = t.sb.requests.length;
    const result = await t.run(['--file', file, '--move-to', '.']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /here\.mp4 is in that folder already/);
    assert.equal(t.since(mark).length, 0);
  });

  test("--move-to inside vupload's state or config directory is refused with exit 2, nothing sent", async () => {
    const file = await makeVideo(join(t.dir, 'own.mp4'), 20_000);
    const viaLink = join(t.dir, 'state-link');
    await mkdir(t.env.VUPLOAD_STATE_DIR!, { recursive: true });
    await symlink(t.env.VUPLOAD_STATE_DIR!, viaLink);
    const mark = t.sb.requests.length;
    for (const [target, what] of [
      [join(t.env.VUPLOAD_STATE_DIR!, 'done'), 'state'],
      [t.env.VUPLOAD_CONFIG_DIR!, 'config'],
      [join(viaLink, 'sub', 'done'), 'state'],
    ] as const) {
      for (const dry of [[], ['--dry-run']]) {
        const result = await t.run(['--file', file, '--move-to', target, ...dry]);
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, new RegExp(`--move-to .*: is inside vupload's ${what} directory`));
      }
    }
    const batch = await t.run(['watch', t.dir, '--move-to', join(t.env.VUPLOAD_CONFIG_DIR!, 'x')]);
    assert.equal(batch.code, 2, batch.stderr);
    assert.equal(t.since(mark).length, 0, 'nothing was sent');
    assert.ok(await exists(file));
  });

  test('--move-to a folder that takes no file (/proc) is refused with exit 2 before anything is sent', async (ctx) => {
    if (!(await exists('/proc/self'))) return ctx.skip('needs /proc');
    const file = await makeVideo(join(t.dir, 'proc.mp4'), 20_000);
    const mark = t.sb.requests.length;
    for (const target of ['/proc', '/proc/vupload-done']) {
      const result = await t.run(['--file', file, '--move-to', target]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /--move-to \/proc.*(no file can be created|not writable|cannot be created)/,
      );
    }
    assert.equal(t.since(mark).length, 0, 'nothing was sent');
    assert.ok(await exists(file));
  });

  test('--move-to of a relative symbolic link leaves a link that still leads to the video, which stays', async () => {
    await mkdir(join(t.dir, 'store'), { recursive: true });
    const real = await makeVideo(join(t.dir, 'store', 'real.mp4'), 20_000);
    await mkdir(join(t.dir, 'links'), { recursive: true });
    const link = join(t.dir, 'links', 'talk.mp4');
    await symlink('../store/real.mp4', link);
    const done = join(t.dir, 'links-done');
    const result = await t.run(['--file', link, '--move-to', done]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Moved talk\.mp4 to .*links-done.talk\.mp4 \(a symbolic link/);
    assert.ok((await lstat(join(done, 'talk.mp4'))).isSymbolicLink());
    assert.ok(
      (await readFile(join(done, 'talk.mp4'))).equals(await readFile(real)),
      'the link leads to the video',
    );
    assert.ok(!(await exists(link)), 'the link left its folder');
  });

  test('a move that fails after the upload is a local error: exit 1, the path and the call, not the network', async () => {
    const file = await makeVideo(join(t.dir, 'late.mp4'), 40_000);
    const done = join(t.dir, 'late-done');
    await mkdir(done);
    // The answer to the upload is held back while the test puts a file where the folder was.
    t.sb.faults.add({ on: 'upload-chunk', delayMs: 500 });
    const mark = t.sb.requests.length;
    const running = t.run(['--file', file, '--move-to', done]);
    await waitFor('the upload to be sent', () => t.since(mark).some((r) => r.kind === 'upload-chunk'));
    await rm(done, { recursive: true });
    await writeFile(done, 'a file now');
    const result = await running;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout.trim(), /^[\w-]{11}$/, 'the id is still the result');
    assert.match(result.stderr, /late-done: file exists \(EEXIST, mkdir\)/);
    assert.doesNotMatch(result.stderr, /reach|network|connection/i);
    assert.ok(await exists(file), 'the file stays');
  });

  test('a file-system error that reaches the top is named as local, with its path, not as unexpected', async () => {
    const missing = await unlink(join(t.dir, 'state-gone', 'history.jsonl')).catch((e: unknown) => e);
    let stderr = '';
    const write = (text: string) => {
      stderr += text;
      return true;
    };
    const ctx = { stderr: { write } } as unknown as CliContext;
    assert.equal(reportError(missing, ctx), 1);
    assert.match(
      stderr,
      /^vupload: Could not delete .*state-gone.history\.jsonl: no such file or directory \(ENOENT, unlink\)\.\n$/,
    );
  });
});
