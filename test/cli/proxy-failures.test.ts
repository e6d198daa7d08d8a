// This file tests what vupload says when the proxy itself fails (issues 27.6 and 29.11): a refused login or a proxy
// that is down is named as the proxy's (its URL without the password) with what to check, never blamed on YouTube
// or Youku, and HTTP and SOCKS proxies end with the same exit codes (3 for the login, 5 after the retries).
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jsonLines } from '../helpers/cli.js';
import { startHttpProxy, startSocksProxy, type TestProxy } from '../helpers/proxies.js';
import { type CliEnv, cliEnv, playBrowser, youkuCliEnv } from './env.js';
import { makeVideo } from './video-file.js';

const SECRET = 'pr0xy-s3cret';
const auth = { user: 'rec', password: SECRET };
const login = (url: string, password: string) => url.replace('://', `://${auth.user}:${password}@`);
let http: TestProxy;
let socks: TestProxy;
/** A port nothing listens on: it was free a moment ago. */
let deadPort: number;

before(async () => {
  http = await startHttpProxy(auth);
  socks = await startSocksProxy(auth);
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  deadPort = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
});
after(async () => {
  await http.close();
  await socks.close();
});

/** The proxy's URL as messages show it (its login hidden), as a regular expression. */
const shown = (url: string) => url.replace('://', '://***@').replace(/[.*]/g, '\\$&');

describe('a proxy that fails is named, with what to check', () => {
  let t: CliEnv;
  let video: string;
  before(async () => {
    t = await cliEnv();
    await t.login();
    video = await makeVideo(join(t.dir, 'proxied.mp4'), 300_000);
  });
  after(() => t.close());
  /** In this process (retry waits are cut short); NO_PROXY empty so that the sandbox goes through the proxy. */
  const run = (argv: string[]) => t.run(argv, { env: { NO_PROXY: '' } });

  test('a refused proxy password: exit 3 naming the proxy, for the upload, an API call and a token refresh', async () => {
    const tokenFile = join(t.env.VUPLOAD_CONFIG_DIR!, 'tokens', 'default.json');
    const token = await readFile(tokenFile, 'utf8');
    for (const proxy of [http, socks]) {
      const wrong = login(proxy.url, `${SECRET}-wrong`);
      const refusedBefore = proxy.refused;
      const upload = await run(['--proxy', wrong, 'upload', video, '--title', 'p', '--force']);
      const status = await run(['--proxy', wrong, '--json', 'status', 'abcdefghijk']);
      // An expired access token: the token refresh (google-auth-library) is the first request.
      await writeFile(tokenFile, JSON.stringify({ ...JSON.parse(token), expiry_date: 1 }));
      const refresh = await run(['--proxy', wrong, 'status', 'abcdefghijk']);
      await writeFile(tokenFile, token);
      for (const result of [upload, status, refresh]) {
        assert.equal(result.code, 3, result.stderr);
        assert.match(result.stderr, new RegExp(`The proxy ${shown(proxy.url)} refused the login`));
        assert.match(result.stderr, /Check the user name and password in --proxy/);
        assert.doesNotMatch(result.stderr, /YouTube|token endpoint/);
        assert.ok(!(result.stdout + result.stderr).includes(SECRET));
      }
      assert.equal(jsonLines<{ error: { code: string } }>(status.stdout).at(-1)?.error.code, 'proxyAuth');
      assert.ok(proxy.refused >= refusedBefore + 3, 'each was refused by the proxy');
    }
  });

  const dead = (scheme: string) => `${scheme}://${auth.user}:${SECRET}@127.0.0.1:${deadPort}`;
  const uploadThrough = (proxy: string) =>
    run(['--proxy', proxy, 'upload', video, '--title', 'p', '--force', '--retries', '2']);

  test('a proxy that is down is retried as asked, then exit 5: a SOCKS proxy as an HTTP one (29.11)', async () => {
    for (const scheme of ['socks5', 'http']) {
      const upload = await uploadThrough(dead(scheme));
      assert.equal(upload.code, 5, `${scheme}: ${upload.stderr}`);
      assert.equal(upload.stderr.match(/Retry \d/g)?.length, 2, upload.stderr);
      assert.doesNotMatch(upload.stderr, /unexpected/);
    }
  });

  test('a proxy that is down is named with what to check, for the upload and for an API call (27.6)', async () => {
    for (const scheme of ['http', 'socks5']) {
      const upload = await uploadThrough(dead(scheme));
      const where = shown(`${scheme}://127.0.0.1:${deadPort}`);
      assert.match(
        upload.stderr,
        new RegExp(`Could not connect to the proxy ${where} \\(ECONNREFUSED\\); gave up after 2 retries`),
      );
      assert.match(upload.stderr, /Check that the proxy is running and that --proxy names its host and port/);
      const status = await run(['--proxy', dead(scheme), 'status', 'abcdefghijk']);
      assert.equal(status.code, 5, status.stderr);
      assert.match(
        status.stderr,
        new RegExp(`Could not connect to the proxy ${where} .*gave up after 4 attempts`),
      );
      for (const text of [upload.stderr, status.stderr]) {
        assert.doesNotMatch(text, /YouTube|unexpected/);
        assert.ok(!text.includes(SECRET));
      }
    }
  });
  test('a proxy that cannot reach the server says so: exit 5 after the retries, HTTP and SOCKS alike', async () => {
    for (const proxy of [http, socks]) {
      const result = await t.run(['--proxy', login(proxy.url, SECRET), 'status', 'abcdefghijk'], {
        env: { NO_PROXY: '', VUPLOAD_API_URL: `http://127.0.0.1:${deadPort}` },
      });
      assert.equal(result.code, 5, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `The proxy ${shown(proxy.url)} could not connect to 127\\.0\\.0\\.1:${deadPort} \\((HTTP 5|SOCKS reply)`,
        ),
      );
      assert.match(result.stderr, new RegExp(`Check that the proxy can reach 127\\.0\\.0\\.1:${deadPort}`));
    }
  });
});

describe('a proxy that fails a Youku upload is named the same way', () => {
  test('a refused proxy password is exit 3 naming the proxy, not "Youku refused"', async () => {
    const y = await youkuCliEnv();
    try {
      const loggedIn = await y.run(['auth', 'login', '--provider', 'youku'], { openUrl: playBrowser });
      assert.equal(loggedIn.code, 0, loggedIn.stderr);
      const file = await makeVideo(join(y.dir, 'clip.mp4'), 100_000);
      const wrong = login(http.url, 'nope');
      const result = await y.run(['--proxy', wrong, '--provider', 'youku', '--file', file, '--tags', 'a'], {
        env: { NO_PROXY: '' },
      });
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, new RegExp(`The proxy ${shown(http.url)} refused the login \\(HTTP 407`));
      assert.doesNotMatch(result.stderr, /Youku refused/);
    } finally {
      await y.close();
    }
  });
});
