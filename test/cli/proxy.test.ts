// This file runs real vupload processes through real local proxies (HTTP and SOCKS5) started here, and proves from
// the proxies' own logs and the sandbox's that every request went through them, and that no output shows the
// proxy's password.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RequestLogEntry } from '../../src/sandbox/youtube/index.js';
import { spawnCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { startHttpProxy, startSocksProxy, type TestProxy } from '../helpers/proxies.js';
import { type CliEnv, cliEnv, playBrowser, type YoukuCliEnv, youkuCliEnv } from './env.js';
import { makeVideo } from './video-file.js';

const SECRET = 'pr0xy-s3cret';
const auth = { user: 'rec', password: SECRET };
const withAuth = (proxy: TestProxy) => proxy.url.replace('://', `://${auth.user}:${SECRET}@`);
let t: CliEnv;
let http: TestProxy;
let socks: TestProxy;

before(async () => {
  t = await cliEnv();
  await t.login();
  http = await startHttpProxy(auth);
  socks = await startSocksProxy(auth);
});
after(async () => {
  await http.close();
  await socks.close();
  await t.close();
});

/** vupload in a real process; NO_PROXY is emptied so that 127.0.0.1 (the sandbox) goes through the proxy too. */
function vupload(argv: string[], env: Record<string, string> = {}) {
  return spawnCli(argv, { cwd: t.dir, env: { ...t.env, NO_PROXY: '', no_proxy: '', ...env } });
}

const kinds = (entries: RequestLogEntry[]) => entries.map((r) => r.kind);

/** The sandbox requests as `METHOD /path`, and the request lines a proxy carried, in the same form, sorted. */
function routes(seen: RequestLogEntry[], log: string[]) {
  const lines = log.filter((line) => !line.startsWith('CONNECT '));
  return {
    sandbox: seen.map((r) => `${r.method} ${r.path}`).sort(),
    carried: lines.map((line) => line.replace(/\?\S*/, '').replace(/ HTTP\/1\.1$/, '')).sort(),
  };
}

/** An upload with every kind of request: token refresh (after a 401), init, chunks, thumbnail, playlist calls. */
async function fullUpload(name: string, proxyEnv: Record<string, string>, argv: string[] = []) {
  const file = await makeVideo(join(t.dir, `${name}.mp4`), 600_000);
  const mark = t.sb.requests.length;
  t.sb.faults.add({ on: 'upload-chunk', status: 401 });
  const result = await vupload(
    [
      ...argv,
      'upload',
      file,
      '--title',
      name,
      '--chunk-size',
      '256K',
      '--thumbnail',
      fixture('thumbnail.jpg'),
      '--playlist',
      `Proxied ${name}`,
      '--create-playlist',
      '--verbose',
      '--log-file',
      join(t.dir, `${name}.log`),
    ],
    proxyEnv,
  );
  const seen = t.since(mark);
  const log = await readFile(join(t.dir, `${name}.log`), 'utf8');
  return { result, seen, log };
}

describe('every request through a proxy', () => {
  test('HTTPS_PROXY/HTTP_PROXY with credentials: token refresh, upload PUTs and API calls all pass the HTTP proxy', async () => {
    const before = http.log.length;
    const { result, seen, log } = await fullUpload('http-env', { HTTP_PROXY: withAuth(http) });
    assert.equal(result.code, 0, result.stderr);
    for (const kind of ['token', 'upload-init', 'upload-chunk', 'thumbnail', 'api'])
      assert.ok(kinds(seen).includes(kind as RequestLogEntry['kind']), `${kind} in ${kinds(seen).join(' ')}`);
    // Every request the sandbox saw was read off a CONNECT tunnel of the proxy.
    const carried = http.log.slice(before);
    assert.ok(carried.some((line) => /^CONNECT 127\.0\.0\.1:\d+$/.test(line)));
    const { sandbox, carried: lines } = routes(seen, carried);
    assert.deepEqual(lines, sandbox);
    assert.ok(lines.includes('POST /token'));
    assert.ok(carried.filter((line) => /^PUT .*upload_id=/.test(line)).length >= 3);
    for (const text of [result.stdout, result.stderr, log]) assert.ok(!text.includes(SECRET));
  });

  test('an upload in chunks through the HTTP proxy keeps one tunnel open for every chunk', async () => {
    const file = await makeVideo(join(t.dir, 'tunnel.mp4'), 4 * 1024 * 1024);
    const before = http.log.length;
    const result = await vupload(['upload', file, '--title', 'tunnel', '--chunk-size', '256K'], {
      HTTP_PROXY: withAuth(http),
    });
    assert.equal(result.code, 0, result.stderr);
    const carried = http.log.slice(before);
    const puts = carried.filter((line) => /^PUT .*upload_id=/.test(line)).length;
    const tunnels = carried.filter((line) => line.startsWith('CONNECT ')).length;
    assert.ok(puts >= 16, `${puts} chunks`);
    // The token and the upload's own requests share the keep-alive agent: a new tunnel per chunk would show here.
    assert.equal(tunnels, 1, `${tunnels} tunnels for ${puts} chunks`);
  });

  test('--proxy socks5://user:password@…: every request of the sandbox log went through the SOCKS tunnel', async () => {
    const before = socks.log.length;
    const { result, seen, log } = await fullUpload('socks-flag', {}, ['--proxy', withAuth(socks)]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /through socks5:\/\/\*\*\*@127\.0\.0\.1/,
      'the route is named, password hidden',
    );
    const { sandbox, carried } = routes(seen, socks.log.slice(before));
    assert.deepEqual(carried, sandbox);
    assert.ok(kinds(seen).includes('token') && kinds(seen).includes('upload-chunk'));
    for (const text of [result.stdout, result.stderr, log]) assert.ok(!text.includes(SECRET));
  });

  test('a proxy that refuses the password: vupload fails, and neither its output nor its log shows the password', async () => {
    for (const proxy of [http, socks]) {
      const refusedBefore = proxy.refused;
      const file = await makeVideo(join(t.dir, `refused-${proxy === http ? 'http' : 'socks'}.mp4`), 50_000);
      const bad = withAuth(proxy).replace(SECRET, `${SECRET}-wrong`);
      const logFile = join(t.dir, 'refused.log');
      const result = await vupload([
        '--proxy',
        bad,
        '--verbose',
        'upload',
        file,
        '--retries',
        '0',
        '--log-file',
        logFile,
      ]);
      assert.notEqual(result.code, 0, result.stderr);
      assert.ok(proxy.refused > refusedBefore, 'the proxy was asked');
      const logged = await readFile(logFile, 'utf8').catch(() => '');
      for (const text of [result.stdout, result.stderr, logged]) assert.ok(!text.includes(SECRET), text);
    }
  });

  test('NO_PROXY naming the host sends its requests directly; a malformed proxy URL is exit 2 with the password hidden', async () => {
    const before = http.log.length;
    const file = await makeVideo(join(t.dir, 'direct.mp4'), 50_000);
    const direct = await vupload(['upload', file], {
      HTTP_PROXY: withAuth(http),
      NO_PROXY: 'localhost,127.0.0.0/8',
    });
    assert.equal(direct.code, 0, direct.stderr);
    assert.equal(http.log.length, before);

    const mark = t.sb.requests.length;
    const bad = await vupload(['upload', file, '--force'], { HTTPS_PROXY: `ftp://rec:${SECRET}@proxy:21` });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /HTTPS_PROXY: "ftp:\/\/\*\*\*@proxy:21"/);
    assert.ok(!bad.stderr.includes(SECRET));
    assert.equal(t.since(mark).length, 0);
  });
});

