// This file tests using a saved login against the sandbox: refreshes saved back, invalid_grant, imports, profiles.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readToken, type StoredToken, writeToken } from '../../../../src/auth/token-store.js';
import { VuploadError } from '../../../../src/errors.js';
import { importCredentials } from '../../../../src/providers/youtube/auth/import.js';
import { login } from '../../../../src/providers/youtube/auth/login.js';
import { logout } from '../../../../src/providers/youtube/auth/logout.js';
import { getAuth } from '../../../../src/providers/youtube/auth/session.js';
import type { Sandbox } from '../../../../src/sandbox/youtube/index.js';
import { tempDir, writeJson } from '../../../auth/helpers.js';
import { browser, sandbox } from '../../../auth/sandbox-helpers.js';

/** A login minted by the sandbox and saved as `profile`, its access token already expired. */
async function savedLogin(
  sb: Sandbox,
  configDir: string,
  profile: string,
  clientId: string,
): Promise<StoredToken> {
  const minted = sb.mintToken({ scopes: ['youtube.upload'] });
  const token: StoredToken = {
    version: 1,
    profile,
    client_id: clientId,
    access_token: minted.access_token,
    refresh_token: minted.refresh_token,
    expiry_date: Date.now() - 60_000,
    scope: minted.scope,
    token_type: 'Bearer',
    token_uri: sb.tokenUri,
    created_at: new Date().toISOString(),
  };
  await writeToken(configDir, token);
  return token;
}

const refreshes = (sb: Sandbox) =>
  sb.requests.filter((r) => r.kind === 'token' && r.form?.grant_type === 'refresh_token');

