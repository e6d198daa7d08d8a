// This file tests that local file-system failures are not reported as network ones, and that housekeeping is checked first.
import assert from 'node:assert/strict';
import { access, mkdir, rm, unlink, writeFile } from 'node:fs/promises';
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
