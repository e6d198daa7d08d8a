// This file tests that credentials never travel in plain HTTP through a proxy off this machine (issue 29.4): real
// vupload processes, whose proxy is named `proxy.example` (not this machine by its name) but resolves, in the test
// only, to a real local proxy that logs whatever reaches it.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { startHttpProxy, startSocksProxy, type TestProxy } from '../helpers/proxies.js';
import { type CliEnv, cliEnv, playBrowser, type YoukuCliEnv, youkuCliEnv } from './env.js';
import { makeVideo } from './video-file.js';

const SECRET = 'far-away-s3cret';
const auth = { user: 'rec', password: SECRET };
/** The local proxy under the name of a host elsewhere, with its login. */
const farAway = (proxy: TestProxy) =>
  proxy.url.replace('://127.0.0.1', `://${auth.user}:${SECRET}@proxy.example`);
const hostsPreload = {
  nodeArgs: ['--import', join(repoRoot, 'dist/test/helpers/hosts-preload.js')],
  env: { VUPLOAD_TEST_HOSTS: 'proxy.example=127.0.0.1' },
};

let http: TestProxy;
let socks: TestProxy;
before(async () => {
  http = await startHttpProxy(auth);
  socks = await startSocksProxy(auth);
});
after(async () => {
  await http.close();
  await socks.close();
});

/** vupload in a real process where proxy.example is this machine's proxy; NO_PROXY empty unless given. */
function vupload(cwd: string, baseEnv: Record<string, string>, argv: string[], env: Record<string, string>) {
  return spawnCli(argv, {
    cwd,
    nodeArgs: hostsPreload.nodeArgs,
    env: { ...baseEnv, ...hostsPreload.env, NO_PROXY: '', no_proxy: '', ...env },
  });
}

describe('credentials over plain HTTP only when every hop is this machine', () => {
  let t: CliEnv;
  let video: string;
  before(async () => {
    t = await cliEnv();
    await t.login();
    video = await makeVideo(join(t.dir, 'far.mp4'), 200_000);
  });
  after(() => t.close());
  const run = (argv: string[], env: Record<string, string>) => vupload(t.dir, t.env, argv, env);

  test("proxy.example does lead to the local proxy in these processes (so a refusal is vupload's own)", async () => {
    const probe = join(t.dir, 'probe.cjs');
    await writeFile(
      probe,
      `const s = require('node:net').connect(${new URL(http.url).port}, 'proxy.example', () =>
         s.write('CONNECT probe.example:9 HTTP/1.1\\r\\nHost: probe.example:9\\r\\n\\r\\n'));
       s.on('data', () => process.exit(0));`,
    );
    const result = await spawnCli([], { entry: probe, ...hostsPreload });
    assert.equal(result.code, 0, result.stderr);
    assert.ok(http.log.includes('CONNECT probe.example:9'), http.log.join('\n'));
  });

  test('an upload, a status call and a token refresh are refused (exit 2) before anything reaches the proxy', async () => {
    const tokenFile = join(t.env.VUPLOAD_CONFIG_DIR!, 'tokens', 'default.json');
    const token = JSON.parse(await readFile(tokenFile, 'utf8')) as Record<string, unknown>;
    const cases: Array<[string, string[], Record<string, string>]> = [
      ['HTTP_PROXY', ['upload', video, '--title', 'far'], { HTTP_PROXY: farAway(http) }],
      ['http_proxy', ['status', 'abcdefghijk'], { http_proxy: farAway(http) }],
      ['ALL_PROXY', ['upload', video, '--title', 'far'], { ALL_PROXY: farAway(socks) }],
      ['--proxy', ['--proxy', farAway(socks), 'status', 'abcdefghijk'], {}],
      ['--proxy', ['--proxy', farAway(http), 'auth', 'logout', '--revoke'], {}],
    ];
    // An expired access token: a run that went on would first send the refresh token and the client secret.
    await writeFile(tokenFile, JSON.stringify({ ...token, expiry_date: 1 }));
    const mark = t.sb.requests.length;
    const carried = { http: http.log.length, socks: socks.log.length };
    for (const [source, argv, env] of cases) {
      const result = await run(argv, env);
      assert.equal(result.code, 2, `${source} ${argv.join(' ')}: ${result.stderr}`);
      assert.match(
        result.stderr,
        new RegExp(`${source.replace(/-/g, '\\-')} would send it through the proxy`),
      );
      assert.match(result.stderr, /proxy\.example:\d+, which is not this machine/);
      assert.match(result.stderr, /NO_PROXY=127\.0\.0\.1/);
      assert.match(result.stderr, /nothing was sent/);
      assert.ok(!result.stderr.includes(SECRET), result.stderr);
    }
    assert.deepEqual(http.log.slice(carried.http), [], 'nothing reached the HTTP proxy');
    assert.deepEqual(socks.log.slice(carried.socks), [], 'nothing reached the SOCKS proxy');
    assert.deepEqual(t.since(mark), [], 'nothing reached the sandbox');
    assert.ok(JSON.parse(await readFile(tokenFile, 'utf8')), 'logout --revoke kept the login');
    await writeFile(tokenFile, JSON.stringify(token));
  });

  test('NO_PROXY for this machine sends the same upload directly; a proxy named localhost may carry it', async () => {
    const carried = http.log.length;
    const direct = await run(['upload', video, '--title', 'direct'], {
      HTTP_PROXY: farAway(http),
      NO_PROXY: '127.0.0.1',
    });
    assert.equal(direct.code, 0, direct.stderr);
    assert.equal(http.log.length, carried, 'the proxy elsewhere carried nothing');
    const local = await run(['upload', video, '--title', 'local', '--force'], {
      HTTP_PROXY: farAway(http).replace('proxy.example', 'localhost'),
    });
    assert.equal(local.code, 0, local.stderr);
    assert.ok(http.log.slice(carried).some((line) => line.startsWith('CONNECT 127.0.0.1:')));
  });
});

describe("Youku's requests follow the same rule", () => {
  let y: YoukuCliEnv;
  before(async () => {
    y = await youkuCliEnv();
  });
  after(() => y.close());

  test('a Youku upload to the emulator through a proxy elsewhere is refused with exit 2, nothing sent', async () => {
    const login = await y.run(['auth', 'login', '--provider', 'youku'], { openUrl: playBrowser });
    assert.equal(login.code, 0, login.stderr);
    const file = await makeVideo(join(y.dir, 'clip.mp4'), 100_000);
    const mark = y.sb.requests.length;
    const carried = http.log.length;
    const result = await vupload(y.dir, y.env, ['--provider', 'youku', '--file', file, '--tags', 'a'], {
      HTTP_PROXY: farAway(http),
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Youku API URL http:\/\/127\.0\.0\.1:\d+ is plain HTTP, and HTTP_PROXY/);
    assert.deepEqual(y.sb.requests.slice(mark), []);
    assert.equal(http.log.length, carried);
  });
});
