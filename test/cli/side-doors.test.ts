// This file tests that OAuth credentials go only over HTTPS or to this machine, and only to the hosts they belong to.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CliEnv, cliEnv, playBrowser, type YoukuCliEnv, youkuCliEnv } from './env.js';
import { makeVideo } from './video-file.js';

/** `.invalid` never resolves (RFC 6761): the old code failed there with a network error after sending nothing. */
const FOREIGN_HTTP = 'http://api.example.invalid';

describe('credentials go over HTTPS, or over plain HTTP to this machine only', () => {
  let t: CliEnv;
  let video: string;
  before(async () => {
    t = await cliEnv();
    await t.login();
    video = await makeVideo(join(t.dir, 'side.mp4'), 100_000);
  });
  after(() => t.close());

  test('a plain-HTTP API address off this machine is refused with exit 2 before any request', async () => {
    const mark = t.sb.requests.length;
    const viaEnv = await t.run(['--file', video, '--title', 'x'], { env: { VUPLOAD_API_URL: FOREIGN_HTTP } });
    assert.equal(viaEnv.code, 2, viaEnv.stderr);
    assert.match(viaEnv.stderr, /VUPLOAD_API_URL http:\/\/api\.example\.invalid is plain HTTP/);
    assert.match(viaEnv.stderr, /nothing was sent/);
    const viaFlag = await t.run(['status', 'abcdefghijk', '--api-url', `${FOREIGN_HTTP}/`]);
    assert.equal(viaFlag.code, 2, viaFlag.stderr);
    assert.match(viaFlag.stderr, /--api-url http:\/\/api\.example\.invalid is plain HTTP/);
    assert.deepEqual(t.since(mark), [], 'not even a token refresh was sent');
    assert.doesNotMatch(viaEnv.stderr + viaFlag.stderr, /ya29|Bearer/);
  });

  test('client secrets whose token_uri is plain HTTP off this machine stop the login before the browser opens', async () => {
    const secrets = t.sb.clientSecrets();
    secrets.installed.token_uri = 'http://oauth.example.invalid/token';
    const file = join(t.dir, 'insecure_secrets.json');
    await writeFile(file, JSON.stringify(secrets));
    let opened = false;
    const result = await t.run(['auth', 'login', '--profile', 'insecure'], {
      env: { VUPLOAD_CLIENT_SECRETS: file },
      openUrl: async () => {
        opened = true;
      },
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /"token_uri" http:\/\/oauth\.example\.invalid\/token is plain HTTP/);
    assert.equal(opened, false, 'no browser was sent to consent');
  });

  test('logout --revoke and import refuse a token endpoint that is plain HTTP off this machine', async () => {
    const tokens = join(t.env.VUPLOAD_CONFIG_DIR!, 'tokens');
    const stored = JSON.parse(await readFile(join(tokens, 'default.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    await writeFile(
      join(tokens, 'odd.json'),
      JSON.stringify({ ...stored, profile: 'odd', token_uri: 'http://oauth.example.invalid/token' }),
    );
    const logout = await t.run(['auth', 'logout', '--revoke', '--profile', 'odd']);
    assert.equal(logout.code, 2, logout.stderr);
    assert.match(logout.stderr, /revoke endpoint http:\/\/oauth\.example\.invalid\/revoke is plain HTTP/);
    await readFile(join(tokens, 'odd.json')); // refused before anything was removed

    const foreign = join(t.dir, 'oauth2client.json');
    await writeFile(
      foreign,
      JSON.stringify({
        _class: 'OAuth2Credentials',
        client_id: t.sb.clientSecrets().installed.client_id,
        refresh_token: '1//x',
        token_uri: 'http://oauth.example.invalid/token',
      }),
    );
    const imported = await t.run(['auth', 'import', foreign, '--profile', 'imported']);
    assert.equal(imported.code, 2, imported.stderr);
    assert.match(imported.stderr, /token_uri of .*oauth2client\.json http:\/\/oauth\.example\.invalid/);
  });
});

describe("an upload session must live on the API's host", () => {
  let t: CliEnv;
  let elsewhere: ReturnType<typeof createServer>;
  const seen: string[] = [];
  before(async () => {
    // Another server on this machine: the sandbox names it as the session's host, as a hostile API could.
    elsewhere = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(400).end();
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const { port } = elsewhere.address() as AddressInfo;
    t = await cliEnv({ sessionOrigin: `http://127.0.0.1:${port}` });
    await t.login();
  });
  after(async () => {
    await t.close();
    await new Promise((resolve) => elsewhere.close(resolve));
  });

  test('a Location on another host is a protocol error: nothing is sent there and no session is kept', async () => {
    const file = await makeVideo(join(t.dir, 'steered.mp4'), 300_000);
    const mark = t.sb.requests.length;
    const result = await t.run(['--file', file]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /upload session at http:\/\/127\.0\.0\.1:\d+, which is neither the API's host/,
    );
    assert.deepEqual(seen, [], 'the bearer token never reached the other host');
    assert.deepEqual(
      t.since(mark).map((r) => r.kind),
      ['upload-init'],
    );
    // Nothing was kept to be resumed (and refused) by the next run.
    const again = await t.run(['--file', file]);
    assert.doesNotMatch(again.stderr, /Resuming/);
    assert.deepEqual(seen, []);
  });
});

describe("Youku's API and OAuth addresses follow the same rule", () => {
  let y: YoukuCliEnv;
  before(async () => {
    y = await youkuCliEnv();
  });
  after(() => y.close());

  test('a plain-HTTP Youku API or OAuth address off this machine is refused with exit 2, nothing sent', async () => {
    const login = await y.run(['auth', 'login', '--provider', 'youku'], { openUrl: playBrowser });
    assert.equal(login.code, 0, login.stderr);
    await mkdir(join(y.dir, 'v'), { recursive: true });
    const file = await makeVideo(join(y.dir, 'v', 'clip.mp4'), 100_000);
    const mark = y.sb.requests.length;
    const upload = await y.run([
      '--provider',
      'youku',
      '--file',
      file,
      '--tags',
      'a',
      '--api-url',
      FOREIGN_HTTP,
    ]);
    assert.equal(upload.code, 2, upload.stderr);
    assert.match(upload.stderr, /Youku API URL http:\/\/api\.example\.invalid is plain HTTP/);
    let opened = false;
    const relogin = await y.run(['auth', 'login', '--provider', 'youku'], {
      env: { VUPLOAD_YOUKU_OAUTH_URL: 'http://oauth.example.invalid/v2' },
      openUrl: async () => {
        opened = true;
      },
    });
    assert.equal(relogin.code, 2, relogin.stderr);
    assert.match(relogin.stderr, /Youku OAuth URL .*http:\/\/oauth\.example\.invalid\/v2 is plain HTTP/);
    assert.equal(opened, false);
    assert.equal(y.sb.requests.length, mark, 'nothing reached the Youku emulator either');
  });
});
