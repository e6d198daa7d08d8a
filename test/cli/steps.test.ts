// This file tests that the steps after an upload happen once: killed between an insert and its record, run again.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { crashAt, spawnCli } from '../helpers/cli.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

/** Kills vupload right before it opens the steps journal to record the first step: the insert is done, unrecorded. */
const killBeforeFirstStepRecord = crashAt(1, { match: '^open .*steps\\.jsonl$' });

describe('idempotent steps', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  const spawnKilled = (argv: string[]) =>
    spawnCli(argv, {
      env: { ...t.env, ...killBeforeFirstStepRecord.env },
      nodeArgs: killBeforeFirstStepRecord.nodeArgs,
      cwd: t.dir,
    });
  const inserts = (mark: number, path: string) =>
    t.since(mark).filter((r) => r.method === 'POST' && r.path.endsWith(path)).length;

  test('killed between playlistItems.insert and its record, the re-run leaves one playlist item', async () => {
    const file = await makeVideo(join(t.dir, 'pl.mp4'), 30_000);
    const argv = ['--file', file, '--playlist', 'Crash PL', '--create-playlist'];
    const killed = await spawnKilled(argv);
    assert.equal(killed.code, 137, `killed by the preload: ${killed.stderr}`);
    const playlist = t.sb.playlists().find((p) => p.title === 'Crash PL');
    assert.equal(playlist?.videoIds.length, 1, 'the insert reached the server before the kill');

    const mark = t.sb.requests.length;
    const again = await t.run(argv);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), playlist?.videoIds[0]);
    assert.equal(inserts(mark, '/playlistItems'), 0, 'no second playlistItems.insert');
    assert.deepEqual(t.sb.playlists().find((p) => p.title === 'Crash PL')?.videoIds, playlist?.videoIds);
    assert.match(again.stderr, /in playlist "Crash PL" already/);
  });

  test('killed between captions.insert and its record, the re-run leaves one caption track', async () => {
    const file = await makeVideo(join(t.dir, 'cap.mp4'), 30_000);
    const vtt = join(t.dir, 'cap.vtt');
    await writeFile(vtt, 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n');
    const argv = ['--file', file, '--caption', `${vtt}:en`];
    const killed = await spawnKilled(argv);
    assert.equal(killed.code, 137, `killed by the preload: ${killed.stderr}`);
    const id = t.sb.requests.findLast((r) => r.kind === 'caption')?.json as
      | { snippet?: { videoId?: string } }
      | undefined;
    const videoId = id?.snippet?.videoId ?? '';
    assert.equal(t.sb.captions(videoId).length, 1, 'the insert reached the server before the kill');

    const mark = t.sb.requests.length;
    const again = await t.run(argv);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), videoId);
    assert.equal(inserts(mark, '/captions'), 0, 'no second captions.insert');
    assert.equal(t.sb.captions(videoId).length, 1);
  });

  test('three concurrent jobs with --create-playlist create one playlist and add all three videos', async () => {
    const files = await Promise.all(
      ['r1', 'r2', 'r3'].map((name) => makeVideo(join(t.dir, `${name}.mp4`), 20_000)),
    );
    // Each job's first look at the playlists is answered late, so all three look before any of them creates it:
    // without the lock each one would create its own "Race PL".
    t.sb.faults.add({ on: { method: 'GET', path: '/youtube/v3/playlists' }, delayMs: 500, times: 3 });
    const result = await t.run([
      'upload',
      ...files,
      '--concurrency',
      '3',
      '--playlist',
      'Race PL',
      '--create-playlist',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const ids = result.stdout.trim().split('\n');
    assert.equal(ids.length, 3);
    const race = t.sb.playlists().filter((p) => p.title === 'Race PL');
    assert.equal(race.length, 1, `one playlist, not ${race.length}`);
    assert.deepEqual([...(race[0]?.videoIds ?? [])].sort(), [...ids].sort());

    const later = await makeVideo(join(t.dir, 'r4.mp4'), 20_000);
    const next = await t.run(['--file', later, '--playlist', 'Race PL']);
    assert.equal(next.code, 0, `a later run finds the playlist by its title: ${next.stderr}`);
  });
});
