// This file tests the auth commands end to end: status, import of another tool's token, logout, file modes.
import assert from 'node:assert/strict';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jsonLines } from '../helpers/cli.js';
import { type CliEnv, cliEnv } from './env.js';

describe('vupload auth', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
  });
  after(() => t.close());

  test('status of a profile that is not logged in exits 3 and says what to run', async () => {
    const result = await t.run(['auth', 'status', '--profile', 'nobody', '--json']);
    assert.equal(result.code, 3);
    const lines = jsonLines(result.stdout);
    assert.deepEqual(lines[0], { profile: 'nobody', provider: 'youtube', loggedIn: false });
    assert.deepEqual(Object.keys(lines[1] ?? {}), ['error']);
    assert.match(result.stderr, /vupload auth login --profile nobody/);
  });

  test('login saves a 0600 token in a 0700 folder; status names the channel; no secret is printed', async () => {
    await t.login('main');
    const file = join(t.env.VUPLOAD_CONFIG_DIR!, 'tokens', 'main.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await stat(join(t.env.VUPLOAD_CONFIG_DIR!, 'tokens'))).mode & 0o777, 0o700);
    const status = await t.run(['auth', 'status', '--profile', 'main', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const view = JSON.parse(status.stdout) as { channel: { id: string; title: string }; scopes: string[] };
    assert.ok(view.channel.id.startsWith('UC'));
    assert.ok(view.scopes.some((s) => s.endsWith('/youtube.upload')));
    assert.doesNotMatch(status.stdout + status.stderr, /sbx-|access_token|refresh_token/);
  });

  test("import takes over youtubeuploader's request.token and the login works", async () => {
    const minted = t.sb.mintToken();
    const goToken = join(t.dir, 'request.token');
    await writeFile(
      goToken,
      JSON.stringify({
        access_token: minted.access_token,
        token_type: 'Bearer',
        refresh_token: minted.refresh_token,
        expiry: '0001-01-01T00:00:00Z',
      }),
    );
    const imported = await t.run(['auth', 'import', goToken, '--profile', 'go']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /go-oauth2/);
    const status = await t.run(['auth', 'status', '--profile', 'go']);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /channel: {2}Sandbox Channel/);
  });

  test('logout --revoke removes the token and revokes it at the issuer', async () => {
    await t.login('gone');
    const result = await t.run(['auth', 'logout', '--revoke', '--profile', 'gone']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Removed the saved login/);
    assert.match(result.stderr, /revoked at Google/);
    assert.equal((await t.run(['auth', 'status', '--profile', 'gone'])).code, 3);
  });
  test('a bad authorization code: the browser shows the failure and its reason, never "logged in"; exit 3', async () => {
    const pages: Array<{ status: number; text: string }> = [];
    const result = await t.run(['auth', 'login', '--profile', 'badcode', '--open-browser'], {
      // A browser that brings back a code the sandbox never issued (a stale or tampered redirect).
      openUrl: async (url) => {
        const consent = await fetch(url, { redirect: 'manual' });
        const back = new URL(consent.headers.get('location') ?? '');
        back.searchParams.set('code', '4/0not-a-code-the-sandbox-issued');
        const page = await fetch(back);
        pages.push({ status: page.status, text: await page.text() });
      },
    });
    assert.equal(result.code, 3, result.stderr);
    assert.equal(pages.length, 1);
    assert.doesNotMatch(pages[0]!.text, /logged in/);
    assert.match(pages[0]!.text, /not completed: .*invalid_grant/);
    assert.equal(pages[0]!.status, 400);
    const status = await t.run(['auth', 'status', '--profile', 'badcode']);
    assert.equal(status.code, 3, 'nothing was saved');
  });
});
