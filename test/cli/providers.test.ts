// This file walks every upload flag for every provider: each is honoured or refused with exit 2 before anything is
// sent, never silently ignored; and Youku uploads take the same dry run, lock, journal and housekeeping path.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startYoukuSandbox, YOUKU_SANDBOX_CLIENT } from '../../src/sandbox/youku/index.js';
import { crashAt, jsonLines, runCli, spawnCli } from '../helpers/cli.js';
import { type CliEnv, cliEnv, playBrowser } from './env.js';
import { sampleValue, uploadOptions, writeSampleFiles } from './upload-flags.js';
import { makeVideo } from './video-file.js';

/** Flags Youku can honour (its create takes title, tags, description, category; the rest is job control). */
const YOUKU_HONOURS = new Set([
  '--title',
  '--description',
  '--description-file',
  '--category',
  '--keywords',
  '--tags',
  '--limit-rate',
  '--retries',
  '--restart',
  '--force',
  // Youku has no update: a re-run reports other metadata with or without it.
  '--no-update',
  '--wait-lock',
  '--move-to',
  '--delete-after',
  '--log-file',
  '--concurrency',
]);

/** Flags Vimeo honours (docs/providers.md "Vimeo"); with the others it needs beside them in a dry run. */
const VIMEO_HONOURS: Record<string, string[]> = {
  ...Object.fromEntries(
    [
      ...['--title', '--description', '--description-file', '--privacyStatus', '--privacy', '--folder'],
      ...['--thumbnail', '--playlist', '--caption', '--wait', '--open', '--chunk-size', '--limit-rate'],
      ...['--retries', '--time-budget', '--restart', '--force', '--no-update', '--wait-lock', '--move-to'],
      ...['--delete-after', '--log-file', '--concurrency'],
    ].map((flag) => [flag, []]),
  ),
  '--password-file': ['--privacy', 'password'],
  '--create-folder': ['--folder', 'Talks'],
  '--create-playlist': ['--playlist', 'Talks'],
};

