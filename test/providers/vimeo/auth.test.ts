// This file logs in to the Vimeo emulator both ways (the OAuth code flow with a fixed --port for the registered
// callback URL, and a personal access token) and checks auth status, list and logout for Vimeo.
import assert from 'node:assert/strict';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { VIMEO_SANDBOX_APP } from '../../../src/sandbox/vimeo/index.js';
import { makeVideo } from '../../cli/video-file.js';
import { jsonLines } from '../../helpers/cli.js';
import { type VimeoWorld, vimeoWorld } from './helpers.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let w: VimeoWorld;
let port: number;
before(async () => {
  port = await freePort();
  // An app that registered one callback URL, as Vimeo apps do: the login must use exactly that address.
  w = await vimeoWorld(
    { apps: [{ ...VIMEO_SANDBOX_APP, redirectUris: [`http://127.0.0.1:${port}`] }] },
    false,
  );
});
after(() => w.close());

const tokenFile = (profile: string) => join(w.env.VUPLOAD_CONFIG_DIR!, 'vimeo-tokens', `${profile}.json`);

describe('Vimeo login', () => {
  test('the OAuth code flow with --port (the registered callback): the token saved 0600 for this API', async () => {
    const r = await w.run([
      'auth',
      'login',
      '--provider',
      'vimeo',
      '--profile',
      'oauth',
      '--port',
      String(port),
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const [line] = jsonLines(r.stdout);
    assert.equal(line!.provider, 'vimeo');
    assert.equal(line!.tokenFile, tokenFile('oauth'));
    assert.equal((await stat(tokenFile('oauth'))).mode & 0o777, 0o600);
    const saved = JSON.parse(await readFile(tokenFile('oauth'), 'utf8'));
    assert.equal(saved.source, 'login');
    assert.equal(saved.api_url, w.sb.url);
    assert.doesNotMatch(r.stdout + r.stderr, new RegExp(saved.access_token));
    const token = w.sb.requests.find((e) => e.path === '/oauth/access_token')!;
    assert.match(token.headers.authorization ?? '', /^basic \*\*\*$/i);
    const status = await w.run(['auth', 'status', '--provider', 'vimeo', '--profile', 'oauth', '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(jsonLines(status.stdout)[0]!.source, 'login');
  });

  test('another port than the registered one: Vimeo refuses the callback and the login ends (exit 3)', async () => {
    const r = await w.run([
      'auth',
      'login',
      '--provider',
      'vimeo',
      '--profile',
      'wrongport',
      '--timeout',
      '1',
    ]);
    assert.equal(r.code, 3, r.stderr);
    await assert.rejects(stat(tokenFile('wrongport')));
  });

  test('a personal access token from --token-file (or as the argument), checked with Vimeo before it is saved', async () => {
    const file = join(w.dir, 'pat.txt');
    await writeFile(file, `${w.token}\n`, { mode: 0o600 });
    const r = await w.run([
      'auth',
      'import',
      '--provider',
      'vimeo',
      '--profile',
      'pat',
      '--token-file',
      file,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Logged in to Vimeo as Sandbox User: profile "pat"/);
    assert.equal((await stat(tokenFile('pat'))).mode & 0o777, 0o600);
    assert.equal(JSON.parse(await readFile(tokenFile('pat'), 'utf8')).source, 'import');
    const positional = await w.run(['auth', 'import', file, '--provider', 'vimeo', '--profile', 'pat2']);
    assert.equal(positional.code, 0, positional.stderr);
    const login = await w.run([
      'auth',
      'login',
      '--provider',
      'vimeo',
      '--profile',
      'pat3',
      '--token-file',
      file,
    ]);
    assert.equal(login.code, 0, login.stderr);
  });

  test('a token file others can read, or a token Vimeo refuses, is not imported', async () => {
    const open = join(w.dir, 'open.txt');
    await writeFile(open, `${w.token}\n`);
    await chmod(open, 0o644);
    const r = await w.run([
      'auth',
      'import',
      '--provider',
      'vimeo',
      '--profile',
      'bad',
      '--token-file',
      open,
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /other users can read it/);
    const revoked = w.sb.mintToken();
    w.sb.revokeToken(revoked);
    const file = join(w.dir, 'revoked.txt');
    await writeFile(file, revoked, { mode: 0o600 });
    const refused = await w.run([
      'auth',
      'import',
      '--provider',
      'vimeo',
      '--profile',
      'bad',
      '--token-file',
      file,
    ]);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /The token was not saved/);
    await assert.rejects(stat(tokenFile('bad')));
  });

  test('VUPLOAD_VIMEO_TOKEN logs in without a saved login', async () => {
    const env = { VUPLOAD_VIMEO_TOKEN: w.token };
    const status = await w.run(
      ['auth', 'status', '--provider', 'vimeo', '--profile', 'nobody-saved', '--json'],
      {
        env,
      },
    );
    assert.equal(status.code, 0, status.stderr);
    assert.equal(jsonLines(status.stdout)[0]!.source, 'env');
    const file = await makeVideo(join(w.dir, 'env.mp4'), 20_000);
    const r = await w.run(['upload', file, '--provider', 'vimeo', '--profile', 'nobody-saved'], { env });
    assert.equal(r.code, 0, r.stderr);
  });

  test('not logged in: status exits 3 (--json says loggedIn false); an upload exits 3 naming both logins', async () => {
    const status = await w.run(['auth', 'status', '--provider', 'vimeo', '--profile', 'none', '--json']);
    assert.equal(status.code, 3);
    assert.equal(jsonLines(status.stdout)[0]!.loggedIn, false);
    const file = await makeVideo(join(w.dir, 'none.mp4'), 20_000);
    const r = await w.run(['upload', file, '--provider', 'vimeo', '--profile', 'none']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /vupload auth login --provider vimeo --profile none/);
    assert.match(r.stderr, /--token-file/);
  });

  test('a saved login is sent only to the API that issued it', async () => {
    const mark = w.sb.requests.length;
    const r = await w.run(['auth', 'status', '--provider', 'vimeo', '--profile', 'pat'], {
      env: { VUPLOAD_VIMEO_API_URL: 'http://127.0.0.1:9' },
    });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /is for http:\/\/127\.0\.0\.1:\d+, not http:\/\/127\.0\.0\.1:9/);
    assert.equal(w.since(mark).length, 0);
  });

  test('auth list shows the Vimeo logins; logout --revoke revokes the token at Vimeo and removes the file', async () => {
    const list = await w.run(['auth', 'list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const rows = jsonLines(list.stdout).filter((row) => row.provider === 'vimeo');
    assert.ok(
      rows.some(
        (row) => row.profile === 'pat' && (row.channel as { title: string }).title === 'Sandbox User',
      ),
    );
    // Vimeo's tokens neither expire nor refresh: the list says so, not "expires unknown (refreshed automatically)".
    const human = await w.run(['auth', 'list']);
    assert.equal(human.code, 0, human.stderr);
    const lines = human.stdout.split('\n');
    const at = lines.findIndex((line) => line.startsWith('pat\tvimeo\t'));
    assert.match(lines[at + 1] ?? '', /the token does not expire \(it lasts until revoked/);
    assert.doesNotMatch(lines[at + 1] ?? '', /refreshed/);
    const saved = JSON.parse(await readFile(tokenFile('oauth'), 'utf8'));
    const r = await w.run([
      'auth',
      'logout',
      '--provider',
      'vimeo',
      '--profile',
      'oauth',
      '--revoke',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(jsonLines(r.stdout)[0], {
      profile: 'oauth',
      provider: 'vimeo',
      removed: true,
      revoke: true,
    });
    await assert.rejects(stat(tokenFile('oauth')));
    const file = join(w.dir, 'old.txt');
    await writeFile(file, saved.access_token, { mode: 0o600 });
    const again = await w.run([
      'auth',
      'import',
      '--provider',
      'vimeo',
      '--profile',
      'oauth',
      '--token-file',
      file,
    ]);
    assert.equal(again.code, 3, 'the revoked token no longer works');
  });
});
