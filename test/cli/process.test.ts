// This file runs the real `vupload` executable: start-up loads no Google library, and kill -9 mid-upload then resumes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Script } from 'node:vm';
import { type StoredToken, writeToken } from '../../src/auth/token-store.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

/**
 * Runs the real vupload with every module it loads traced; returns the result and the trace. `modules`: from tsc's ES
 * modules instead of the bundle, so that vupload's own modules show in the trace too (the bundle's are inside it).
 */
async function traced(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; modules?: boolean; stdout?: 'ignore' } = {},
) {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-trace-'));
  const trace = join(dir, 'imports.txt');
  const result = await spawnCli(args, {
    ...options,
    env: { ...options.env, TRACE_IMPORTS_FILE: trace },
    nodeArgs: ['--import', join(repoRoot, 'dist/test/helpers/trace-imports.js')],
    ...(options.modules ? { entry: join(repoRoot, 'dist/test/helpers/run-modules.js') } : {}),
  });
  const loaded = await readFile(trace, 'utf8');
  await rm(dir, { recursive: true, force: true });
  return { ...result, loaded };
}

const GOOGLE_LIBRARIES = /googleapis|google-auth-library|gaxios/;
/** The PostgreSQL driver: loaded only for a --state-url / VUPLOAD_STATE_URL database. */
const PG_DRIVER = /node_modules\/(pg|pgpass|pg-[a-z-]+)\//;
/** What shows that a trace works: the bundle requires its import() helper, the ES modules import commander. */
const TRACE_WORKS = { bundle: /dist\/src\/cli\/esm-imports\.cjs/, modules: /node_modules\/commander\// };

describe('start-up', () => {
  for (const modules of [false, true]) {
    for (const args of [['--help'], ['--version'], ['upload', '--help']]) {
      // stdout /dev/null: the bundle runs, as for a terminal (a pipe gets the prerendered text, tested below).
      test(`vupload ${args.join(' ')} loads neither googleapis nor google-auth-library nor ora nor pg (${modules ? 'ES modules' : 'bundle'})`, async () => {
        const { code, stderr, loaded } = await traced(args, { modules, stdout: 'ignore' });
        assert.equal(code, 0, stderr);
        assert.match(loaded, modules ? TRACE_WORKS.modules : TRACE_WORKS.bundle, 'the trace works');
        assert.doesNotMatch(loaded, GOOGLE_LIBRARIES);
        assert.doesNotMatch(loaded, /\/ora\//);
        assert.doesNotMatch(loaded, PG_DRIVER);
      });
    }
  }

  test('help and the version on a pipe load nothing but bin/vupload.cjs: neither the bundle nor any package', async () => {
    for (const args of [['--help'], ['--version'], ['auth', 'login', '--help'], ['help', 'upload']]) {
      const { code, stdout, loaded } = await traced(args);
      assert.equal(code, 0);
      assert.match(stdout, /^(Usage: vupload|\d+\.\d+\.\d+)/);
      const files = loaded
        .split('\n')
        .filter((line) => line.startsWith('/') && !line.includes('/dist/test/'));
      assert.deepEqual(files, [join(repoRoot, 'bin/vupload.cjs')], args.join(' '));
    }
  });

  test('the bundle runs from the code cache this Node made at build time: no other file of vupload is loaded', async () => {
    const bundle = join(repoRoot, 'dist/src/cli/vupload.cjs');
    const cache = await readFile(`${bundle}.${process.versions.v8}.cache`).catch(() => undefined);
    // Not a form the build prerendered (help.jsonl): the bundle prints it.
    const { code, stdout, loaded } = await traced(['--verbose', '--version']);
    assert.equal(code, 0);
    assert.match(stdout, /^\d+\.\d+\.\d+/);
    // With a cache the bundle is compiled from it, not required; built with another Node it is required.
    const files = loaded.split('\n').filter((line) => line.includes('/dist/src/'));
    assert.deepEqual(
      files.sort(),
      [...(cache ? [] : [bundle]), join(repoRoot, 'dist/src/cli/esm-imports.cjs')].sort(),
    );
    if (!cache) return;
    const script = new Script(Module.wrap(await readFile(bundle, 'latin1')), {
      filename: bundle,
      cachedData: cache,
    });
    assert.equal(script.cachedDataRejected, false, "V8 takes the cache: it fits this Node's flags");
  });

  test('vupload --help and --version load only the list of commands, no definition of one', async () => {
    for (const args of [['--help'], ['--version']]) {
      const { code, loaded } = await traced(args, { modules: true });
      assert.equal(code, 0);
      assert.match(loaded, /cli\/commands\/index\.js/, 'the trace works');
      assert.doesNotMatch(loaded, /cli\/commands\/(?!index)\w+\.js/);
      assert.doesNotMatch(
        loaded,
        /^node:fs\/promises$/m,
        'nor node:fs/promises (~1.3 ms to load on Node 20)',
      );
    }
  });
});

describe('a result that cannot be written', () => {
  // Linux and most Unixes have /dev/full: every write fails with ENOSPC, as on a full disk.
  test('stdout on /dev/full: exit 1 and the cause on stderr, not a silent 0', {
    skip: !existsSync('/dev/full'),
  }, async () => {
    const fd = openSync('/dev/full', 'w');
    try {
      for (const args of [['--version'], ['--help']]) {
        const { code, stderr } = await spawnCli(args, { stdout: fd });
        assert.equal(code, 1, `${args}: ${stderr}`);
        assert.match(stderr, /could not be written to stdout \(ENOSPC\)/);
      }
    } finally {
      closeSync(fd);
    }
  });
});

describe('what an upload loads', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  /** Uploads a new video as `name`.mp4 and returns what the process loaded. */
  async function uploadTraced(name: string, modules = false): Promise<string> {
    const file = await makeVideo(join(t.dir, `${name}.mp4`), 300_000);
    const { code, stdout, stderr, loaded } = await traced(['--file', file, '--title', name], {
      env: t.env,
      cwd: t.dir,
      modules,
    });
    assert.equal(code, 0, stderr);
    assert.ok(t.sb.video(stdout.trim()), 'the video exists');
    return loaded;
  }

  test('an upload with a valid cached access token loads no Google library and asks the token endpoint nothing', async () => {
    const mark = t.sb.requests.length;
    const loaded = await uploadTraced('cached');
    assert.match(loaded, TRACE_WORKS.bundle, 'the trace works');
    assert.doesNotMatch(loaded, GOOGLE_LIBRARIES);
    assert.doesNotMatch(loaded, PG_DRIVER, 'without --state-url the PostgreSQL driver is not loaded');
    assert.equal(t.since(mark).filter((r) => r.kind === 'token').length, 0);
    const modules = await uploadTraced('cached-modules', true);
    assert.match(modules, /dist\/src\/upload\/engine\.js/, 'the trace works');
    assert.doesNotMatch(modules, GOOGLE_LIBRARIES);
    assert.match(modules, /dist\/src\/state\/file-store\.js/, 'the state directory is the store');
    assert.doesNotMatch(modules, PG_DRIVER);
  });

  test('an expired cached access token is refreshed through google-auth-library, and the new one is saved', async () => {
    const tokenFile = join(t.env.VUPLOAD_CONFIG_DIR, 'tokens', 'default.json');
    const before = JSON.parse(await readFile(tokenFile, 'utf8')) as StoredToken;
    await writeToken(t.env.VUPLOAD_CONFIG_DIR, { ...before, expiry_date: Date.now() - 60_000 });
    const mark = t.sb.requests.length;
    const loaded = await uploadTraced('expired');
    assert.match(loaded, /google-auth-library/);
    const refreshes = t
      .since(mark)
      .filter((r) => r.kind === 'token' && r.form?.grant_type === 'refresh_token');
    assert.equal(refreshes.length, 1);
    const after = JSON.parse(await readFile(tokenFile, 'utf8')) as StoredToken;
    assert.notEqual(after.access_token, before.access_token);
    assert.equal(after.refresh_token, before.refresh_token);
    assert.ok((after.expiry_date ?? 0) > Date.now());
  });
});

describe('kill -9 of a real vupload process', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  test('a re-run resumes the same session at the stored offset, not at 0', async () => {
    const file = await makeVideo(join(t.dir, 'killed.mp4'), 6 * 1024 * 1024);
    t.sb.faults.add({ on: 'upload-chunk', bytesPerSec: 2 * 1024 * 1024 });
    const mark = t.sb.requests.length;
    const first = spawnCli(['--file', file, '--title', 'Killed'], { env: t.env, cwd: t.dir });
    // Wait until the body is flowing (2 MiB/s) and about 2 MiB of it arrived.
    await waitFor('2 MiB to arrive', () =>
      t.since(mark).some((r) => r.kind === 'upload-chunk' && r.bodyBytes >= 2 * 1024 * 1024),
    );
    first.child.kill('SIGKILL');
    const killed = await first;
    assert.equal(killed.code, 137);
    assert.equal(killed.stdout, '');
    const resumeMark = t.sb.requests.length;
    const second = await spawnCli(['--file', file, '--title', 'Killed', '--json'], {
      env: t.env,
      cwd: t.dir,
    });
    assert.equal(second.code, 0, second.stderr);
    const outcome = JSON.parse(second.stdout) as { id: string; resumed: boolean };
    assert.equal(outcome.resumed, true);
    const requests = t.since(resumeMark);
    assert.equal(requests.filter((r) => r.kind === 'upload-init').length, 0, 'no second session');
    const firstData = requests.find((r) => r.kind === 'upload-chunk' && r.bodyBytes > 0);
    assert.ok((firstData?.firstByte ?? 0) > 0, `continued at ${firstData?.firstByte}`);
    const expected = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    assert.equal(t.sb.media(outcome.id)?.sha256, expected);
  });
});