describe('every upload flag, for every provider', () => {
  let t: CliEnv;
  let youku: Awaited<ReturnType<typeof startYoukuSandbox>>;
  let youkuEnv: Record<string, string>;
  let video: string;
  before(async () => {
    t = await cliEnv();
    youku = await startYoukuSandbox({ confirmDelayChecks: 0 });
    youkuEnv = {
      ...t.env,
      VUPLOAD_YOUKU_API_URL: youku.url,
      VUPLOAD_YOUKU_CLIENT_ID: YOUKU_SANDBOX_CLIENT.clientId,
      VUPLOAD_YOUKU_CLIENT_SECRET: YOUKU_SANDBOX_CLIENT.clientSecret,
    };
    video = await makeVideo(join(t.dir, 'clip.mp4'), 100_000);
    await writeSampleFiles(t.dir);
  });
  after(async () => {
    await youku.close();
    await t.close();
  });

  test('the walk covers the whole upload command', async () => {
    const longs = (await uploadOptions()).map((o) => o.long!);
    assert.ok(longs.length >= 40, `${longs.length} options`);
    for (const long of longs) assert.ok(sampleValue(t.dir, long).length > 0);
  });

  test("youtube honours every flag in a dry run (and refuses the other providers' own), and sends nothing", async () => {
    const { providerOptions } = await import('../../src/providers/registry.js');
    const others = new Set(providerOptions('upload').map((o) => /--[a-z-]+/.exec(o.flags)![0]));
    for (const option of await uploadOptions()) {
      const args = sampleValue(t.dir, option.long!);
      const mark = t.sb.requests.length;
      const result = await t.run(['upload', video, '--dry-run', ...args]);
      if (others.has(option.long!)) {
        assert.equal(result.code, 2, `${args.join(' ')} was not refused: ${result.stderr}`);
        assert.match(result.stderr, /not available with the youtube provider/);
      } else assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.equal(t.since(mark).length, 0, `${args.join(' ')} sent a request`);
    }
  });

  test('vimeo honours its flags and refuses every other one with exit 2, naming it, before sending anything', async () => {
    const { startVimeoSandbox } = await import('../../src/sandbox/vimeo/index.js');
    const vimeo = await startVimeoSandbox();
    try {
      const env = { ...t.env, VUPLOAD_VIMEO_API_URL: vimeo.url, VUPLOAD_VIMEO_TOKEN: vimeo.personalToken() };
      for (const option of await uploadOptions()) {
        const long = option.long!;
        const honoured = VIMEO_HONOURS[long];
        const args = [...sampleValue(t.dir, long), ...(honoured ?? [])];
        const result = await t.run(['upload', video, '--provider', 'vimeo', '--dry-run', ...args], { env });
        assert.equal(vimeo.requests.length, 0, `${long} sent a request to Vimeo`);
        if (honoured) {
          assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
          continue;
        }
        assert.equal(result.code, 2, `${long} was not refused: ${result.stdout}${result.stderr}`);
        assert.ok(result.stderr.includes(long), `${long}: ${result.stderr}`);
        assert.match(result.stderr, /not available with the vimeo provider/);
      }
    } finally {
      await vimeo.close();
    }
  });

  test('youku honours its flags and refuses every other one with exit 2, naming it, before sending anything', async () => {
    for (const option of await uploadOptions()) {
      const long = option.long!;
      const args = sampleValue(t.dir, long);
      const tags = long === '--tags' || long === '--keywords' ? [] : ['--tags', 'x'];
      const before = youku.requests.length;
      const result = await t.run(['upload', video, '--provider', 'youku', '--dry-run', ...tags, ...args], {
        env: youkuEnv,
      });
      assert.equal(youku.requests.length, before, `${long} sent a request to Youku`);
      if (YOUKU_HONOURS.has(long)) {
        assert.equal(result.code, 0, `${long}: ${result.stderr}`);
        continue;
      }
      assert.equal(result.code, 2, `${long} was not refused: ${result.stdout}${result.stderr}`);
      const name = long === '--localization' ? '--localization' : long;
      assert.ok(result.stderr.includes(name), `${long}: ${result.stderr}`);
      assert.match(result.stderr, /not available with the youku provider/);
    }
  });

  test('status refuses the flags a provider cannot honour (exit 2, naming them) before sending anything', async () => {
    // youtube honours both; PeerTube and Vimeo have no private lock to flag; Youku reads videos/show.json once.
    const cases: Array<[string, string[], boolean]> = [
      ['youtube', ['--wait', '--requested-privacy', 'public'], true],
      ['peertube', ['--wait'], true],
      ['peertube', ['--requested-privacy', 'public'], false],
      ['vimeo', ['--wait'], true],
      ['vimeo', ['--requested-privacy', 'public'], false],
      ['youku', ['--wait'], false],
      ['youku', ['--requested-privacy', 'public'], false],
    ];
    for (const [provider, flags, honoured] of cases) {
      const before = youku.requests.length + t.sb.requests.length;
      const result = await t.run(['status', 'abcdefghijk', '--provider', provider, ...flags], {
        env: youkuEnv,
      });
      const refused = new RegExp(`${flags[0]} is not available with the ${provider} provider`);
      if (honoured) {
        assert.doesNotMatch(result.stderr, /not available with/, `${provider} ${flags.join(' ')}`);
        continue;
      }
      assert.equal(result.code, 2, `${provider} ${flags.join(' ')} was not refused: ${result.stderr}`);
      assert.match(result.stderr, refused);
      assert.equal(youku.requests.length + t.sb.requests.length, before, `${provider} sent a request`);
    }
  });

  test("quota's --quota and quota reset, which speak of vupload's units ledger, are refused for the other providers", async () => {
    for (const provider of ['peertube', 'vimeo', 'youku']) {
      const budget = await t.run(['quota', '--provider', provider, '--quota', '5'], { env: youkuEnv });
      assert.equal(budget.code, 2, `${provider} --quota was not refused: ${budget.stderr}`);
      assert.match(budget.stderr, new RegExp(`--quota is not available with the ${provider} provider`));
      const reset = await t.run(['quota', 'reset', '--provider', provider], { env: youkuEnv });
      assert.equal(reset.code, 2, `${provider} quota reset: ${reset.stderr}`);
      assert.match(reset.stderr, /keeps its count itself, so there is nothing to forget/);
    }
  });

  test('vupload watch refuses a flag its provider does not honour at start (exit 2), not at each file', async () => {
    const folder = join(t.dir, 'watched');
    await mkdir(folder, { recursive: true });
    const watcher = spawnCli(['watch', folder, '--provider', 'vimeo', '--tags', 'x'], { env: t.env });
    // Before the fix the watcher ran on and refused each file as it settled: stop it if it does not end.
    const timer = setTimeout(() => watcher.child.kill('SIGTERM'), 15_000);
    const result = await watcher;
    clearTimeout(timer);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--tags is not available with the vimeo provider/);
  });

  test('a youku dry run prints the requests with its metadata, and a refused flag stops a real run too', async () => {
    const dry = await t.run(
      [
        'upload',
        video,
        '--provider',
        'youku',
        '--dry-run',
        '--tags',
        'a,b',
        '--title',
        'Dry',
        '--limit-rate',
        '1M',
      ],
      { env: youkuEnv },
    );
    assert.equal(dry.code, 0, dry.stderr);
    const requests = jsonLines<{ requests: Array<{ url: string; params?: Record<string, unknown> }> }>(
      dry.stdout,
    )[0]!.requests;
    assert.match(requests[0]!.url, /uploads\/create\.json$/);
    assert.equal(requests[0]!.params?.title, 'Dry');
    assert.equal(requests[0]!.params?.tags, 'a,b');
    const before = youku.requests.length;
    const real = await t.run(['upload', video, '--provider', 'youku', '--tags', 'a', '--quota', '1'], {
      env: youkuEnv,
    });
    assert.equal(real.code, 2, real.stderr);
    assert.match(real.stderr, /--quota/);
    assert.equal(youku.requests.length, before);
  });
});

