// This file tests the re-run rule "the command describes the video" (issue 27, item 3): content uploaded before whose
// recorded metadata differs in fields the command sets is updated to them (counted, printed, journaled), --no-update
// only reports it, an edit made elsewhere is not undone by an unchanged command, and a kill after the update is safe.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pacificDay } from '../../src/unattended/quota.js';
import { crashAt, jsonLines, spawnCli } from '../helpers/cli.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

interface Line {
  id: string;
  title?: string;
  alreadyUploaded: boolean;
  updated?: Array<{ field: string; before: unknown; after: unknown }>;
  notUpdated?: Array<{ field: string; before: unknown; after: unknown }>;
  playlists: Array<{ title: string }>;
}

describe('a re-run with other metadata', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  const video = (id: string) =>
    t.sb.video(id) as { snippet: { title: string; description?: string }; status: { privacyStatus: string } };
  /** videos.update requests (PUT …/videos) since `mark`. */
  const updates = (mark: number) =>
    t.since(mark).filter((r) => r.method === 'PUT' && r.path === '/youtube/v3/videos');
  /** Today's units in vupload's ledger. */
  const counted = async () => {
    const ledger = JSON.parse(await readFile(join(t.env.VUPLOAD_STATE_DIR!, 'quota.json'), 'utf8')) as {
      accounts: Record<string, Record<string, { spent: number }>>;
    };
    return ledger.accounts.default?.[pacificDay(new Date())]?.spent ?? 0;
  };
  const one = async (argv: string[]) => {
    const result = await t.run([...argv, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const [line] = jsonLines<Line>(result.stdout);
    assert.ok(line, result.stdout);
    return { line, stderr: result.stderr };
  };

  test('updates the fields the command changed, with the new playlist, counted and printed; never suggests --force', async () => {
    const file = await makeVideo(join(t.dir, 'pl.mp4'), 30_000);
    const first = await one(['upload', file, '--title', 'Original title', '--description', 'Kept']);
    const mark = t.sb.requests.length;
    const [units, charged] = [await counted(), t.sb.quotaUsed()];
    const argv = ['upload', file, '--title', 'Changed title', '--privacy', 'public'];
    const again = await one([...argv, '--playlist', 'Rerun PL', '--create-playlist']);
    assert.equal(again.line.id, first.line.id, 'the same video');
    assert.equal(again.line.alreadyUploaded, true);
    assert.equal(t.since(mark).filter((r) => r.kind === 'upload-init').length, 0, 'nothing uploaded');
    assert.deepEqual(again.line.updated, [
      { field: 'snippet.title', before: 'Original title', after: 'Changed title' },
      { field: 'status.privacyStatus', before: 'private', after: 'public' },
    ]);
    assert.equal(again.line.title, 'Changed title');
    assert.deepEqual(
      again.line.playlists.map((p) => p.title),
      ['Rerun PL'],
    );
    const now = video(first.line.id);
    assert.equal(now.snippet.title, 'Changed title');
    assert.equal(now.status.privacyStatus, 'public');
    assert.equal(now.snippet.description, 'Kept', 'a field the command did not change stays');
    assert.match(again.stderr, /snippet\.title: "Original title" -> "Changed title"/);
    assert.match(again.stderr, /status\.privacyStatus: "private" -> "public"/);
    assert.doesNotMatch(again.stderr, /--force/);
    assert.equal(updates(mark).length, 1);
    // Counted in the ledger as the sandbox charged it: videos.list and videos.update, and the playlist step.
    assert.equal((await counted()) - units, t.sb.quotaUsed() - charged);

    // The journal holds the update: the same command again sends nothing.
    const quiet = t.sb.requests.length;
    const same = await one(argv);
    assert.equal(same.line.updated, undefined);
    assert.equal(same.line.title, 'Changed title', 'the title as the journal knows it now');
    assert.equal(t.since(quiet).length, 0, same.stderr);
    assert.match(same.stderr, /nothing sent \(--force uploads it again\)/);
    const history = jsonLines<{ id: string; title: string; steps: Array<{ step: string }> }>(
      (await t.run(['history', '--json'])).stdout,
    ).find((h) => h.id === first.line.id);
    assert.equal(history?.title, 'Changed title');
    assert.ok(history?.steps.some((s) => s.step === 'updated'));
  });

  test('compares with what was recorded, not the server: an edit made elsewhere stays; --no-update only reports', async () => {
    const file = await makeVideo(join(t.dir, 'studio.mp4'), 30_000);
    const { line } = await one(['upload', file, '--title', 'Cron title']);
    // Edited in YouTube Studio (here: vupload update, which records nothing in the journal).
    const studio = await t.run(['update', line.id, '--title', 'Studio title']);
    assert.equal(studio.code, 0, studio.stderr);
    const mark = t.sb.requests.length;
    const cron = await one(['upload', file, '--title', 'Cron title']);
    assert.equal(cron.line.updated, undefined);
    assert.equal(t.since(mark).length, 0, 'nothing asked or sent');
    assert.equal(video(line.id).snippet.title, 'Studio title');

    const report = await one(['upload', file, '--title', 'New cron title', '--no-update']);
    assert.deepEqual(report.line.notUpdated, [
      { field: 'snippet.title', before: 'Cron title', after: 'New cron title' },
    ]);
    assert.equal(report.line.updated, undefined);
    assert.match(
      report.stderr,
      /not updated \(--no-update\):\n {2}snippet\.title: "Cron title" -> "New cron title"/,
    );
    assert.doesNotMatch(report.stderr, /--force/);
    assert.equal(t.since(mark).length, 0, 'nothing sent with --no-update');
    assert.equal(video(line.id).snippet.title, 'Studio title');
  });

  test('a templated title is compared by its template: the same command over a folder that gained a file renames nothing', async () => {
    const [b, c] = await Promise.all(['b.mp4', 'c.mp4'].map((n) => makeVideo(join(t.dir, n), 30_000)));
    const a = await makeVideo(join(t.dir, 'a.mp4'), 30_000);
    const first = await t.run(['upload', b!, c!, '--title', 'Talk #{index}']);
    assert.equal(first.code, 0, first.stderr);
    const [idB] = first.stdout.trim().split('\n');
    // a.mp4 comes first now: b.mp4 would render as "Talk #2".
    const mark = t.sb.requests.length;
    const again = await t.run(['upload', a, b!, c!, '--title', 'Talk #{index}', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(updates(mark).length, 0, again.stderr);
    assert.equal(video(idB!).snippet.title, 'Talk #1');
    // Another template is another command: applied, as rendered for this run.
    const other = await t.run(['upload', b!, '--title', 'Meetup: {name}', '--json']);
    assert.equal(jsonLines<Line>(other.stdout)[0]?.updated?.[0]?.after, 'Meetup: b');
    assert.equal(video(idB!).snippet.title, 'Meetup: b');
  });

  test('a journal line of an older vupload (no metadata recorded): nothing compared, said so, no --force', async () => {
    const file = await makeVideo(join(t.dir, 'old.mp4'), 30_000);
    const { line } = await one(['upload', file, '--title', 'Old line']);
    const history = join(t.env.VUPLOAD_STATE_DIR!, 'history.jsonl');
    const lines = (await readFile(history, 'utf8')).split('\n').filter(Boolean);
    const stripped = lines.map((l) => {
      const { metadata: _, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
    await writeFile(history, `${stripped.join('\n')}\n`);
    const mark = t.sb.requests.length;
    const result = await one(['upload', file, '--title', 'Wanted now']);
    assert.equal(result.line.id, line.id);
    assert.equal(t.since(mark).length, 0);
    assert.match(
      result.stderr,
      /was not recorded \(an older vupload\).*`vupload update \S+ (…|\.\.\.)` changes it/s,
    );
    assert.doesNotMatch(result.stderr, /--force/);
    assert.equal(video(line.id).snippet.title, 'Old line');
  });

  test('killed after the update but before its journal record: the re-run updates nothing more and records it', async () => {
    const file = await makeVideo(join(t.dir, 'kill.mp4'), 30_000);
    const { line } = await one(['upload', file, '--title', 'Before kill']);
    const argv = ['upload', file, '--title', 'After kill'];
    const crash = crashAt(1, { match: '^open .*steps\\.jsonl$' });
    const mark = t.sb.requests.length;
    const killed = await spawnCli(argv, {
      env: { ...t.env, ...crash.env },
      nodeArgs: crash.nodeArgs,
      cwd: t.dir,
    });
    assert.equal(killed.code, 137, `killed by the preload: ${killed.stderr}`);
    assert.equal(video(line.id).snippet.title, 'After kill', 'the update reached the server before the kill');
    assert.equal(updates(mark).length, 1);

    const [units, charged] = [await counted(), t.sb.quotaUsed()];
    const again = await one(argv);
    assert.equal(again.line.id, line.id);
    assert.equal(updates(mark).length, 1, 'no second videos.update: the server has the values already');
    assert.equal((await counted()) - units, t.sb.quotaUsed() - charged, 'only the videos.list is counted');
    assert.equal(again.line.updated?.[0]?.after, 'After kill');
    const quiet = t.sb.requests.length;
    await one(argv);
    assert.equal(t.since(quiet).length, 0, 'recorded: the third run asks nothing');
  });

  test("a kept session that finished with an earlier run's title is updated to this run's", async () => {
    const file = await makeVideo(join(t.dir, 'earlier.mp4'), 200_000);
    const crash = crashAt(1, { match: 'open .*history\\.jsonl' });
    const killed = await spawnCli(['--file', file, '--title', 'First title'], {
      env: { ...t.env, ...crash.env },
      nodeArgs: crash.nodeArgs,
      cwd: t.dir,
    });
    assert.equal(killed.code, 137, killed.stderr);
    const again = await one(['--file', file, '--title', 'Another title']);
    assert.match(again.stderr, /earlier run/);
    assert.deepEqual(again.line.updated, [
      { field: 'snippet.title', before: 'First title', after: 'Another title' },
    ]);
    assert.equal(video(again.line.id).snippet.title, 'Another title');
  });
});
