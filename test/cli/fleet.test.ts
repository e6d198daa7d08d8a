// This file runs real vupload processes as machines of a fleet sharing one PostgreSQL database (--state-url): one
// upload per content fleet-wide, a shared quota, history moved between a state directory and the database.
import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, readFile, rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { usePostgres } from '../state/postgres/server.js';
import { playBrowser, youkuCliEnv } from './env.js';
import { type Fleet, startedUploads, startFleet } from './fleet-env.js';
import { makeVideo } from './video-file.js';

const server = usePostgres();

describe('a fleet of machines sharing one state database', { timeout: 120_000 }, () => {
  let fleet: Fleet;
  before(async () => {
    fleet = await startFleet(server(), 3);
  });
  after(() => fleet.close());

  test('two watchers on one folder, on two machines: each file uploaded exactly once, fleet-wide', async () => {
    const [a, b] = fleet.machines;
    const folder = join(fleet.dir, 'nas');
    await mkdir(folder);
    // Machine B mounts the folder elsewhere: same files, other paths.
    await symlink(folder, join(fleet.dir, 'nas-on-b'));
    const mark = fleet.sb.requests.length;
    const watchers = [
      a!.spawn(['watch', folder, '--settle', '300ms']),
      b!.spawn(['watch', join(fleet.dir, 'nas-on-b'), '--settle', '300ms']),
    ];
    const printed = watchers.map(() => [] as string[]);
    const told = watchers.map(() => [] as string[]);
    for (const [i, w] of watchers.entries()) {
      w.child.stderr?.on('data', (d: Buffer) => told[i]!.push(d.toString()));
      w.child.stdout?.on('data', (d: Buffer) =>
        printed[i]!.push(...d.toString().split('\n').filter(Boolean)),
      );
    }
    const names = ['1.mp4', '2.mp4', '3.mp4', '4.mp4'];
    for (const name of names) {
      // Written under a partial name and renamed when complete, as recorders do, one after another.
      await makeVideo(join(folder, `${name}.part`), 200_000);
      await rename(join(folder, `${name}.part`), join(folder, name));
    }
    // A watcher prints the id of each file it uploaded; one the other machine uploaded first it only names.
    const settled = (i: number) =>
      names.every((name) =>
        new RegExp(`Uploaded ${name}|${name} was already uploaded`).test(told[i]!.join('')),
      );
    await waitFor('both watchers to have settled every file', () => settled(0) && settled(1), 60_000).catch(
      (error: Error) => {
        throw new Error(`${error.message}\nA: ${told[0]!.join('')}\nB: ${told[1]!.join('')}`);
      },
    );
    for (const w of watchers) w.child.kill('SIGTERM');
    const codes = (await Promise.all(watchers)).map((r) => r.code);
    assert.deepEqual(codes, [143, 143]);
    const ids = [...printed[0]!, ...printed[1]!];
    assert.equal(ids.length, 4, 'one id per file, from the machine that uploaded it');
    assert.equal(new Set(ids).size, 4);
    assert.equal(startedUploads(fleet, mark), 4, 'each file uploaded once, fleet-wide');
    const rows = await fleet.query<{ n: string }>('SELECT count(*) AS n FROM vupload.uploads');
    assert.equal(Number(rows[0]!.n), 4, 'one record per upload');
  });

  test('eight uploads started together against a budget of three: three start, the others exit 4 or wait', async () => {
    await fleet.query('DELETE FROM vupload.quota'); // a new day for the ledger: the test above spent units
    const mark = fleet.sb.requests.length;
    const files = await Promise.all(
      Array.from({ length: 8 }, (_, i) => makeVideo(join(fleet.dir, `budget-${i}.mp4`), 100_000)),
    );
    // Eight machines: the three of the fleet, each running several uploads at once, all on one budget.
    const runs = files.map((file, i) => {
      const machine = fleet.machines[i % 3]!;
      const onQuota = i < 6 ? 'fail' : 'wait';
      const run = machine.spawn(['upload', file, '--quota', '4800', '--on-quota', onQuota]);
      let stderr = '';
      run.child.stderr?.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      return { run, onQuota, stderr: () => stderr, exited: false };
    });
    for (const r of runs) void r.run.then(() => (r.exited = true));
    // Each either ends, or (--on-quota wait) says it waits for the reset.
    await waitFor(
      'every upload to end or wait for the quota reset',
      () => runs.every((r) => r.exited || /waiting until it resets/.test(r.stderr())),
      60_000,
    );
    const waiting = runs.filter((r) => !r.exited);
    for (const r of waiting) r.run.child.kill('SIGTERM');
    const results = await Promise.all(runs.map((r) => r.run));
    assert.equal(startedUploads(fleet, mark), 3, 'exactly three uploads started');
    assert.equal(results.filter((r) => r.code === 0).length, 3);
    for (const [i, r] of results.entries()) {
      if (r.code === 0) continue;
      if (runs[i]!.onQuota === 'fail') {
        assert.equal(r.code, 4, r.stderr);
        assert.match(r.stderr, /has spent 4800 of today's budget of 4800/);
      } else assert.equal(r.code, 143, `a waiting upload ends when it is stopped: ${r.stderr}`);
    }
    const [spent] = await fleet.query<{ spent: number }>('SELECT spent::int AS spent FROM vupload.quota');
    assert.equal(spent!.spent, 4800, 'never overspent');
  });

  test("YouTube's quotaExceeded seen by one machine stops the others before they send anything", async () => {
    const [a, b] = fleet.machines;
    const [first, second] = await Promise.all([
      makeVideo(join(fleet.dir, 'exceeded-a.mp4'), 50_000),
      makeVideo(join(fleet.dir, 'exceeded-b.mp4'), 50_000),
    ]);
    fleet.sb.faults.add({ on: 'upload-init', status: 403, reason: 'quotaExceeded' });
    const mark = fleet.sb.requests.length;
    const seen = await a!.run(['upload', first]);
    assert.equal(seen.code, 4, seen.stderr);
    const stopped = await b!.run(['upload', second]);
    assert.equal(stopped.code, 4, stopped.stderr);
    assert.match(stopped.stderr, /YouTube answered quotaExceeded earlier today for default/);
    const uploadRequests = fleet.since(mark).filter((r) => r.kind.startsWith('upload'));
    assert.equal(uploadRequests.length, 1, 'only the first machine asked YouTube');
    const quota = await b!.run(['quota', '--json']);
    assert.equal((JSON.parse(quota.stdout.trim().split('\n')[0]!) as { exhausted: boolean }).exhausted, true);
    await fleet.query("UPDATE vupload.quota SET exhausted = false WHERE account = 'default'");
  });

  test('the shared mark: --quota N asks YouTube again, quota reset on one machine frees every machine', async () => {
    const [a, b, c] = fleet.machines;
    const files = await Promise.all(
      ['way-a', 'way-b', 'way-c'].map((name) => makeVideo(join(fleet.dir, `${name}.mp4`), 50_000)),
    );
    fleet.sb.faults.add({ on: 'upload-init', status: 403, reason: 'quotaExceeded' });
    assert.equal((await a!.run(['upload', files[0]!])).code, 4);
    // A larger quota than the ledger counted: b asks YouTube again, which now says yes.
    const asked = await b!.run(['upload', files[1]!, '--quota', '2000000000']);
    assert.equal(asked.code, 0, asked.stderr);
    assert.match(asked.stderr, /asking it again/);
    // The server answers quotaExceeded again: recorded again, for every machine.
    fleet.sb.faults.add({ on: 'upload-init', status: 403, reason: 'quotaExceeded' });
    assert.equal((await c!.run(['upload', files[2]!, '--quota', '2000000000'])).code, 4);
    const mark = fleet.sb.requests.length;
    const stopped = await a!.run(['upload', files[2]!]);
    assert.equal(stopped.code, 4, stopped.stderr);
    assert.equal(startedUploads(fleet, mark), 0);
    // c forgets it in the database; a's next upload asks YouTube and goes through.
    const reset = await c!.run(['quota', 'reset']);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stderr, /Forgot YouTube's quotaExceeded answer .* for profile "default"/);
    const [row] = await fleet.query<{ exhausted: boolean }>(
      "SELECT exhausted FROM vupload.quota WHERE account = 'default'",
    );
    assert.equal(row?.exhausted, false);
    const freed = await a!.run(['upload', files[2]!]);
    assert.equal(freed.code, 0, freed.stderr);
    assert.match((await b!.run(['quota', 'reset'])).stderr, /nothing to forget/);
  });

  test('a re-run with another title on one machine updates the video once; the database holds it for the others', async () => {
    const [a, b] = fleet.machines;
    const file = await makeVideo(join(fleet.dir, 'retitled.mp4'), 60_000);
    const first = await a!.run(['upload', file, '--title', 'Fleet title']);
    assert.equal(first.code, 0, first.stderr);
    const id = first.stdout.trim();
    const mark = fleet.sb.requests.length;
    const updated = await b!.run(['upload', file, '--title', 'New fleet title', '--json']);
    assert.equal(updated.code, 0, updated.stderr);
    assert.deepEqual((JSON.parse(updated.stdout) as { updated?: unknown }).updated, [
      { field: 'snippet.title', before: 'Fleet title', after: 'New fleet title' },
    ]);
    const quiet = fleet.sb.requests.length;
    const same = await a!.run(['upload', file, '--title', 'New fleet title']);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stdout.trim(), id);
    assert.equal(fleet.since(quiet).length, 0, `machine a knows of b's update: ${same.stderr}`);
    const puts = fleet.since(mark).filter((r) => r.method === 'PUT' && r.path === '/youtube/v3/videos');
    assert.equal(puts.length, 1);
    assert.equal((fleet.sb.video(id) as { snippet: { title: string } }).snippet.title, 'New fleet title');
  });

  test('a file store exported into the database keeps its history: no machine uploads that file again', async () => {
    const [, , c] = fleet.machines;
    const file = await makeVideo(join(fleet.dir, 'before-the-fleet.mp4'), 150_000);
    // Machine C before the fleet: its own state directory, no database.
    const alone = await c!.run(['upload', file, '--quiet'], { VUPLOAD_STATE_URL: '' });
    assert.equal(alone.code, 0, alone.stderr);
    const id = alone.stdout.trim();
    const imported = await c!.run(['state', 'import', '--json']);
    assert.equal(imported.code, 0, imported.stderr);
    assert.deepEqual((JSON.parse(imported.stdout) as { uploads: unknown }).uploads, {
      added: 1,
      present: 0,
      invalid: 0,
    });
    // Machine A sees the same recording under another name.
    const [a] = fleet.machines;
    const copy = join(fleet.dir, 'copy-on-a.mp4');
    await copyFile(file, copy);
    const mark = fleet.sb.requests.length;
    const again = await a!.spawn(['upload', copy]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), id);
    assert.match(again.stderr, /was already uploaded as/);
    assert.equal(fleet.since(mark).length, 0, 'nothing sent');
    // And back: exported into a new state directory, a machine without the database skips it too.
    const back = join(fleet.dir, 'exported');
    const exported = await a!.run(['state', 'export', back]);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /Exported from postgres:\/\/vupload@127\.0\.0\.1:\d+\/fleet_\w+ into /);
    const history = await readFile(join(back, 'history.jsonl'), 'utf8');
    assert.ok(history.includes(`"videoId":"${id}"`), history);
    const offline = await c!.run(['upload', copy, '--quiet'], {
      VUPLOAD_STATE_URL: '',
      VUPLOAD_STATE_DIR: back,
    });
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal(offline.stdout.trim(), id);
    assert.equal(fleet.since(mark).length, 0, 'nothing sent');
  });
});