describe('a youku upload takes the common path', () => {
  let dir: string;
  let youku: Awaited<ReturnType<typeof startYoukuSandbox>>;
  let env: Record<string, string>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vupload-youku-path-'));
    youku = await startYoukuSandbox({ confirmDelayChecks: 0 });
    env = {
      HOME: dir,
      VUPLOAD_CONFIG_DIR: join(dir, 'config'),
      VUPLOAD_STATE_DIR: join(dir, 'state'),
      VUPLOAD_YOUKU_API_URL: youku.url,
      VUPLOAD_YOUKU_CLIENT_ID: YOUKU_SANDBOX_CLIENT.clientId,
      VUPLOAD_YOUKU_CLIENT_SECRET: YOUKU_SANDBOX_CLIENT.clientSecret,
    };
    const login = await runCli(['auth', 'login', '--provider', 'youku'], {
      env,
      cwd: dir,
      openUrl: playBrowser,
    });
    assert.equal(login.code, 0, login.stderr);
  });
  after(async () => {
    await youku.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('--move-to moves the file once the upload is recorded; the content is then never uploaded twice', async () => {
    const file = await makeVideo(join(dir, 'moved.mp4'), 300_000);
    const done = join(dir, 'done');
    await mkdir(done);
    const first = await runCli(
      ['--provider', 'youku', '--file', file, '--tags', 'a', '--move-to', done, '--json'],
      {
        env,
        cwd: dir,
      },
    );
    assert.equal(first.code, 0, first.stderr);
    const outcome = JSON.parse(first.stdout) as { id: string; provider: string; housekeeping: string };
    assert.equal(outcome.provider, 'youku');
    assert.equal(outcome.housekeeping, join(done, 'moved.mp4'));
    assert.deepEqual(await readdir(done), ['moved.mp4']);
    const before = youku.requests.length;
    const again = await runCli(['--provider', 'youku', '--file', join(done, 'moved.mp4'), '--tags', 'a'], {
      env,
      cwd: dir,
    });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), outcome.id);
    assert.equal(youku.requests.length, before, 'nothing sent');
  });

  test('a re-run with another title: Youku cannot update, so it says so (never --force) and sends nothing', async () => {
    const file = await makeVideo(join(dir, 'retitled.mp4'), 100_000);
    const run = (title: string, ...more: string[]) =>
      runCli(['--provider', 'youku', '--file', file, '--tags', 'a', '--title', title, '--json', ...more], {
        env,
        cwd: dir,
      });
    const first = await run('One');
    assert.equal(first.code, 0, first.stderr);
    const { id } = JSON.parse(first.stdout) as { id: string };
    const before = youku.requests.length;
    const again = await run('Two');
    assert.equal(again.code, 0, again.stderr);
    const line = JSON.parse(again.stdout) as { id: string; notUpdated?: unknown; updated?: unknown };
    assert.equal(line.id, id);
    assert.deepEqual(line.notUpdated, [{ field: 'snippet.title', before: 'One', after: 'Two' }]);
    assert.equal(line.updated, undefined);
    assert.match(again.stderr, /vupload cannot change the metadata of a Youku video/);
    assert.doesNotMatch(again.stderr, /--force/);
    assert.equal(youku.requests.length, before, 'nothing sent');
    const same = await run('One');
    assert.equal((JSON.parse(same.stdout) as { notUpdated?: unknown }).notUpdated, undefined);
  });

  test('killed before the journal line, re-run with another title: the committed video is recorded, not repeated', async () => {
    const file = await makeVideo(join(dir, 'killed.mp4'), 300_000);
    const mark = youku.requests.length;
    const crash = crashAt(1, { match: 'open .*history\\.jsonl' });
    const killed = await spawnCli(['--provider', 'youku', '--file', file, '--tags', 'a', '--title', 'One'], {
      env: { ...env, ...crash.env },
      nodeArgs: crash.nodeArgs,
      cwd: dir,
    });
    assert.equal(killed.code, 137, killed.stderr);
    const again = await spawnCli(['--provider', 'youku', '--file', file, '--tags', 'a', '--title', 'Two'], {
      env,
      cwd: dir,
    });
    assert.equal(again.code, 0, again.stderr);
    const kinds = youku.requests.slice(mark).map((r) => r.kind);
    assert.equal(kinds.filter((k) => k === 'create').length, 1, kinds.join(' '));
    assert.equal(again.stdout.trim(), (youku.video(again.stdout.trim()) as { id?: string } | undefined)?.id);
    assert.match(again.stderr, /earlier run/);
  });
});
