// This file tests the PeerTube sandbox's login with plain HTTP: the local client, password and refresh grants,
// PeerTube's error answers (invalid_grant, invalid_client), two-factor, revocation, token expiry and redaction.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type PeerTubeSandbox, startPeerTubeSandbox } from '../../../src/sandbox/peertube/index.js';
import { totp } from '../../../src/sandbox/peertube/otp.js';
import { manualClock } from '../http.js';
import { API, assertProblem, bearer, docsOf, login, request, tokenRequest } from './pt.js';

describe('PeerTube sandbox login', () => {
  let sb: PeerTubeSandbox;
  const clock = manualClock();
  before(async () => {
    sb = await startPeerTubeSandbox({ now: clock.now, accessTokenTtlSec: 3600, refreshTokenTtlSec: 7200 });
  });
  beforeEach(() => sb.clearRequests());
  after(() => sb.close());
  const me = (token: string) => request(`${sb.url}${API}/users/me`, { headers: bearer(token) });

  test('GET /oauth-clients/local answers the client; another Host header is refused with 403', async () => {
    const r = await request(`${sb.url}${API}/oauth-clients/local`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(r.json(), sb.client);
    assert.match(sb.client.client_id, /^[0-9a-f]{32}$/);
    const other = await request(`${sb.url}${API}/oauth-clients/local`, {
      headers: { host: `localhost:${sb.port}` },
    });
    assertProblem(other, 403, { detail: `Getting client tokens for host localhost:${sb.port} is forbidden` });
  });

  test('a password login answers the token pair with Cache-Control no-store', async () => {
    const r = await tokenRequest(sb, {
      grant_type: 'password',
      username: 'sandbox',
      password: 'sandbox-password',
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(r.headers.pragma, 'no-cache');
    const body = r.json();
    assert.deepEqual(Object.keys(body), [
      'token_type',
      'access_token',
      'refresh_token',
      'expires_in',
      'refresh_token_expires_in',
    ]);
    assert.equal(body.token_type, 'Bearer');
    assert.match(body.access_token, /^[0-9a-f]{40}$/);
    assert.equal(body.expires_in, 3600);
    assert.equal(body.refresh_token_expires_in, 7200);
    assert.equal((await me(body.access_token)).json().username, 'sandbox');
  });

  test('a wrong password is 400 invalid_grant in problem+json, like PeerTube', async () => {
    const r = await tokenRequest(sb, { grant_type: 'password', username: 'sandbox', password: 'nope' });
    const body = assertProblem(r, 400, {
      type: docsOf('invalid_grant'),
      code: 'invalid_grant',
      detail: 'Invalid grant: user credentials are invalid',
      docs: 'https://docs.joinpeertube.org/api-rest-reference.html#operation/getOAuthToken',
    });
    assert.equal(body.title, undefined, 'a typed problem has no title');
    const unknown = await tokenRequest(sb, { grant_type: 'password', username: 'nobody', password: 'x' });
    assertProblem(unknown, 400, { code: 'invalid_grant' });
  });

  test('bad client, missing grant, unknown grant, JSON body: the OAuth errors PeerTube answers', async () => {
    const badClient = await tokenRequest(sb, { client_secret: 'x', grant_type: 'password' });
    assertProblem(badClient, 400, { code: 'invalid_client', detail: 'Invalid client: client is invalid' });
    assertProblem(await tokenRequest(sb, {}), 400, {
      code: 'invalid_request',
      detail: 'Missing parameter: `grant_type`',
    });
    assertProblem(await tokenRequest(sb, { grant_type: 'client_credentials' }), 400, {
      code: 'unsupported_grant_type',
    });
    const json = await request(`${sb.url}${API}/users/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...sb.client, grant_type: 'password' }),
    });
    assertProblem(json, 400, {
      code: 'invalid_request',
      detail: 'Invalid request: content must be application/x-www-form-urlencoded',
    });
  });

  test('refresh_token gives a new pair once; the old refresh token and access token stop working', async () => {
    const first = await login(sb);
    const r = await tokenRequest(sb, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    assert.equal(r.status, 200);
    const second = r.json();
    assert.notEqual(second.access_token, first.access_token);
    assert.equal((await me(second.access_token)).status, 200);
    assertProblem(await me(first.access_token), 401, { code: 'invalid_token' });
    const again = await tokenRequest(sb, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    assertProblem(again, 400, { code: 'invalid_grant', detail: 'Invalid grant: refresh token is invalid' });
  });

  test('an expired access token is 401 invalid_token; an expired refresh token 400 invalid_grant', async () => {
    const pair = await login(sb);
    clock.advance(3601_000);
    assertProblem(await me(pair.access_token), 401, {
      type: docsOf('invalid_token'),
      code: 'invalid_token',
      detail: 'Token is invalid',
    });
    const refreshed = await tokenRequest(sb, {
      grant_type: 'refresh_token',
      refresh_token: pair.refresh_token,
    });
    assert.equal(refreshed.status, 200);
    const later = refreshed.json();
    clock.advance(7201_000);
    const expired = await tokenRequest(sb, {
      grant_type: 'refresh_token',
      refresh_token: later.refresh_token,
    });
    assertProblem(expired, 400, {
      code: 'invalid_grant',
      detail: 'Invalid grant: refresh token has expired',
    });
  });

  test('no token is 401 unauthorized_request; a malformed Authorization is 400 invalid_request', async () => {
    assertProblem(await request(`${sb.url}${API}/users/me`), 401, { code: 'unauthorized_request' });
    const basic = await request(`${sb.url}${API}/users/me`, { headers: { authorization: 'Basic abc' } });
    assertProblem(basic, 400, { code: 'invalid_request', detail: 'Token is invalid' });
  });

  test('two-factor: 401 missing_two_factor with x-peertube-otp: required; app, then the TOTP code logs in', async () => {
    sb.setUser('alice', { password: 'alice-secret', twoFactor: true });
    const values = { grant_type: 'password', username: 'alice', password: 'alice-secret' };
    const missing = await tokenRequest(sb, values);
    assertProblem(missing, 401, { code: 'missing_two_factor', detail: 'Missing two factor header' });
    assert.equal(missing.headers['x-peertube-otp'], 'required; app');
    const wrongCode = sb.otp('alice') === '000000' ? '111111' : '000000';
    assertProblem(await tokenRequest(sb, values, { 'x-peertube-otp': wrongCode }), 400, {
      code: 'invalid_two_factor',
    });
    const ok = await tokenRequest(sb, values, { 'x-peertube-otp': sb.otp('alice') });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await me(ok.json().access_token)).json().twoFactorEnabled, true);
    sb.setUser('alice', { twoFactor: false });
    assert.equal((await tokenRequest(sb, values)).status, 200);
  });

  test('the TOTP is RFC 6238 (SHA-1, 6 digits, 30 s steps)', () => {
    // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits).
    assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000), '287082');
    assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1_111_111_109_000), '081804');
  });

  test('a blocked user cannot log in; revoke-token ends the session', async () => {
    sb.setUser('bob', { password: 'bob-secret', blocked: true });
    const blocked = await tokenRequest(sb, {
      grant_type: 'password',
      username: 'bob',
      password: 'bob-secret',
    });
    assertProblem(blocked, 400, { code: 'account_blocked', detail: 'User is blocked.' });
    const pair = await login(sb);
    const revoked = await request(`${sb.url}${API}/users/revoke-token`, {
      method: 'POST',
      headers: bearer(pair.access_token),
    });
    assert.equal(revoked.status, 200);
    assert.deepEqual(revoked.json(), { success: true });
    assertProblem(await me(pair.access_token), 401, { code: 'invalid_token' });
  });

  test('the request log never holds the password, client secret, tokens or the two-factor code', async () => {
    sb.setUser('carol', { password: 'carol-secret', twoFactor: true });
    const code = sb.otp('carol');
    await tokenRequest(
      sb,
      { grant_type: 'password', username: 'carol', password: 'carol-secret' },
      { 'x-peertube-otp': code },
    );
    const pair = await login(sb);
    await me(pair.access_token);
    const logged = JSON.stringify(sb.requests);
    for (const secret of ['carol-secret', 'sandbox-password', sb.client.client_secret, pair.access_token])
      assert.ok(!logged.includes(secret), `the log holds ${secret}`);
    assert.equal(sb.requests[0]?.form?.password, '***');
    assert.equal(sb.requests[0]?.headers['x-peertube-otp'], '***');
  });
});
