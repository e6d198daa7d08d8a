// This file drives the Youku provider through the CLI against the Youku emulator: login, upload, status, profiles.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jsonLines } from '../helpers/cli.js';
import { playBrowser, type YoukuCliEnv, youkuCliEnv } from './env.js';
import { makeVideo } from './video-file.js';

describe('vupload --provider youku', () => {
  let y: YoukuCliEnv;
  let sb: YoukuCliEnv['sb'];
  let dir: string;
  let env: Record<string, string>;
  const run = (argv: string[], openUrl?: (url: string) => Promise<void>) =>
    y.run(argv, openUrl ? { openUrl } : {});

  before(async () => {
    y = await youkuCliEnv();
    ({ sb, dir, env } = y);
  });
  after(() => y.close());

  test('logs in, uploads (MD5 intact), reports status, and journals the id', async () => {
    const login = await run(['auth', 'login', '--provider', 'youku'], playBrowser);
    assert.equal(login.code, 0, login.stderr);
    const file = await makeVideo(join(dir, 'clip.mp4'), 3 * 1024 * 1024 + 17);
    const upload = await run(['--provider', 'youku', '--file', file, '--title', 'Clip', '--tags', 'a,b']);
    assert.equal(upload.code, 0, upload.stderr);
    const id = upload.stdout.trim();
    assert.ok(id);
    const md5 = createHash('md5')
      .update(await readFile(file))
      .digest('hex');
    assert.equal(sb.media(id)?.md5, md5);
    const status = await run(['status', '--provider', 'youku', id, '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).title, 'Clip');
    const history = jsonLines<{
      id: string;
      provider: string;
    }>((await run(['history', '--json'])).stdout);
    assert.ok(history.some((h) => h.id === id && h.provider === 'youku'));
    // Never twice: the same file again prints the same id and sends nothing.
    const before = sb.requests.length;
    const again = await run(['--provider', 'youku', '--file', file, '--title', 'Clip', '--tags', 'a,b']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), id);
    assert.equal(sb.requests.length, before);
  });

  test('auth logout --revoke is refused for Youku (it has no revocation) and keeps the login; without it, removed', async () => {
    const login = await run(['auth', 'login', '--provider', 'youku', '--profile', 'leaving'], playBrowser);
    assert.equal(login.code, 0, login.stderr);
    const tokenFile = join(env.VUPLOAD_CONFIG_DIR!, 'youku-tokens', 'leaving.json');
    await readFile(tokenFile);
    const revoke = await run(['auth', 'logout', '--provider', 'youku', '--profile', 'leaving', '--revoke']);
    assert.equal(revoke.code, 2, revoke.stderr);
    assert.match(revoke.stderr, /--revoke is not available with the youku provider/);
    await readFile(tokenFile); // still there: nothing was removed
    const logout = await run(['auth', 'logout', '--provider', 'youku', '--profile', 'leaving']);
    assert.equal(logout.code, 0, logout.stderr);
    await assert.rejects(readFile(tokenFile), { code: 'ENOENT' });
  });

  test('a profile whose provider is youku needs no --provider; Youku requires tags', async () => {
    await mkdir(env.VUPLOAD_CONFIG_DIR!, { recursive: true });
    await writeFile(
      join(env.VUPLOAD_CONFIG_DIR!, 'profiles.json'),
      JSON.stringify({ default: { provider: 'youku' } }),
    );
    const file = await makeVideo(join(dir, 'second.mp4'), 100_000);
    const noTags = await run(['--file', file]);
    assert.equal(noTags.code, 2);
    assert.match(noTags.stderr, /--tags/);
    const ok = await run(['--file', file, '--tags', 'x']);
    assert.equal(ok.code, 0, ok.stderr);
  });
});
