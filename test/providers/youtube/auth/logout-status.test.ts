// This file tests logout (local removal, optional revocation) and the offline status of a saved login.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { readToken, type StoredToken, tokenPath, writeToken } from '../../../../src/auth/token-store.js';
import { logout } from '../../../../src/providers/youtube/auth/logout.js';
import { readAuthStatus } from '../../../../src/providers/youtube/auth/status.js';
import { offlineSecrets, tempDir } from '../../../auth/helpers.js';

const stored = (profile: string, over: Partial<StoredToken> = {}): StoredToken => ({
  version: 1,
  profile,
  client_id: 'cid',
  access_token: 'AT-SECRET',
  refresh_token: 'RT-SECRET',
  expiry_date: 2_000,
  scope: 'https://www.googleapis.com/auth/youtube https://www.googleapis.com/auth/youtube.upload',
  token_type: 'Bearer',
  token_uri: 'http://127.0.0.1:9/token',
  created_at: '2024-01-01T00:00:00.000Z',
  source: 'login',
  ...over,
});

/** A fetch that records calls and answers with `status`/`body`, or throws like undici on a refused connection. */
function fakeFetch(answer: { status: number; body?: string } | 'refused') {
  const calls: { url: string; method?: string }[] = [];
  const fn = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), method: init?.method });
    if (answer === 'refused') {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    }
    return new Response(answer.body ?? '', { status: answer.status });
  }) as typeof globalThis.fetch;
  return { fn, calls };
}

describe('logout', () => {
  test('without --revoke removes only the local login and sends nothing', async () => {
    const dir = await tempDir();
    await writeToken(dir, stored('default'));
    await writeToken(dir, stored('work'));
    const f = fakeFetch({ status: 200 });
    const result = await logout({ profile: 'default', configDir: dir, revoke: false, fetch: f.fn });
    assert.deepEqual(result, { profile: 'default', removed: true, revoke: 'notRequested' });
    assert.equal(f.calls.length, 0);
    assert.equal(await readToken(dir, 'default'), undefined);
    assert.ok(await readToken(dir, 'work'), 'another profile is untouched');
  });

  test('with --revoke POSTs the refresh token to the revoke endpoint, then removes the login', async () => {
    const dir = await tempDir();
    await writeToken(dir, stored('default'));
    const f = fakeFetch({ status: 200, body: '{}' });
    const secrets = offlineSecrets({ revokeUri: 'http://127.0.0.1:9/o/revoke' });
    const result = await logout({ profile: 'default', configDir: dir, revoke: true, secrets, fetch: f.fn });
    assert.deepEqual(result, {
      profile: 'default',
      removed: true,
      revoke: 'revoked',
      revokeUri: 'http://127.0.0.1:9/o/revoke',
    });
    assert.deepEqual(f.calls, [{ url: 'http://127.0.0.1:9/o/revoke?token=RT-SECRET', method: 'POST' }]);
  });

  test('an already revoked token and a failed revocation are told apart; the login is removed either way', async () => {
    const dir = await tempDir();
    await writeToken(dir, stored('a'));
    const invalid = fakeFetch({ status: 400, body: '{"error":"invalid_token"}' });
    const r1 = await logout({ profile: 'a', configDir: dir, revoke: true, fetch: invalid.fn });
    assert.equal(r1.revoke, 'alreadyInvalid');
    assert.equal(r1.revokeUri, 'http://127.0.0.1:9/revoke', 'derived from the stored token_uri');

    await writeToken(dir, stored('b'));
    const refused = fakeFetch('refused');
    const r2 = await logout({ profile: 'b', configDir: dir, revoke: true, fetch: refused.fn });
    assert.equal(r2.revoke, 'failed');
    assert.equal(r2.revokeError, 'network error (ECONNREFUSED)');
    assert.equal(r2.removed, true);

    await writeToken(dir, stored('c'));
    const r3 = await logout({
      profile: 'c',
      configDir: dir,
      revoke: true,
      fetch: fakeFetch({ status: 503 }).fn,
    });
    assert.equal(r3.revoke, 'failed');
    assert.match(r3.revokeError ?? '', /HTTP 503/);
    for (const r of [r1, r2, r3]) assert.ok(!JSON.stringify(r).includes('SECRET'));
  });

  test('logging out a profile with no login says nothing was removed or revoked', async () => {
    const f = fakeFetch({ status: 200 });
    const result = await logout({ profile: 'none', configDir: await tempDir(), revoke: true, fetch: f.fn });
    assert.deepEqual(result, { profile: 'none', removed: false, revoke: 'nothingToRevoke' });
    assert.equal(f.calls.length, 0);
  });

  test('a corrupt token file is still removed', async () => {
    const dir = await tempDir();
    await writeToken(dir, stored('x'));
    await writeFile(tokenPath(dir, 'x'), '{broken');
    const result = await logout({
      profile: 'x',
      configDir: dir,
      revoke: true,
      fetch: fakeFetch({ status: 200 }).fn,
    });
    assert.equal(result.removed, true);
    assert.equal(result.revoke, 'failed');
  });
});

describe('readAuthStatus', () => {
  test('reports scopes, expiry and refresh token without network and without token values', async () => {
    const dir = await tempDir();
    await writeToken(dir, stored('default'));
    const status = await readAuthStatus({ profile: 'default', configDir: dir, now: () => 1_000 });
    assert.deepEqual(status, {
      profile: 'default',
      loggedIn: true,
      tokenFile: tokenPath(dir, 'default'),
      scopes: ['https://www.googleapis.com/auth/youtube', 'https://www.googleapis.com/auth/youtube.upload'],
      expiryDate: 2_000,
      refreshTokenExpiry: null,
      accessTokenExpired: false,
      hasRefreshToken: true,
      clientId: 'cid',
      tokenUri: 'http://127.0.0.1:9/token',
      createdAt: '2024-01-01T00:00:00.000Z',
      source: 'login',
    });
    assert.equal(
      (await readAuthStatus({ profile: 'default', configDir: dir, now: () => 3_000 })).accessTokenExpired,
      true,
    );
  });

  test('a profile without a login is loggedIn: false', async () => {
    const status = await readAuthStatus({ profile: 'work', configDir: await tempDir() });
    assert.equal(status.loggedIn, false);
    assert.deepEqual(status.scopes, []);
  });
});
