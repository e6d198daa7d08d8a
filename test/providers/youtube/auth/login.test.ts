// This file tests the loopback login end to end against the sandbox's OAuth endpoints, with a scripted browser.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { readToken } from '../../../../src/auth/token-store.js';
import { VuploadError } from '../../../../src/errors.js';
import { login } from '../../../../src/providers/youtube/auth/login.js';
import { DEFAULT_SCOPES, UPLOAD_ONLY_SCOPES } from '../../../../src/providers/youtube/auth/scopes.js';
import { tempDir } from '../../../auth/helpers.js';
import { browser, consent, sandbox } from '../../../auth/sandbox-helpers.js';

const NO_BROWSER = () => assert.fail('no browser may be opened');

describe('login against the sandbox', () => {
  test('the loopback flow with state and PKCE saves a 0600 token and reports the granted scopes', async () => {
    const { sb, secrets } = await sandbox();
    const configDir = await tempDir();
    const pages: { status: number; text: string }[] = [];
    const lines: string[] = [];
    const result = await login({
      secrets,
      profile: 'default',
      configDir,
      openBrowser: browser(pages),
      log: (l) => lines.push(l),
    });
    assert.deepEqual(result.scopes, [...DEFAULT_SCOPES].sort());
    assert.deepEqual(result.missingScopes, []);
    assert.equal(result.replaced, false);
    assert.ok(result.expiryDate && result.expiryDate > Date.now());
    assert.deepEqual(
      pages.map((p) => p.status),
      [200],
    );
    assert.match(pages[0].text, /close this tab/);

    const auth = sb.requests.find((r) => r.kind === 'auth');
    assert.ok(auth, 'the authorization endpoint was visited');
    assert.equal(auth.query.code_challenge_method, 'S256');
    assert.match(String(auth.query.code_challenge), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(auth.query.access_type, 'offline');
    assert.equal(auth.query.prompt, 'consent');
    assert.match(String(auth.query.redirect_uri), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(auth.query.state, 'a state was sent');
    const exchange = sb.requests.find(
      (r) => r.kind === 'token' && r.form?.grant_type === 'authorization_code',
    );
    assert.ok(exchange?.form?.code_verifier, 'the PKCE verifier was sent with the code');
    assert.equal(exchange?.status, 200);

    const stored = await readToken(configDir, 'default');
    assert.ok(stored?.refresh_token && stored.access_token);
    assert.equal(stored.client_id, secrets.clientId);
    assert.equal(stored.token_uri, sb.tokenUri);
    assert.equal((await stat(result.tokenFile)).mode & 0o777, 0o600);
    const shown = JSON.stringify({ result, lines });
    assert.ok(
      !shown.includes(stored.access_token) && !shown.includes(stored.refresh_token),
      'a token was shown',
    );
  });

  test('a forged-state request to the listener is refused with 400 and the login still completes', async () => {
    const { secrets } = await sandbox();
    const lines: string[] = [];
    let forgedStatus = 0;
    const result = await login({
      secrets,
      profile: 'default',
      configDir: await tempDir(),
      log: (l) => lines.push(l),
      openBrowser: async (authUrl) => {
        const listener = new URL(authUrl).searchParams.get('redirect_uri');
        const forged = await fetch(`${listener}/?state=forged&code=attacker-code`);
        forgedStatus = forged.status;
        await forged.text();
        await browser()(authUrl);
      },
    });
    assert.equal(forgedStatus, 400);
    assert.ok(lines.some((l) => /Refused a request/.test(l)));
    assert.equal(result.profile, 'default');
  });

  test('denied consent ends the login with exit 3 and saves nothing', async () => {
    const { sb, secrets } = await sandbox();
    sb.faults.add({ on: 'auth', reason: 'access_denied', status: 403 });
    const configDir = await tempDir();
    const pages: { status: number; text: string }[] = [];
    await assert.rejects(
      login({
        secrets,
        profile: 'default',
        configDir,
        openBrowser: browser(pages),
        log: () => {},
        timeoutMs: 5000,
      }),
      (e: unknown) => e instanceof VuploadError && e.code === 'accessDenied' && e.exitCode === 3,
    );
    assert.match(pages[0]?.text ?? '', /not completed/);
    assert.equal(await readToken(configDir, 'default'), undefined);
  });

  test('--no-browser: the address pasted on input finishes the login; junk and foreign addresses are refused', async () => {
    const { secrets } = await sandbox();
    const input = new PassThrough();
    const lines: string[] = [];
    const remoteUser = async (line: string) => {
      // The browser is elsewhere: it consents, fails to reach 127.0.0.1, and the user copies its address bar.
      const address = await consent(line);
      const foreign = new URL(address);
      foreign.searchParams.set('state', 'from-another-login');
      input.write('not an address\n');
      input.write(`${foreign}\n`);
      input.write(`  ${address}  \n`);
    };
    let pending: Promise<void> = Promise.resolve();
    const result = await login({
      secrets,
      profile: 'remote',
      configDir: await tempDir(),
      noBrowser: true,
      input,
      openBrowser: NO_BROWSER,
      log: (l) => {
        lines.push(l);
        if (l.startsWith(secrets.authUri)) pending = remoteUser(l);
      },
      timeoutMs: 5000,
    });
    await pending;
    assert.equal(result.profile, 'remote');
    assert.ok(lines.some((l) => /paste here/.test(l)));
    assert.ok(lines.some((l) => /not an address/.test(l)));
    assert.ok(lines.some((l) => /does not belong to this login/.test(l)));
  });

  test('--scope upload asks for youtube.upload only and reports just that', async () => {
    const { sb, secrets } = await sandbox();
    const result = await login({
      secrets,
      profile: 'up',
      configDir: await tempDir(),
      scopes: UPLOAD_ONLY_SCOPES,
      openBrowser: browser(),
      log: () => {},
    });
    assert.deepEqual(result.scopes, [...UPLOAD_ONLY_SCOPES]);
    const auth = sb.requests.find((r) => r.kind === 'auth');
    assert.equal(auth?.query.scope, UPLOAD_ONLY_SCOPES[0]);
  });

  test('a refused code exchange is an exit-3 error and saves nothing', async () => {
    const { sb, secrets } = await sandbox();
    sb.faults.add({ on: 'token', status: 400, reason: 'invalid_grant' });
    const configDir = await tempDir();
    await assert.rejects(
      login({ secrets, profile: 'default', configDir, openBrowser: browser(), log: () => {} }),
      (e: unknown) => e instanceof VuploadError && e.code === 'invalidGrant' && e.exitCode === 3,
    );
    assert.equal(await readToken(configDir, 'default'), undefined);
  });
});
