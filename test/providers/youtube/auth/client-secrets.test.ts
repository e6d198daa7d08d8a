// This file tests finding and validating client_secrets.json: search order, both shapes, endpoints and every error.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { VuploadError } from '../../../../src/errors.js';
import {
  GOOGLE_AUTH_URI,
  GOOGLE_REVOKE_URI,
  GOOGLE_TOKEN_URI,
  loadClientSecrets,
  parseClientSecrets,
} from '../../../../src/providers/youtube/auth/client-secrets.js';
import { assertSecretsHint, tempDir, writeJson } from '../../../auth/helpers.js';
import { repoRoot } from '../../../helpers/paths.js';

const installed = (id: string, extra: Record<string, unknown> = {}) => ({
  installed: { client_id: id, client_secret: 's3cr3t', redirect_uris: ['http://localhost'], ...extra },
});

/** Asserts an exit-3 error whose message names `file` and contains `what`, with the pointer to the docs. */
function assertSecretsError(error: unknown, file: string, what: RegExp): true {
  assert.ok(error instanceof VuploadError, `expected a VuploadError, got ${String(error)}`);
  assert.equal(error.exitCode, 3);
  assert.equal(error.code, 'clientSecrets');
  assert.ok(error.message.includes(file), `message should name ${file}: ${error.message}`);
  assert.match(error.message, what);
  assertSecretsHint(error.hint);
  return true;
}

describe('loadClientSecrets search order', () => {
  test('--client-secrets wins over VUPLOAD_CLIENT_SECRETS, ./client_secrets.json and the config directory', async () => {
    const dir = await tempDir();
    const cwd = join(dir, 'cwd');
    const configDir = join(dir, 'config');
    await mkdir(cwd);
    await mkdir(configDir);
    await writeJson(join(dir, 'flag.json'), installed('flag-id'));
    await writeJson(join(dir, 'env.json'), installed('env-id'));
    await writeJson(join(cwd, 'client_secrets.json'), installed('cwd-id'));
    await writeJson(join(configDir, 'client_secrets.json'), installed('config-id'));
    const env = { VUPLOAD_CLIENT_SECRETS: join(dir, 'env.json') };

    assert.equal(
      (await loadClientSecrets({ flag: join(dir, 'flag.json'), env, cwd, configDir })).clientId,
      'flag-id',
    );
    assert.equal((await loadClientSecrets({ env, cwd, configDir })).clientId, 'env-id');
    const fromCwd = await loadClientSecrets({ env: {}, cwd, configDir });
    assert.equal(fromCwd.clientId, 'cwd-id');
    assert.equal(fromCwd.path, join(cwd, 'client_secrets.json'));
    const fromConfig = await loadClientSecrets({ env: {}, cwd: dir, configDir });
    assert.equal(fromConfig.clientId, 'config-id');
  });

  test('a relative --client-secrets path is resolved against cwd', async () => {
    const dir = await tempDir();
    await writeJson(join(dir, 'mine.json'), installed('rel-id'));
    const secrets = await loadClientSecrets({
      flag: 'mine.json',
      env: {},
      cwd: dir,
      configDir: join(dir, 'c'),
    });
    assert.equal(secrets.path, join(dir, 'mine.json'));
  });

  test('a file named by the flag or the variable must exist: no falling through to ./client_secrets.json', async () => {
    const dir = await tempDir();
    await writeJson(join(dir, 'client_secrets.json'), installed('cwd-id'));
    const missing = join(dir, 'nope.json');
    await assert.rejects(loadClientSecrets({ flag: missing, env: {}, cwd: dir, configDir: dir }), (e) =>
      assertSecretsError(e, missing, /not found/),
    );
    await assert.rejects(
      loadClientSecrets({ env: { VUPLOAD_CLIENT_SECRETS: missing }, cwd: dir, configDir: dir }),
      (e) => assertSecretsError(e, missing, /not found/),
    );
  });

  test('nothing found names both places searched and the ways to point at a file', async () => {
    const dir = await tempDir();
    const configDir = join(dir, 'config');
    await assert.rejects(loadClientSecrets({ env: {}, cwd: dir, configDir }), (e) => {
      assertSecretsError(e, join(dir, 'client_secrets.json'), /--client-secrets/);
      assert.ok((e as Error).message.includes(join(configDir, 'client_secrets.json')));
      return true;
    });
  });

  test('an unreadable file (a directory here) names the file', async () => {
    const dir = await tempDir();
    const file = join(dir, 'client_secrets.json');
    await mkdir(file);
    await assert.rejects(loadClientSecrets({ env: {}, cwd: dir, configDir: dir }), (e) =>
      assertSecretsError(e, file, /cannot be read \(EISDIR\)/),
    );
  });
});

