// This file tests the sandbox's OAuth emulation by hand: PKCE flow, token errors, refresh, revoke, bearer and scopes.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SANDBOX_CLIENT, type Sandbox, startSandbox } from '../../../src/sandbox/youtube/index.js';
import { bearer, manualClock, reason, request } from '../http.js';

const REDIRECT = 'http://127.0.0.1:4567/callback';

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authUrl(sb: Sandbox, params: Record<string, string>): string {
  const u = new URL(sb.authUri);
  const all = {
    client_id: SANDBOX_CLIENT.clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'https://www.googleapis.com/auth/youtube.upload https://www.googleapis.com/auth/youtube',
    state: 'st-123',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) u.searchParams.set(k, v);
  return u.toString();
}

async function getCode(sb: Sandbox, params: Record<string, string> = {}): Promise<URL> {
  const r = await request(authUrl(sb, params));
  assert.equal(r.status, 302, r.text);
  return new URL(String(r.headers.location));
}

function tokenRequest(sb: Sandbox, form: Record<string, string>, headers: Record<string, string> = {}) {
  return request(sb.tokenUri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

const creds = { client_id: SANDBOX_CLIENT.clientId, client_secret: SANDBOX_CLIENT.clientSecret };

async function fullLogin(sb: Sandbox, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const back = await getCode(sb, { code_challenge: challenge, code_challenge_method: 'S256', ...extra });
  const r = await tokenRequest(sb, {
    ...creds,
    grant_type: 'authorization_code',
    code: back.searchParams.get('code')!,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
  });
  assert.equal(r.status, 200, r.text);
  return r.json();
}

describe('sandbox OAuth', () => {
  let sb: Sandbox;
  const clock = manualClock();
  before(async () => {
    sb = await startSandbox({ now: clock.now, accessTokenTtlSec: 60 });
  });
  after(() => sb.close());

  test('the authorize endpoint consents at once and redirects to the loopback URI with code and state', async () => {
    const back = await getCode(sb, pkce());
    assert.equal(back.origin + back.pathname, REDIRECT);
    assert.equal(back.searchParams.get('state'), 'st-123');
    assert.match(back.searchParams.get('code') ?? '', /^4\//);
  });

  test('a full PKCE flow gives access and refresh tokens that work on the Data API', async () => {
    const tok = await fullLogin(sb);
    assert.equal(tok.token_type, 'Bearer');
    assert.equal(tok.expires_in, 60);
    assert.ok(tok.refresh_token);
    assert.deepEqual(tok.scope.split(' ').sort(), [
      'https://www.googleapis.com/auth/youtube',
      'https://www.googleapis.com/auth/youtube.upload',
    ]);
    const me = await request(`${sb.url}/youtube/v3/channels?part=snippet&mine=true`, {
      headers: bearer(tok.access_token),
    });
    assert.equal(me.status, 200);
    assert.equal(me.json().items[0].snippet.title, 'Sandbox Channel');
  });

  test('a wrong code_verifier is invalid_grant', async () => {
    const { challenge } = pkce();
    const back = await getCode(sb, { code_challenge: challenge, code_challenge_method: 'S256' });
    const r = await tokenRequest(sb, {
      ...creds,
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: REDIRECT,
      code_verifier: pkce().verifier,
    });
    assert.equal(r.status, 400);
    assert.equal(r.json().error, 'invalid_grant');
  });

  test('a code works once; reusing it is invalid_grant', async () => {
    const back = await getCode(sb);
    const form = {
      ...creds,
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: REDIRECT,
    };
    assert.equal((await tokenRequest(sb, form)).status, 200);
    const again = await tokenRequest(sb, form);
    assert.equal(again.status, 400);
    assert.equal(again.json().error, 'invalid_grant');
  });

  test('a code expires after ten minutes', async () => {
    const back = await getCode(sb);
    clock.advance(11 * 60 * 1000);
    const r = await tokenRequest(sb, {
      ...creds,
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: REDIRECT,
    });
    assert.equal(r.json().error, 'invalid_grant');
  });

  test('the redirect_uri at the token endpoint must match the one given at authorize', async () => {
    const back = await getCode(sb);
    const r = await tokenRequest(sb, {
      ...creds,
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: 'http://127.0.0.1:9999/other',
    });
    assert.equal(r.status, 400);
    assert.equal(r.json().error, 'redirect_uri_mismatch');
  });

  test('client credentials are accepted in HTTP Basic auth; a wrong secret is 401 invalid_client', async () => {
    const back = await getCode(sb);
    const basic = Buffer.from(`${SANDBOX_CLIENT.clientId}:${SANDBOX_CLIENT.clientSecret}`).toString('base64');
    const form = {
      grant_type: 'authorization_code',
      code: back.searchParams.get('code')!,
      redirect_uri: REDIRECT,
    };
    const ok = await tokenRequest(sb, form, { authorization: `Basic ${basic}` });
    assert.equal(ok.status, 200, ok.text);
    const bad = await tokenRequest(sb, {
      ...form,
      client_id: SANDBOX_CLIENT.clientId,
      client_secret: 'nope',
    });
    assert.equal(bad.status, 401);
    assert.equal(bad.json().error, 'invalid_client');
    const unknown = await tokenRequest(sb, {
      ...form,
      client_id: 'who.apps.googleusercontent.com',
      client_secret: 'x',
    });
    assert.equal(unknown.status, 401);
  });

  test('grant types other than code and refresh are unsupported_grant_type; missing ones invalid_request', async () => {
    const r = await tokenRequest(sb, { ...creds, grant_type: 'password' });
    assert.equal(r.status, 400);
    assert.equal(r.json().error, 'unsupported_grant_type');
    assert.equal((await tokenRequest(sb, { ...creds })).json().error, 'invalid_request');
  });

  test('refresh gives a new access token without a refresh_token, and the old grant keeps working', async () => {
    const tok = await fullLogin(sb);
    const r = await tokenRequest(sb, {
      ...creds,
      grant_type: 'refresh_token',
      refresh_token: tok.refresh_token,
    });
    assert.equal(r.status, 200);
    const fresh = r.json();
    assert.equal(fresh.refresh_token, undefined);
    assert.notEqual(fresh.access_token, tok.access_token);
    assert.equal(fresh.scope, tok.scope);
    const me = await request(`${sb.url}/youtube/v3/channels?part=id&mine=true`, {
      headers: bearer(fresh.access_token),
    });
    assert.equal(me.status, 200);
  });

  test('an expired access token is 401 authError until refreshed', async () => {
    const tok = await fullLogin(sb);
    clock.advance(61_000);
    const r = await request(`${sb.url}/youtube/v3/channels?part=id&mine=true`, {
      headers: bearer(tok.access_token),
    });
    assert.equal(r.status, 401);
    const err = r.json().error;
    assert.equal(err.errors[0].reason, 'authError');
    assert.equal(err.errors[0].location, 'Authorization');
    assert.equal(err.errors[0].message, 'Invalid Credentials');
    const fresh = await tokenRequest(sb, {
      ...creds,
      grant_type: 'refresh_token',
      refresh_token: tok.refresh_token,
    });
    assert.equal(fresh.status, 200);
  });

  test('revoking a refresh token kills it and its access tokens; unknown tokens are invalid_token', async () => {
    const tok = await fullLogin(sb);
    const r = await request(`${sb.revokeUri}?token=${encodeURIComponent(tok.refresh_token)}`, {
      method: 'POST',
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), {});
    const api = await request(`${sb.url}/youtube/v3/channels?part=id&mine=true`, {
      headers: bearer(tok.access_token),
    });
    assert.equal(api.status, 401);
    const refresh = await tokenRequest(sb, {
      ...creds,
      grant_type: 'refresh_token',
      refresh_token: tok.refresh_token,
    });
    assert.equal(refresh.json().error, 'invalid_grant');
    const again = await request(sb.revokeUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent(tok.refresh_token)}`,
    });
    assert.equal(again.status, 400);
    assert.equal(again.json().error, 'invalid_token');
  });

  test('revoking an access token revokes its grant too, as Google documents', async () => {
    const tok = await fullLogin(sb);
    const r = await request(sb.revokeUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${tok.access_token}`,
    });
    assert.equal(r.status, 200);
    const refresh = await tokenRequest(sb, {
      ...creds,
      grant_type: 'refresh_token',
      refresh_token: tok.refresh_token,
    });
    assert.equal(refresh.json().error, 'invalid_grant');
  });

  test('non-loopback redirect URIs and unknown clients get an error page, not a redirect', async () => {
    const bad = await request(authUrl(sb, { redirect_uri: 'https://evil.example/cb' }));
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.location, undefined);
    assert.match(bad.text, /redirect_uri_mismatch/);
    const unknown = await request(authUrl(sb, { client_id: 'nobody.apps.googleusercontent.com' }));
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /invalid_client/);
    for (const ok of ['http://localhost:1234', 'http://[::1]:1234/']) {
      assert.equal((await request(authUrl(sb, { redirect_uri: ok }))).status, 302, ok);
    }
  });

  test('an auth fault with reason access_denied redirects with error and the caller state', async () => {
    sb.faults.add({ on: 'auth', status: 403, reason: 'access_denied' });
    const back = await getCode(sb);
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('state'), 'st-123');
    assert.equal(back.searchParams.get('code'), null);
  });

  test('login_hint picks the user, and each user has its own channel', async () => {
    const a = await fullLogin(sb);
    const b = await fullLogin(sb, { login_hint: 'alice@example.com' });
    const ch = async (t: string) =>
      (await request(`${sb.url}/youtube/v3/channels?part=id&mine=true`, { headers: bearer(t) })).json()
        .items[0].id;
    assert.notEqual(await ch(a.access_token), await ch(b.access_token));
  });

  test('an unknown bearer token is 401 authError with Google error body', async () => {
    const r = await request(`${sb.url}/youtube/v3/videos?part=id&id=x`, { headers: bearer('ya29.nonsense') });
    assert.equal(r.status, 401);
    assert.equal(reason(r), 'authError');
    assert.equal(r.json().error.code, 401);
  });

  test('a request without credentials is 401 required "Login Required", as Google answers it', async () => {
    const r = await request(`${sb.url}/youtube/v3/videos?part=id&id=x`);
    assert.equal(r.status, 401);
    assert.equal(r.headers['content-type'], 'application/json; charset=UTF-8');
    assert.equal(r.headers['www-authenticate'], 'Bearer realm="https://accounts.google.com/"');
    assert.deepEqual(r.json(), {
      error: {
        code: 401,
        message: 'Login Required',
        errors: [
          {
            domain: 'global',
            reason: 'required',
            message: 'Login Required',
            locationType: 'header',
            location: 'Authorization',
          },
        ],
        status: 'UNAUTHENTICATED',
      },
    });
  });

  test('youtube.upload allows insert but not update, list or playlists; captions need force-ssl', async () => {
    const up = sb.mintToken({ scopes: ['youtube.upload'] });
    const init = await request(`${sb.url}/upload/youtube/v3/videos?uploadType=resumable&part=snippet`, {
      method: 'POST',
      headers: { ...bearer(up.access_token), 'content-type': 'application/json' },
      body: JSON.stringify({ snippet: { title: 't' } }),
    });
    assert.equal(init.status, 200);
    const calls: Array<[string, string]> = [
      ['PUT', '/youtube/v3/videos?part=snippet'],
      ['GET', '/youtube/v3/videos?part=id&id=x'],
      ['POST', '/youtube/v3/playlists?part=snippet'],
    ];
    for (const [method, path] of calls) {
      const r = await request(`${sb.url}${path}`, { method, headers: bearer(up.access_token), body: '{}' });
      assert.equal(r.status, 403, path);
      assert.equal(reason(r), 'insufficientPermissions');
    }
    const yt = sb.mintToken({ scopes: ['youtube'] });
    const cap = await request(`${sb.url}/upload/youtube/v3/captions?part=snippet&uploadType=multipart`, {
      method: 'POST',
      headers: bearer(yt.access_token),
    });
    assert.equal(cap.status, 403);
    assert.equal(reason(cap), 'insufficientPermissions');
  });
});
