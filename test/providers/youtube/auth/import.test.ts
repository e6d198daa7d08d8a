// This file tests importing logins saved by Google's Python sample (oauth2client) and by youtubeuploader (Go oauth2).
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readToken } from '../../../../src/auth/token-store.js';
import { VuploadError } from '../../../../src/errors.js';
import { importCredentials, parseForeignCredentials } from '../../../../src/providers/youtube/auth/import.js';
import { offlineSecrets, tempDir, writeJson } from '../../../auth/helpers.js';

/** What oauth2client.file.Storage writes (Google's upload_video.py sample keeps it as `<script>-oauth2.json`). */
const oauth2client = {
  access_token: 'ya29.PY-ACCESS',
  client_id: '123-abc.apps.googleusercontent.com',
  client_secret: 'GOCSPX-PYSECRET',
  refresh_token: '1//PY-REFRESH',
  token_expiry: '2024-03-01T10:00:00Z',
  token_uri: 'https://oauth2.googleapis.com/token',
  user_agent: null,
  revoke_uri: 'https://oauth2.googleapis.com/revoke',
  id_token: null,
  id_token_jwt: null,
  token_response: {
    access_token: 'ya29.PY-ACCESS',
    expires_in: 3599,
    refresh_token: '1//PY-REFRESH',
    scope: 'https://www.googleapis.com/auth/youtube.upload',
    token_type: 'Bearer',
  },
  scopes: ['https://www.googleapis.com/auth/youtube.upload'],
  token_info_uri: 'https://oauth2.googleapis.com/tokeninfo',
  invalid: false,
  _class: 'OAuth2Credentials',
  _module: 'oauth2client.client',
};

/** youtubeuploader's request.token: Go's oauth2.Token marshalled, expiry in RFC 3339 with nanoseconds. */
const goToken = {
  access_token: 'ya29.GO-ACCESS',
  token_type: 'Bearer',
  refresh_token: '1//GO-REFRESH',
  expiry: '2024-05-01T12:34:56.123456789+02:00',
};

const SECRET_VALUES = ['PY-ACCESS', 'PY-REFRESH', 'PYSECRET', 'GO-ACCESS', 'GO-REFRESH'];

function assertImportError(e: unknown, file: string, what: RegExp): true {
  assert.ok(e instanceof VuploadError);
  assert.equal(e.code, 'importInvalid');
  assert.equal(e.exitCode, 2);
  assert.ok(e.message.includes(file), e.message);
  assert.match(e.message, what);
  for (const secret of SECRET_VALUES) assert.ok(!`${e.message} ${e.hint}`.includes(secret), 'leaked a token');
  return true;
}

describe('importCredentials', () => {
  test('an oauth2client Storage file becomes a profile with its client id, scopes and expiry', async () => {
    const dir = await tempDir();
    const file = await writeJson(join(dir, 'upload_video.py-oauth2.json'), oauth2client);
    const result = await importCredentials({ file, profile: 'py', configDir: dir, now: () => 0 });
    assert.deepEqual(result, {
      profile: 'py',
      format: 'oauth2client',
      clientId: '123-abc.apps.googleusercontent.com',
      scopes: ['https://www.googleapis.com/auth/youtube.upload'],
      expiryDate: Date.UTC(2024, 2, 1, 10),
      tokenFile: join(dir, 'tokens', 'py.json'),
      replaced: false,
    });
    const stored = await readToken(dir, 'py');
    assert.equal(stored?.refresh_token, '1//PY-REFRESH');
    assert.equal(stored?.access_token, 'ya29.PY-ACCESS');
    assert.equal(stored?.token_uri, 'https://oauth2.googleapis.com/token');
    assert.equal(stored?.source, 'import:oauth2client');
    assert.equal((await stat(result.tokenFile)).mode & 0o777, 0o600);
  });

  test('a Go oauth2 token takes its client from the client secrets and keeps nanosecond expiry', async () => {
    const dir = await tempDir();
    const file = await writeJson(join(dir, 'request.token'), goToken);
    const secrets = offlineSecrets();
    const result = await importCredentials({ file, profile: 'go', configDir: dir, secrets });
    assert.equal(result.format, 'go-oauth2');
    assert.equal(result.clientId, secrets.clientId);
    assert.equal(result.expiryDate, Date.UTC(2024, 4, 1, 10, 34, 56, 123));
    assert.deepEqual(result.scopes, []);
    const stored = await readToken(dir, 'go');
    assert.equal(stored?.refresh_token, '1//GO-REFRESH');
    assert.equal(stored?.token_uri, secrets.tokenUri);
  });

  test("Go's zero expiry means unknown, and a second import says it replaced the login", async () => {
    const dir = await tempDir();
    const file = await writeJson(join(dir, 'request.token'), { ...goToken, expiry: '0001-01-01T00:00:00Z' });
    const first = await importCredentials({
      file,
      profile: 'default',
      configDir: dir,
      secrets: offlineSecrets(),
    });
    assert.equal(first.expiryDate, null);
    assert.equal(first.replaced, false);
    const again = await importCredentials({
      file,
      profile: 'default',
      configDir: dir,
      secrets: offlineSecrets(),
    });
    assert.equal(again.replaced, true);
  });

  test('a Go token without client secrets is refused: it does not name its client', async () => {
    const dir = await tempDir();
    const file = await writeJson(join(dir, 'request.token'), goToken);
    await assert.rejects(importCredentials({ file, profile: 'go', configDir: dir }), (e) =>
      assertImportError(e, file, /does not say which OAuth client/),
    );
  });

  test('oauth2client credentials of another client than the secrets are refused', async () => {
    const dir = await tempDir();
    const file = await writeJson(join(dir, 'creds.json'), oauth2client);
    await assert.rejects(
      importCredentials({ file, profile: 'p', configDir: dir, secrets: offlineSecrets() }),
      (e) => assertImportError(e, file, /another OAuth client/),
    );
    assert.equal(await readToken(dir, 'p'), undefined);
  });

  const bad: [string, unknown, RegExp][] = [
    ['unknown shape', { installed: { client_id: 'x' } }, /unknown credentials format/],
    ['not JSON', '{"access_token": ', /not valid JSON/],
    ['oauth2client without refresh_token', { ...oauth2client, refresh_token: null }, /no refresh_token/],
    ['Go token without refresh_token', { ...goToken, refresh_token: '' }, /no refresh_token/],
  ];
  for (const [name, content, what] of bad) {
    test(`${name}: a usage error naming the file, without token values`, async () => {
      const dir = await tempDir();
      const file = await writeJson(join(dir, 'in.json'), content);
      await assert.rejects(
        importCredentials({ file, profile: 'x', configDir: dir, secrets: offlineSecrets() }),
        (e) => assertImportError(e, file, what),
      );
    });
  }

  test('a missing file is named', async () => {
    const dir = await tempDir();
    const file = join(dir, 'absent.json');
    await assert.rejects(importCredentials({ file, profile: 'x', configDir: dir }), (e) =>
      assertImportError(e, file, /file not found/),
    );
  });

  test('the format is recognised from the keys alone', () => {
    assert.equal(parseForeignCredentials(JSON.stringify(oauth2client), 'f').format, 'oauth2client');
    assert.equal(parseForeignCredentials(JSON.stringify(goToken), 'f').format, 'go-oauth2');
  });
});