describe('parseClientSecrets', () => {
  test("the installed shape keeps its endpoints; revoke is Google's when the token endpoint is Google's", () => {
    const s = parseClientSecrets(
      JSON.stringify(
        installed('id-1', {
          auth_uri: 'https://accounts.google.com/o/oauth2/auth',
          token_uri: GOOGLE_TOKEN_URI,
        }),
      ),
      '/x/cs.json',
    );
    assert.deepEqual(s, {
      clientId: 'id-1',
      clientSecret: 's3cr3t',
      authUri: 'https://accounts.google.com/o/oauth2/auth',
      tokenUri: GOOGLE_TOKEN_URI,
      revokeUri: GOOGLE_REVOKE_URI,
      redirectUris: ['http://localhost'],
      shape: 'installed',
      path: '/x/cs.json',
    });
  });

  test("the web shape with empty auth_uri/token_uri (Google's classic sample) gets Google's endpoints", () => {
    const text = JSON.stringify({
      web: { client_id: 'web-id', client_secret: 'w', redirect_uris: [], auth_uri: '', token_uri: '' },
    });
    const s = parseClientSecrets(text, 'cs.json');
    assert.equal(s.shape, 'web');
    assert.equal(s.authUri, GOOGLE_AUTH_URI);
    assert.equal(s.tokenUri, GOOGLE_TOKEN_URI);
    assert.equal(s.revokeUri, GOOGLE_REVOKE_URI);
  });

  test("another issuer's revoke endpoint is <origin>/revoke unless the file has revoke_uri", () => {
    const other = parseClientSecrets(
      JSON.stringify(installed('i', { token_uri: 'http://127.0.0.1:4000/oauth/token' })),
      'cs.json',
    );
    assert.equal(other.revokeUri, 'http://127.0.0.1:4000/revoke');
    const explicit = parseClientSecrets(
      JSON.stringify(
        installed('i', {
          token_uri: 'http://127.0.0.1:4000/t',
          revoke_uri: 'http://127.0.0.1:4000/o/revoke',
        }),
      ),
      'cs.json',
    );
    assert.equal(explicit.revokeUri, 'http://127.0.0.1:4000/o/revoke');
  });

  const bad: [string, string, RegExp][] = [
    ['bad JSON', '{"installed": {', /not valid JSON/],
    ['neither shape', JSON.stringify({ other: {} }), /neither an "installed" nor a "web"/],
    ['no client_id', JSON.stringify({ installed: { client_secret: 'x' } }), /no installed\.client_id/],
    ['no client_secret', JSON.stringify({ web: { client_id: 'x' } }), /no web\.client_secret/],
    ["Google's sample placeholder", JSON.stringify(installed('[[INSERT CLIENT ID HERE]]')), /placeholder/],
    [
      'example id placeholder',
      JSON.stringify(installed('YOUR_CLIENT_ID.apps.googleusercontent.com')),
      /placeholder/,
    ],
    [
      'example secret placeholder',
      JSON.stringify({ installed: { client_id: 'real', client_secret: 'YOUR_CLIENT_SECRET' } }),
      /client_secret is still the placeholder/,
    ],
    [
      'token_uri not a URL',
      JSON.stringify(installed('i', { token_uri: 'token' })),
      /"token_uri" is not an http/,
    ],
  ];
  for (const [name, text, what] of bad) {
    test(`${name}: exit 3, names the file, says what is wrong`, () => {
      assert.throws(
        () => parseClientSecrets(text, '/home/u/client_secrets.json'),
        (e) => assertSecretsError(e, '/home/u/client_secrets.json', what),
      );
    });
  }

  test('the shipped client_secrets.example.json is refused as still holding placeholders', async () => {
    const file = join(repoRoot, 'client_secrets.example.json');
    await assert.rejects(
      loadClientSecrets({ flag: file, env: {}, cwd: repoRoot, configDir: repoRoot }),
      (e) => assertSecretsError(e, file, /placeholder/),
    );
  });

  test('error messages never contain the client secret', () => {
    const text = JSON.stringify({
      installed: { client_id: 'YOUR_CLIENT_ID', client_secret: 'TOPSECRETVALUE' },
    });
    assert.throws(
      () => parseClientSecrets(text, 'cs.json'),
      (e: unknown) => !(e as Error).message.includes('TOPSECRETVALUE'),
    );
  });
});
