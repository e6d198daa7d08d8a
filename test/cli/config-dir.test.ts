// This file tests the rules for vupload's directories: private config, shared state left alone, read-only config.
import assert from 'node:assert/strict';
import { chmod, chown, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

const mode = async (path: string) => (await stat(path)).mode & 0o7777;

describe("vupload's directories", () => {
  let t: CliEnv;
  let config: string;
  before(async () => {
    t = await cliEnv();
    await t.login();
    config = t.env.VUPLOAD_CONFIG_DIR!;
  });
  after(() => t.close());

  test('the config and token directories vupload creates are 0700', async () => {
    assert.equal(await mode(config), 0o700);
    assert.equal(await mode(join(config, 'tokens')), 0o700);
  });

  test('a config or token directory that other users can write is refused with the fix, as ssh does', async () => {
    const video = await makeVideo(join(t.dir, 'perm.mp4'), 100_000);
    const mark = t.sb.requests.length;
    for (const [dir, what, loose] of [
      [config, 'config directory', 0o777],
      [join(config, 'tokens'), 'token directory', 0o775],
    ] as const) {
      await chmod(dir, loose);
      try {
        for (const argv of [
          ['--file', video],
          ['auth', 'status'],
        ]) {
          const result = await t.run(argv);
          assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`);
          assert.ok(
            result.stderr.includes(
              `the ${what} ${dir} can be written by other users (mode 0${loose.toString(8)})`,
            ),
            result.stderr,
          );
          assert.ok(result.stderr.includes(`Fix: chmod 700 ${dir}`), result.stderr);
        }
        assert.equal(await mode(dir), loose, 'vupload does not chmod it behind the user’s back');
      } finally {
        await chmod(dir, 0o700);
      }
    }
    assert.deepEqual(t.since(mark), [], 'nothing was sent');
    assert.equal((await t.run(['auth', 'status'])).code, 0, 'usable again once fixed');
  });

  test('a config directory owned by another user is refused', {
    skip: process.getuid?.() !== 0 && 'needs root to chown',
  }, async () => {
    await chown(config, 4242, 4242);
    try {
      const result = await t.run(['auth', 'status']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /belongs to another user \(uid 4242\)/);
    } finally {
      await chown(config, 0, 0);
    }
  });

  test('a shared state directory keeps its mode and setgid bit; vupload only adds 0600 files and 0700 subdirectories', async () => {
    const shared = join(t.dir, 'shared-state');
    await mkdir(shared);
    await chmod(shared, 0o2775);
    const video = await makeVideo(join(t.dir, 'shared.mp4'), 100_000);
    const result = await t.run(['--file', video], { env: { VUPLOAD_STATE_DIR: shared } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await mode(shared), 0o2775);
    assert.equal((await mode(join(shared, 'history.jsonl'))) & 0o777, 0o600);
    assert.equal((await mode(join(shared, 'locks'))) & 0o777, 0o700);
  });

  test('a read-only config directory: the refreshed token cannot be saved, the upload still succeeds with a warning', async () => {
    const tokenFile = join(config, 'tokens', 'default.json');
    const stored = JSON.parse(await readFile(tokenFile, 'utf8')) as Record<string, unknown>;
    // Expired, so the run must refresh, and then fails to cache the new token.
    await writeFile(tokenFile, JSON.stringify({ ...stored, expiry_date: 1 }));
    const before = await readFile(tokenFile, 'utf8');
    const video = await makeVideo(join(t.dir, 'readonly.mp4'), 100_000);
    const mark = t.sb.requests.length;
    const result = await spawnCli(['--file', video], {
      env: { ...t.env, VUPLOAD_TEST_READONLY: config },
      nodeArgs: ['--import', join(repoRoot, 'dist/test/helpers/readonly-preload.js')],
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^[A-Za-z0-9_-]{11}\n$/);
    assert.ok(
      result.stderr.includes(`warning: could not save the refreshed login to ${tokenFile} (EROFS)`),
      result.stderr,
    );
    assert.doesNotMatch(result.stderr, /Could not reach/);
    assert.ok(
      t.since(mark).some((r) => r.kind === 'token'),
      'the token was refreshed',
    );
    assert.equal(await readFile(tokenFile, 'utf8'), before, 'the read-only file was not changed');
  });
});