describe('Youku through a proxy', () => {
  let y: YoukuCliEnv;
  before(async () => {
    y = await youkuCliEnv();
  });
  after(() => y.close());

  test('a Youku upload passes the HTTP proxy: create, slices, check and commit', async () => {
    const login = await y.run(['auth', 'login', '--provider', 'youku'], { openUrl: playBrowser });
    assert.equal(login.code, 0, login.stderr);
    const file = await makeVideo(join(y.dir, 'clip.mp4'), 300_000);
    const before = http.log.length;
    const mark = y.sb.requests.length;
    const result = await spawnCli(
      ['--provider', 'youku', '--file', file, '--title', 'Clip', '--tags', 'a,b'],
      {
        cwd: y.dir,
        env: { ...y.env, NO_PROXY: '', HTTP_PROXY: withAuth(http) },
      },
    );
    assert.equal(result.code, 0, result.stderr);
    const carried = http.log.slice(before).filter((line) => !line.startsWith('CONNECT '));
    for (const step of ['create.json', 'create_file', 'upload_slice', 'check', 'commit.json'])
      assert.ok(
        carried.some((line) => line.includes(step)),
        `${step} in\n${carried.join('\n')}`,
      );
    const seen = y.sb.requests.slice(mark).map((r) => `${r.method} ${r.path}`);
    assert.equal(carried.length, seen.length, `${carried.join('\n')}\n---\n${seen.join('\n')}`);
  });
});