describe('getAuth against the sandbox', () => {
  test('an expired access token is refreshed on use and the new one is saved, keeping the refresh token', async () => {
    const { sb, secrets } = await sandbox();
    const configDir = await tempDir();
    const before = await savedLogin(sb, configDir, 'default', secrets.clientId);
    const session = await getAuth({ secrets, profile: 'default', configDir });
    const headers = await session.headers();
    assert.match(headers.Authorization, /^Bearer \S+$/);
    assert.notEqual(headers.Authorization, `Bearer ${before.access_token}`);
    assert.equal(refreshes(sb).length, 1);

    const after = await readToken(configDir, 'default');
    assert.equal(`Bearer ${after?.access_token}`, headers.Authorization);
    assert.equal(after?.refresh_token, before.refresh_token);
    assert.ok((after?.expiry_date ?? 0) > Date.now());
    assert.ok(after?.updated_at);
    assert.equal((await stat(join(configDir, 'tokens', 'default.json'))).mode & 0o777, 0o600);

    await session.headers();
    assert.equal(refreshes(sb).length, 1, 'a fresh token is not refreshed again');
  });

  test('a 1-second access token is refreshed through the client too (googleapis path), and saved', async () => {
    const { secrets } = await sandbox({ accessTokenTtlSec: 1 });
    const configDir = await tempDir();
    await login({ secrets, profile: 'default', configDir, openBrowser: browser(), log: () => {} });
    const first = await readToken(configDir, 'default');
    const session = await getAuth({ secrets, profile: 'default', configDir });
    const libraryHeaders = await (await session.client()).getRequestHeaders();
    const auth = libraryHeaders.get('authorization');
    assert.ok(
      auth && auth !== `Bearer ${first?.access_token}`,
      'the library refreshed the short-lived token',
    );
    await session.headers(); // waits for pending saves (and refreshes again: 1 s is inside the eager window)
    const saved = await readToken(configDir, 'default');
    assert.notEqual(saved?.access_token, first?.access_token);
    assert.equal(saved?.refresh_token, first?.refresh_token);
  });

  test('refresh() forces a new access token even when the current one is valid (after a 401)', async () => {
    const { sb, secrets } = await sandbox();
    const configDir = await tempDir();
    await login({ secrets, profile: 'default', configDir, openBrowser: browser(), log: () => {} });
    const session = await getAuth({ secrets, profile: 'default', configDir });
    const h1 = await session.headers();
    await session.refresh();
    const h2 = await session.headers();
    assert.notEqual(h1.Authorization, h2.Authorization);
    assert.equal(refreshes(sb).length, 1);
    assert.equal(`Bearer ${(await readToken(configDir, 'default'))?.access_token}`, h2.Authorization);
  });

  test('a revoked grant: invalid_grant becomes exit 3 saying revoked/expired, the 7-day Testing limit and login', async () => {
    const { sb, secrets } = await sandbox();
    const configDir = await tempDir();
    const token = await savedLogin(sb, configDir, 'work', secrets.clientId);
    const revoked = await fetch(`${sb.revokeUri}?token=${encodeURIComponent(token.refresh_token)}`, {
      method: 'POST',
    });
    assert.equal(revoked.status, 200);
    const session = await getAuth({ secrets, profile: 'work', configDir });
    for (const attempt of [() => session.headers(), () => session.refresh()]) {
      await assert.rejects(attempt(), (e: unknown) => {
        assert.ok(e instanceof VuploadError);
        assert.equal(e.code, 'invalidGrant');
        assert.equal(e.exitCode, 3);
        assert.match(e.message, /revoked or has expired/);
        assert.match(e.message, /7 days/);
        assert.equal(e.hint, 'Run: vupload auth login --profile work');
        assert.ok(!e.message.includes(token.refresh_token));
        return true;
      });
    }
  });

  test('not logged in fails at once with exit 3 and the login command, without any request', async () => {
    const { sb, secrets } = await sandbox();
    await assert.rejects(
      getAuth({ secrets, profile: 'cron', configDir: await tempDir() }),
      (e: unknown) =>
        e instanceof VuploadError &&
        e.code === 'notLoggedIn' &&
        e.exitCode === 3 &&
        e.hint === 'Run: vupload auth login --profile cron',
    );
    assert.equal(sb.requests.length, 0);
  });

  test('a login made with another OAuth client is refused with a clear message', async () => {
    const { sb, secrets } = await sandbox();
    const configDir = await tempDir();
    await savedLogin(sb, configDir, 'default', 'someone-else.apps.googleusercontent.com');
    await assert.rejects(getAuth({ secrets, profile: 'default', configDir }), (e: unknown) => {
      assert.ok(e instanceof VuploadError);
      assert.equal(e.code, 'clientMismatch');
      assert.equal(e.exitCode, 3);
      assert.ok(e.message.includes(secrets.path));
      return true;
    });
  });

  test('an imported Go token (unknown expiry) refreshes at first use and gains its scopes', async () => {
    const { sb, secrets } = await sandbox();
    const configDir = await tempDir();
    const minted = sb.mintToken({ scopes: ['youtube.upload'] });
    const file = await writeJson(join(configDir, 'request.token'), {
      access_token: minted.access_token,
      token_type: 'Bearer',
      refresh_token: minted.refresh_token,
      expiry: '0001-01-01T00:00:00Z',
    });
    await importCredentials({ file, profile: 'go', configDir, secrets });
    const session = await getAuth({ secrets, profile: 'go', configDir });
    assert.deepEqual(session.scopes, []);
    await session.headers();
    assert.equal(refreshes(sb).length, 1);
    assert.deepEqual(session.scopes, ['https://www.googleapis.com/auth/youtube.upload']);
    assert.equal((await readToken(configDir, 'go'))?.scope, 'https://www.googleapis.com/auth/youtube.upload');
  });

  test('profiles are separate logins: revoking one leaves the other working', async () => {
    const { sb, secrets } = await sandbox();
    const configDir = await tempDir();
    await login({ secrets, profile: 'a', configDir, openBrowser: browser(), log: () => {} });
    await login({ secrets, profile: 'b', configDir, openBrowser: browser(), log: () => {} });
    const [a, b] = [await readToken(configDir, 'a'), await readToken(configDir, 'b')];
    assert.notEqual(a?.refresh_token, b?.refresh_token);

    const out = await logout({ profile: 'a', configDir, revoke: true, secrets });
    assert.equal(out.revoke, 'revoked');
    assert.equal(out.removed, true);
    assert.ok(sb.requests.some((r) => r.kind === 'revoke' && r.status === 200));
    await assert.rejects(getAuth({ secrets, profile: 'a', configDir }), /not logged in/);
    const reuse = await fetch(sb.tokenUri, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: a?.refresh_token ?? '',
        client_id: secrets.clientId,
        client_secret: secrets.clientSecret,
      }),
    });
    assert.equal(reuse.status, 400, 'the revoked refresh token no longer works at the issuer');
    assert.equal(((await reuse.json()) as { error?: string }).error, 'invalid_grant');

    const session = await getAuth({ secrets, profile: 'b', configDir });
    await session.refresh();
    assert.match((await session.headers()).Authorization, /^Bearer /);
  });
});
