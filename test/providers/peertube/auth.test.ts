// This file drives PeerTube's login through the CLI against the emulator: where the password may come from, two-
// factor, a wrong password, auth status/list/logout, and that no password or token ever reaches any output.
import assert from 'node:assert/strict';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { makeVideo } from '../../cli/video-file.js';
import { jsonLines } from '../../helpers/cli.js';
import { PEERTUBE_SANDBOX_USER, type PtEnv, ptEnv } from './helpers.js';

const PASSWORD = PEERTUBE_SANDBOX_USER.password;
const login = ['auth', 'login', '--provider', 'peertube', '--username', 'sandbox'];

describe('vupload auth --provider peertube', () => {
  let t: PtEnv;
  before(async () => {
    t = await ptEnv();
  });
  after(() => t.close());

  test('logs in with VUPLOAD_PEERTUBE_PASSWORD: client, password grant, a 0600 token file with the instance', async () => {
    const mark = t.sb.requests.length;
    const r = await t.run([...login, '--json'], { env: { VUPLOAD_PEERTUBE_PASSWORD: PASSWORD } });
    assert.equal(r.code, 0, r.stderr);
    const { tokenFile, instance, username } = JSON.parse(r.stdout);
    assert.equal(instance, t.sb.url);
    assert.equal(username, 'sandbox');
    assert.equal((await stat(tokenFile)).mode & 0o777, 0o600);
    const saved = JSON.parse(await readFile(tokenFile, 'utf8'));
    assert.equal(saved.instance, t.sb.url);
    assert.ok(!JSON.stringify(saved).includes(PASSWORD), 'the password is never stored');
    assert.deepEqual(
      t.since(mark).map((q) => `${q.method} ${q.path}`),
      ['GET /api/v1/oauth-clients/local', 'POST /api/v1/users/token'],
    );
    assert.equal(t.since(mark)[1]!.form?.grant_type, 'password');
    const status = await t.run(['auth', 'status', '--provider', 'peertube', '--json']);
    assert.equal(status.code, 0, status.stderr);
    const view = JSON.parse(status.stdout);
    assert.equal(view.username, 'sandbox');
    assert.deepEqual(
      view.channels.map((c: { name: string }) => c.name),
      ['sandbox_channel'],
    );
    const list = await t.run(['auth', 'list', '--json']);
    assert.ok(jsonLines<{ provider: string }>(list.stdout).some((row) => row.provider === 'peertube'));
  });

  test('--password-file: read when only its owner can read it, refused (exit 2, nothing sent) otherwise', async () => {
    const file = join(t.dir, 'pt-password');
    await writeFile(file, `${PASSWORD}\n`);
    await chmod(file, 0o644);
    const mark = t.sb.requests.length;
    const loose = await t.run([...login, '--password-file', file, '--profile', 'pf']);
    assert.equal(loose.code, 2, loose.stderr);
    assert.match(loose.stderr, /--password-file .*mode 0644/);
    assert.equal(t.since(mark).length, 0, 'nothing was sent');
    await chmod(file, 0o600);
    const ok = await t.run([...login, '--password-file', file, '--profile', 'pf']);
    assert.equal(ok.code, 0, ok.stderr);
    // The password file is a credential file: never content of an upload.
    const asDescription = await t.run([
      'upload',
      '--provider',
      'peertube',
      '--profile',
      'pf',
      '--dry-run',
      '--description-file',
      file,
      await makeVideo(join(t.dir, 'pf.mp4'), 1000),
    ]);
    assert.equal(asDescription.code, 2);
    assert.match(asDescription.stderr, /password file of a PeerTube login|credential/);
  });

  test('no password source and no terminal: exit 2 saying where a password may come from; never a flag value', async () => {
    const r = await t.run([...login, '--profile', 'nopw']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--password-file FILE .*VUPLOAD_PEERTUBE_PASSWORD/);
    const flag = await t.run([...login, '--password', PASSWORD, '--profile', 'nopw']);
    assert.equal(flag.code, 2);
    assert.ok(!flag.stderr.includes(PASSWORD), 'a password given as a flag is not repeated');
  });

  test('at a terminal the password is asked for and never echoed', async () => {
    const stdin = new PassThrough();
    const r = t.run([...login, '--profile', 'tty'], {
      tty: true,
      stdin,
      onStderr: (text) => {
        if (text.includes('Password of sandbox')) stdin.write(`${PASSWORD}\n`);
      },
    });
    const result = await r;
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!result.stderr.includes(PASSWORD) && !result.stdout.includes(PASSWORD));
  });

  test('a wrong password is a login error: exit 3 quoting PeerTube, the password nowhere', async () => {
    const r = await t.run([...login, '--profile', 'wrong', '--verbose'], {
      env: { VUPLOAD_PEERTUBE_PASSWORD: 'not-the-password' },
    });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /Invalid grant: user credentials are invalid/);
    assert.ok(!r.stderr.includes('not-the-password'));
  });

  test('two-factor: the code is asked for at the terminal and sent in x-peertube-otp', async () => {
    t.sb.setUser('otto', { password: 'otto-password', twoFactor: true });
    const noTty = await t.run(
      ['auth', 'login', '--provider', 'peertube', '--username', 'otto', '--profile', 'otto'],
      {
        env: { VUPLOAD_PEERTUBE_PASSWORD: 'otto-password' },
      },
    );
    assert.equal(noTty.code, 3, noTty.stderr);
    assert.match(noTty.stderr, /two-factor/);
    const stdin = new PassThrough();
    const code = t.sb.otp('otto');
    const r = await t.run(
      ['auth', 'login', '--provider', 'peertube', '--username', 'otto', '--profile', 'otto'],
      {
        tty: true,
        stdin,
        env: { VUPLOAD_PEERTUBE_PASSWORD: 'otto-password' },
        onStderr: (text) => {
          if (text.includes('Two-factor code')) stdin.write(`${code}\n`);
        },
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const last = t.sb.requests.filter((q) => q.path === '/api/v1/users/token').at(-1)!;
    assert.equal(last.headers['x-peertube-otp'], '***');
    assert.ok(!r.stderr.includes(code));
  });

  test('an instance address that is not http(s), holds credentials or is plain HTTP elsewhere: exit 2, nothing sent', async () => {
    const mark = t.sb.requests.length;
    for (const [instance, why] of [
      ['http://peertube.example.org', /plain HTTP/],
      ['ftp://127.0.0.1', /uses ftp/],
      [`http://sandbox:${PASSWORD}@127.0.0.1:${t.sb.port}`, /user name or password/],
    ] as const) {
      const r = await t.run([...login, '--instance', instance, '--profile', 'bad'], {
        env: { VUPLOAD_PEERTUBE_PASSWORD: PASSWORD },
      });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, why);
      assert.ok(!r.stderr.includes(PASSWORD));
    }
    const env = await t.run(['quota', '--provider', 'peertube'], {
      env: { VUPLOAD_PEERTUBE_URL: 'http://peertube.example.org' },
    });
    assert.equal(env.code, 2, env.stderr);
    assert.match(env.stderr, /VUPLOAD_PEERTUBE_URL/);
    assert.equal(t.since(mark).length, 0, 'nothing was sent');
  });

  test('a login is not sent to another instance: VUPLOAD_PEERTUBE_URL naming another is refused (exit 3)', async () => {
    const r = await t.run(['quota', '--provider', 'peertube'], {
      env: { VUPLOAD_PEERTUBE_URL: 'http://127.0.0.2:1' },
    });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /is logged in to http:\/\/127\.0\.0\.1:\d+, not to http:\/\/127\.0\.0\.2:1/);
  });

  test('logout --revoke ends the tokens on the instance and removes the file; status then exits 3', async () => {
    await t.login('gone');
    const token = JSON.parse(
      await readFile(join(t.env.VUPLOAD_CONFIG_DIR!, 'peertube-tokens', 'gone.json'), 'utf8'),
    ).access_token;
    const r = await t.run(['auth', 'logout', '--provider', 'peertube', '--profile', 'gone', '--revoke']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /revoked on the instance/);
    const me = await fetch(`${t.sb.url}/api/v1/users/me`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(me.status, 401);
    const status = await t.run(['auth', 'status', '--provider', 'peertube', '--profile', 'gone']);
    assert.equal(status.code, 3);
    assert.match(status.stderr, /vupload auth login --provider peertube/);
  });
});