describe('the state database in the CLI', { timeout: 60_000 }, () => {
  let fleet: Fleet;
  before(async () => {
    fleet = await startFleet(server(), 1);
  });
  after(() => fleet.close());

  test('a database that cannot be reached: exit 5, the URL without its password, nothing uploaded', async () => {
    const [a] = fleet.machines;
    const file = await makeVideo(join(fleet.dir, 'unreachable.mp4'), 50_000);
    const closed = fleet.url.replace(/:\d+\//, ':1/');
    const mark = fleet.sb.requests.length;
    for (const argv of [
      ['--state-url', closed, 'upload', file, '--verbose'],
      ['upload', file],
    ]) {
      const result = await a!.run(argv, { VUPLOAD_STATE_URL: closed });
      assert.equal(result.code, 5, result.stderr);
      assert.match(
        result.stderr,
        /Could not reach the state database at postgres:\/\/vupload@127\.0\.0\.1:1\//,
      );
      assert.ok(!result.stderr.includes(server().password), 'the password never appears');
      assert.equal(result.stdout, '');
    }
    assert.equal(fleet.since(mark).length, 0, 'nothing was sent');
  });

  test('state migrate reports the schema; history and quota read the database; the password is never printed', async () => {
    const [a] = fleet.machines;
    const url = fleet.url.replace(/fleet_\w+$/, 'vupload');
    const first = await a!.run(['state', 'migrate', '--json'], { VUPLOAD_STATE_URL: url });
    assert.equal(first.code, 0, first.stderr);
    const again = await a!.run(['--state-url', url, 'state', 'migrate', '--json']);
    assert.deepEqual(JSON.parse(again.stdout), { from: 2, to: 2, applied: [] });
    assert.match(again.stderr, /version 2, up to date/);
    const file = await makeVideo(join(fleet.dir, 'listed.mp4'), 50_000);
    const upload = await a!.run(['upload', file, '--quiet']);
    assert.equal(upload.code, 0, upload.stderr);
    const history = await a!.run(['history', '--json']);
    const items = history.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; file: string });
    assert.deepEqual(
      items.map((i) => i.id),
      [upload.stdout.trim()],
    );
    const quota = await a!.run(['quota', '--json']);
    assert.equal((JSON.parse(quota.stdout.trim()) as { spent: number }).spent, 1600);
    const wrong = fleet.url.replace(/\/fleet_\w+$/, '/nowhere');
    const missing = await a!.run(['history'], { VUPLOAD_STATE_URL: wrong });
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /does not exist/);
    for (const r of [first, again, upload, history, quota, missing]) {
      assert.ok(!`${r.stdout}${r.stderr}`.includes(server().password), 'the password never appears');
    }
  });

  test('PG* variables fill in what the URL leaves out, and sslmode is honoured', async () => {
    const [a] = fleet.machines;
    const url = new URL(fleet.url);
    const pgEnv = {
      VUPLOAD_STATE_URL: 'postgres://',
      PGHOST: url.hostname,
      PGPORT: url.port,
      PGUSER: url.username,
      PGPASSWORD: decodeURIComponent(url.password),
      PGDATABASE: url.pathname.slice(1),
    };
    const history = await a!.run(['history', '--json'], pgEnv);
    assert.equal(history.code, 0, history.stderr);
    assert.ok(history.stdout.trim().split('\n').length > 0);
    for (const line of history.stdout.trim().split('\n')) assert.ok((JSON.parse(line) as { id?: string }).id);
    // The test server offers no TLS: sslmode=require (URL or PGSSLMODE) must not fall back to plain text.
    const modes: Record<string, string>[] = [
      { PGSSLMODE: 'require' },
      { VUPLOAD_STATE_URL: `${fleet.url}?sslmode=require` },
    ];
    for (const env of modes) {
      const refused = await a!.run(['history'], { ...pgEnv, ...env });
      assert.equal(refused.code, 5, refused.stderr);
      assert.match(refused.stderr, /does not support SSL/);
      assert.ok(!refused.stderr.includes(server().password));
    }
  });

  test('the same content twice in one run with --concurrency: one upload, and no other vupload is blamed', async () => {
    const [a] = fleet.machines;
    const one = await makeVideo(join(fleet.dir, 'twice-1.mp4'), 100_000);
    const two = join(fleet.dir, 'twice-2.mp4');
    await copyFile(one, two);
    const mark = fleet.sb.requests.length;
    const result = await a!.run(['upload', one, two, '--concurrency', '2']);
    assert.equal(result.code, 0, result.stderr);
    const [x, y] = result.stdout.trim().split('\n');
    assert.equal(x, y);
    assert.equal(startedUploads(fleet, mark), 1);
    // The later job waits for the earlier (or finds it recorded, if it came late): never "another vupload".
    assert.doesNotMatch(result.stderr, /Another vupload|pid \d+/);
  });

  test("Youku's resume state goes to the database: a run stopped after create is continued, not created again", async () => {
    const youku = await youkuCliEnv();
    try {
      const env = { VUPLOAD_STATE_URL: fleet.url };
      const login = await youku.run(['auth', 'login', '--provider', 'youku'], { env, openUrl: playBrowser });
      assert.equal(login.code, 0, login.stderr);
      const file = await makeVideo(join(youku.dir, 'clip.mp4'), 300_000);
      const argv = ['--provider', 'youku', '--file', file, '--tags', 'a'];
      youku.sb.faults.add({ on: 'commit', error: 120020001, httpStatus: 200 });
      const failed = await youku.run(argv, { env });
      assert.equal(failed.code, 1, failed.stderr);
      const kept = await fleet.query("SELECT key FROM vupload.provider_state WHERE provider = 'youku'");
      assert.equal(kept.length, 1, 'the upload token is kept in the database');
      assert.equal(
        await readdir(join(youku.env.VUPLOAD_STATE_DIR!, 'youku'))
          .catch(() => [])
          .then((f) => f.length),
        0,
      );
      const again = await youku.run(argv, { env });
      assert.equal(again.code, 0, again.stderr);
      assert.equal(youku.sb.requests.filter((r) => r.kind === 'create').length, 1, 'created once');
      assert.deepEqual(await fleet.query('SELECT key FROM vupload.provider_state'), []);
      const [row] = await fleet.query<{ provider: string }>(
        'SELECT provider FROM vupload.uploads WHERE video_id = $1',
        [again.stdout.trim()],
      );
      assert.equal(row?.provider, 'youku');
    } finally {
      await youku.close();
    }
  });

  test('without --state-url nothing touches the database (the state directory holds the journal)', async () => {
    const [a] = fleet.machines;
    const file = await makeVideo(join(fleet.dir, 'local.mp4'), 50_000);
    const result = await spawnCli(['upload', file, '--quiet'], {
      env: { ...a!.env, VUPLOAD_STATE_URL: '' },
      cwd: a!.dir,
    });
    assert.equal(result.code, 0, result.stderr);
    const history = await readFile(join(a!.env.VUPLOAD_STATE_DIR!, 'history.jsonl'), 'utf8');
    assert.ok(history.includes(result.stdout.trim()));
    const rows = await fleet.query('SELECT 1 FROM vupload.uploads WHERE video_id = $1', [
      result.stdout.trim(),
    ]);
    assert.equal(rows.length, 0);
  });
});