/** Runs `vupload sandbox ARGS` in its own directory and resolves once it printed its env lines. */
async function sandboxCommand(args: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-sbcmd-'));
  const running = spawnCli(['sandbox', '--dir', dir, ...args], { env: {} });
  let stdout = '';
  running.child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  await waitFor('the env lines', () => stdout.includes('VUPLOAD_PEERTUBE_URL'));
  const env: Record<string, string | undefined> = Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => line.replace(/^export /, '').split('=') as [string, string]),
  );
  return { dir, running, env };
}

describe('vupload sandbox', () => {
  test('prints the env lines on stdout, serves the API, keeps its data and stops on SIGTERM', async () => {
    const { dir, running, env } = await sandboxCommand(['--processing-ms', '10']);
    assert.match(env.VUPLOAD_API_URL ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    const secrets = JSON.parse(await readFile(env.VUPLOAD_CLIENT_SECRETS ?? '', 'utf8')) as {
      installed: { token_uri: string };
    };
    assert.ok(secrets.installed.token_uri.startsWith(env.VUPLOAD_API_URL ?? ''));
    const unauthorised = await fetch(`${env.VUPLOAD_API_URL}/youtube/v3/channels?part=snippet&mine=true`);
    assert.equal(unauthorised.status, 401);
    // The PeerTube emulator on its own port, with the test account printed on stderr.
    assert.match(env.VUPLOAD_PEERTUBE_URL ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(env.VUPLOAD_PEERTUBE_URL, env.VUPLOAD_API_URL);
    const client = (await (await fetch(`${env.VUPLOAD_PEERTUBE_URL}/api/v1/oauth-clients/local`)).json()) as {
      client_id: string;
      client_secret: string;
    };
    const login = await fetch(`${env.VUPLOAD_PEERTUBE_URL}/api/v1/users/token`, {
      method: 'POST',
      body: new URLSearchParams({
        ...client,
        grant_type: 'password',
        username: 'sandbox',
        password: 'sandbox-password',
      }),
    });
    assert.equal(login.status, 200);
    running.child.kill('SIGTERM');
    const result = await running;
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /PeerTube emulator on http:\/\/127\.0\.0\.1:\d+ .*user sandbox, password sandbox-password/,
    );
    assert.match(result.stderr, /sandbox stopped/);
    assert.equal(
      Number(await readFile(join(dir, 'peertube', 'port'), 'utf8')),
      Number(new URL(env.VUPLOAD_PEERTUBE_URL!).port),
    );
    await rm(dir, { recursive: true, force: true });
  });

  test('--created-share 1 answers every finished upload 201 Created; a share over 1 is exit 2', async () => {
    const refused = await runCli(['sandbox', '--created-share', '1.5']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--created-share: "1\.5" is not a share from 0 to 1/);
    const badPort = await runCli(['sandbox', '--peertube-port', 'abc']);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /--peertube-port/);
    assert.equal(badPort.stdout, '');
    const { dir, running, env } = await sandboxCommand(['--created-share', '1']);
    const url = env.VUPLOAD_API_URL;
    const token = (
      (await (await fetch(`${url}/__sandbox/token`, { method: 'POST' })).json()) as {
        access_token: string;
      }
    ).access_token;
    const init = await fetch(`${url}/upload/youtube/v3/videos?uploadType=resumable&part=snippet`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ snippet: { title: 'Share' } }),
    });
    const done = await fetch(init.headers.get('location')!, { method: 'PUT', body: Buffer.alloc(100) });
    assert.equal(done.status, 201);
    assert.equal(((await done.json()) as { kind: string }).kind, 'youtube#video');
    running.child.kill('SIGTERM');
    assert.equal((await running).code, 0);
    await rm(dir, { recursive: true, force: true });
  });
});
