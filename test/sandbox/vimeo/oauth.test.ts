// This file tests the Vimeo emulator's OAuth 2 authorization code flow with plain HTTP, as vimeo.js and vimeo.php
// drive it: GET /oauth/authorize → redirect with code and state, POST /oauth/access_token with HTTP Basic and JSON.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVimeoSandbox, type VimeoSandbox } from '../../../src/sandbox/vimeo/index.js';
import { api } from './helpers.js';

const REDIRECT = 'http://127.0.0.1:8976/callback';

describe('vimeo emulator: OAuth', () => {
  let sb: VimeoSandbox;
  let basic: string;
  before(async () => {
    sb = await startVimeoSandbox({
      apps: [{ clientId: 'app1', clientSecret: 's3cret', name: 'Test app', redirectUris: [REDIRECT] }],
    });
    basic = `Basic ${Buffer.from('app1:s3cret').toString('base64')}`;
  });
  after(() => sb.close());

  const authorize = (query: Record<string, string>) =>
    api(
      sb,
      'GET',
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'app1', ...query })}`,
    );
  const exchange = (body: unknown, headers: Record<string, string> = { authorization: basic }) =>
    api(sb, 'POST', '/oauth/access_token', { headers, body });

  async function codeFor(scope = 'public private upload edit'): Promise<string> {
    const r = await authorize({ redirect_uri: REDIRECT, state: 'xyz', scope });
    assert.equal(r.status, 302);
    const back = new URL(String(r.headers.location));
    assert.equal(`${back.origin}${back.pathname}`, REDIRECT);
    assert.equal(back.searchParams.get('state'), 'xyz');
    return back.searchParams.get('code')!;
  }

  test('a code is exchanged once for a token that does not expire and names its user, app and scope', async () => {
    const code = await codeFor();
    const r = await exchange({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/vnd.vimeo.auth+json');
    const answer = r.json();
    assert.match(answer.access_token, /^[0-9a-f]{32}$/);
    assert.equal(answer.token_type, 'bearer');
    assert.equal(answer.scope, 'public private upload edit');
    assert.deepEqual(answer.app, { name: 'Test app', uri: '/apps/app1' });
    assert.match(answer.user.uri, /^\/users\/\d+$/);
    assert.equal(answer.expires_in, undefined);
    assert.equal(answer.refresh_token, undefined);
    assert.equal((await api(sb, 'GET', '/me', { token: answer.access_token })).status, 200);
    const again = await exchange({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT });
    assert.equal(again.status, 400);
    assert.deepEqual(again.json(), {
      error: 'invalid_grant',
      error_description: 'The authorization code is invalid.',
    });
    const form = sb.requests.filter((e) => e.path === '/oauth/access_token');
    assert.equal(form[0]?.headers.authorization, 'Basic ***');
    assert.equal((form[0]!.json as { code: string }).code, '***', 'the code is a secret: not logged');
  });

  test('the redirect URI must be one the app registered, exactly; state is required', async () => {
    const elsewhere = await authorize({ redirect_uri: 'http://127.0.0.1:9999/callback', state: 's' });
    assert.equal(elsewhere.status, 400);
    assert.match(elsewhere.headers['content-type'] ?? '', /text\/html/);
    assert.equal((await authorize({ redirect_uri: REDIRECT })).status, 400);
    const badScope = await authorize({ redirect_uri: REDIRECT, state: 's', scope: 'public everything' });
    assert.equal(new URL(String(badScope.headers.location)).searchParams.get('error'), 'invalid_scope');
    const code = await codeFor();
    const wrong = await exchange({ grant_type: 'authorization_code', code, redirect_uri: `${REDIRECT}x` });
    assert.equal(wrong.json().error, 'invalid_grant');
  });

  test('the token endpoint wants the app’s Basic credentials and a JSON body', async () => {
    const code = await codeFor();
    const body = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT };
    const noClient = await exchange(body, {});
    assert.equal(noClient.status, 401);
    assert.equal(noClient.json().error, 'invalid_client');
    const badSecret = await exchange(body, {
      authorization: `Basic ${Buffer.from('app1:nope').toString('base64')}`,
    });
    assert.equal(badSecret.status, 401);
    const form = await api(sb, 'POST', '/oauth/access_token', {
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    });
    assert.equal(form.status, 400);
    assert.match(form.text, /Bad Request/);
    assert.equal(
      (await exchange({ ...body, grant_type: 'password' })).json().error,
      'unsupported_grant_type',
    );
    assert.equal((await exchange(body)).status, 200, 'the code was not used up by the refused requests');
  });

  test('a consent refused by a fault redirects with error and state; GET /oauth/verify tells the token', async () => {
    sb.faults.add({ on: 'auth', status: 403, reason: 'access_denied' });
    const denied = await authorize({ redirect_uri: REDIRECT, state: 'st' });
    const back = new URL(String(denied.headers.location));
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('state'), 'st');
    const token = sb.mintToken({ scopes: ['public', 'upload'] });
    const verified = await api(sb, 'GET', '/oauth/verify', { token });
    assert.equal(verified.status, 200);
    assert.equal(verified.json().scope, 'public upload');
    assert.equal((await api(sb, 'GET', '/oauth/verify', { token: 'nope' })).status, 401);
  });

  test('a token fault answers in OAuth’s shape, with Retry-After', async () => {
    sb.faults.add({ on: 'token', status: 503, retryAfter: 1 });
    const r = await exchange({ grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT });
    assert.equal(r.status, 503);
    assert.equal(r.headers['retry-after'], '1');
    assert.equal(r.json().error, 'server_error');
  });
});
