// This file produces every documented exit code through a real scenario against the sandbox.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixture } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

const video = fixture('sample.mp4');

describe('exit codes', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  test('0 on success', async () => {
    assert.equal((await t.run(['--force', '--file', video])).code, 0);
  });

  test('1 when the API refuses the upload, with its reason', async () => {
    t.sb.faults.add({ on: 'upload-init', status: 403, reason: 'forbidden', message: 'Forbidden' });
    const result = await t.run(['--force', '--file', video]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /forbidden/);
    assert.equal(result.stdout, '');
  });

  test('2 for bad input', async () => {
    assert.equal((await t.run(['--force', '--file', video, '--privacy', 'everyone'])).code, 2);
  });

  test('3 when the profile is not logged in and no terminal is attached; no login starts', async () => {
    const mark = t.sb.requests.length;
    const result = await t.run(['--force', '--file', video, '--profile', 'cron']);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /vupload auth login --profile cron/);
    assert.equal(t.since(mark).length, 0);
  });

  test('3 when the grant was revoked, mentioning the 7-day expiry of testing apps', async () => {
    await t.login('revoked');
    const status = JSON.parse((await t.run(['auth', 'status', '--json', '--profile', 'revoked'])).stdout);
    assert.equal(status.loggedIn, true);
    const logout = await t.run(['auth', 'logout', '--revoke', '--profile', 'revoked']);
    assert.equal(logout.code, 0, logout.stderr);
    assert.match(logout.stderr, /revoked at Google/);
    const after = await t.run(['auth', 'status', '--profile', 'revoked']);
    assert.equal(after.code, 3);
  });

  test('4 when the daily quota is spent, saying when it resets', async () => {
    // A quotaExceeded answer marks the profile's day as spent in the local ledger: use a profile of its own.
    await t.login('quota');
    t.sb.setQuotaUsed(1_000_000_000);
    try {
      const result = await t.run(['--force', '--file', video, '--profile', 'quota']);
      assert.equal(result.code, 4, result.stderr);
      assert.match(result.stderr, /quota/i);
      assert.match(result.stderr, /Pacific/);
      // The ledger now stops the profile before anything is sent.
      const mark = t.sb.requests.length;
      const again = await t.run(['--force', '--file', video, '--profile', 'quota']);
      assert.equal(again.code, 4, again.stderr);
      assert.equal(t.since(mark).length, 0);
    } finally {
      t.sb.setQuotaUsed(0);
    }
  });

  test('5 when the server keeps failing after all retries, saying that re-running resumes', async () => {
    t.sb.faults.add({ on: 'upload-chunk', status: 503, times: 3 });
    const result = await t.run(['--force', '--file', video, '--retries', '2']);
    assert.equal(result.code, 5, result.stderr);
    assert.match(result.stderr, /resum/);
    t.sb.faults.clear();
    const again = await t.run(['--force', '--file', video, '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).resumed, true);
  });

  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    test(`${code} when interrupted by ${signal}; the same command then resumes at the server's offset`, async () => {
      const file = await makeVideo(join(t.dir, `interrupted-${code}.mp4`), 4 * 1024 * 1024);
      t.sb.faults.add({ on: 'upload-chunk', bytesPerSec: 1024 * 1024 });
      const controller = new AbortController();
      const mark = t.sb.requests.length;
      const running = t.run(['--file', file], { signal: controller.signal });
      await waitFor('the upload to start sending', () =>
        t.since(mark).some((r) => r.kind === 'upload-chunk'),
      );
      // Not a fixed pause: on a loaded machine the first bytes can take longer than any guess.
      await waitFor('half a MiB to arrive', () =>
        t.since(mark).some((r) => r.kind === 'upload-chunk' && r.bodyBytes >= 512 * 1024),
      );
      controller.abort(signal);
      const result = await running;
      assert.equal(result.code, code, result.stderr);
      assert.match(result.stderr, /re-running the same command resumes/);
      assert.equal(result.stdout, '');
      const resumeMark = t.sb.requests.length;
      const again = await t.run(['--file', file, '--json']);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(JSON.parse(again.stdout).resumed, true);
      const firstData = t.since(resumeMark).find((r) => r.kind === 'upload-chunk' && r.bodyBytes > 0);
      assert.ok(firstData && (firstData.firstByte ?? 0) > 0, 'the re-run continued where the server was');
      assert.equal(t.since(resumeMark).filter((r) => r.kind === 'upload-init').length, 0, 'no new session');
    });
  }
});
