// This file compares vupload's own quota count with what the sandbox charged: a playlist a step creates, and runs
// killed after counting — before the journal line, and after a playlist step reached YouTube but before its record —
// whose re-runs count only the calls they make themselves, never the same steps a second time.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { estimateUploadCost, operationCost } from '../../src/providers/youtube/quota.js';
import { pacificDay } from '../../src/unattended/quota.js';
import { type CliResult, crashAt, spawnCli } from '../helpers/cli.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

let t: CliEnv;
before(async () => {
  t = await cliEnv();
  await t.login();
  // The playlists exist before the kills: what creating one costs is tested on its own.
  const file = await makeVideo(join(t.dir, 'setup.mp4'), 20_000);
  const lists = ['Quota A', 'Quota B', 'Quota C', 'Quota D'].flatMap((title) => ['--playlist', title]);
  const setup = await vupload(['--file', file, '--title', 'Setup', ...lists, '--create-playlist']);
  assert.equal(setup.code, 0, setup.stderr);
});
after(() => t.close());

/** Today's units in vupload's own count (the state directory's quota.json) and in the sandbox's. */
async function units(): Promise<{ counted: number; charged: number }> {
  const text = await readFile(join(t.env.VUPLOAD_STATE_DIR!, 'quota.json'), 'utf8').catch(() => '{}');
  const ledger = JSON.parse(text) as { accounts?: Record<string, Record<string, { spent: number }>> };
  return {
    counted: ledger.accounts?.default?.[pacificDay(new Date())]?.spent ?? 0,
    charged: t.sb.quotaUsed(),
  };
}

function vupload(argv: string[], crash?: ReturnType<typeof crashAt>): Promise<CliResult> {
  return spawnCli(argv, { env: { ...t.env, ...crash?.env }, nodeArgs: crash?.nodeArgs ?? [], cwd: t.dir });
}

const items = (title: string) => t.sb.playlists().find((p) => p.title === title)?.videoIds.length;

/** Kills the run before it records its upload in the journal: the video is finished on the server. */
const beforeJournal = () => crashAt(1, { match: 'open .*history\\.jsonl' });
/** Kills the run before it records its first step: the playlist item is on the server. */
const beforeStepRecord = () => crashAt(1, { match: '^open .*steps\\.jsonl$' });

/** The units of a playlist step, with the check a re-run makes first (playlistItems.list) or without. */
const playlistStep = (checks: boolean) => estimateUploadCost({ insert: false, playlists: 1, checks });

test('a playlist a step creates is counted as it is created: the count is what the sandbox charged', async () => {
  const file = await makeVideo(join(t.dir, 'creates.mp4'), 20_000);
  const start = await units();
  const run = await vupload([
    '--file',
    file,
    '--title',
    'Creates',
    '--playlist',
    'Quota new',
    '--create-playlist',
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(items('Quota new'), 1);
  const end = await units();
  assert.equal(end.counted - start.counted, end.charged - start.charged);
});

test('an upload whose create never connected (its proxy down) gives back the units it counted; YouTube charged none', async () => {
  // A port nothing listens on: the proxy refuses every connection, so the create never leaves this machine.
  const closed = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
  const file = await makeVideo(join(t.dir, 'no-network.mp4'), 20_000);
  const start = await units();
  const argv = ['--file', file, '--title', 'No network', '--playlist', 'Quota D', '--retries', '0'];
  const run = await vupload([...argv, '--proxy', `http://127.0.0.1:${closed}`]);
  assert.equal(run.code, 5, run.stderr);
  assert.match(run.stderr, /Could not connect to the proxy/);
  assert.deepEqual(await units(), start, 'nothing counted, nothing charged');
  // The same command with the network back: counted once, as charged.
  const again = await vupload(argv);
  assert.equal(again.code, 0, again.stderr);
  const end = await units();
  assert.equal(end.counted - start.counted, end.charged - start.charged);
});

test('a run killed right before it gives its units back keeps them counted (the safe side); the re-run uploads once', async () => {
  const closed = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
  const file = await makeVideo(join(t.dir, 'killed-give-back.mp4'), 20_000);
  const before = t.sb.videos().length;
  const start = await units();
  const argv = ['--file', file, '--title', 'Killed give-back', '--retries', '0', '--json'];
  // The ledger is written twice: the reservation, then the give-back; the kill comes before the second.
  const killed = await vupload(
    [...argv, '--proxy', `http://127.0.0.1:${closed}`],
    crashAt(2, { match: 'rename .*quota\\.json' }),
  );
  assert.equal(killed.code, 137, killed.stderr);
  const afterKill = await units();
  assert.ok(afterKill.counted > start.counted, 'the reservation stays counted');
  assert.equal(afterKill.charged, start.charged, 'YouTube charged nothing');
  const again = await vupload(argv);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(t.sb.videos().length, before + 1, 'one video');
  const end = await units();
  assert.ok(
    end.counted - start.counted >= end.charged - start.charged,
    'never counted less than was charged',
  );
});

describe('a run killed after counting its quota', () => {
  test('before its journal line: the re-run records the upload and does its steps, counting nothing more', async () => {
    const file = await makeVideo(join(t.dir, 'before-journal.mp4'), 100_000);
    const argv = ['--file', file, '--title', 'Counted once', '--playlist', 'Quota A'];
    const start = await units();
    const killed = await vupload(argv, beforeJournal());
    assert.equal(killed.code, 137, killed.stderr);
    const afterKill = await units();
    assert.ok(afterKill.counted > start.counted, 'the killed run counted the upload and its steps');
    const again = await vupload(argv);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(items('Quota A'), 2, 'the setup video and this one');
    const end = await units();
    assert.equal(end.counted, afterKill.counted, 'the re-run counted the steps a second time');
    assert.ok(end.counted - start.counted >= end.charged - start.charged, 'counted less than was charged');
  });

  test('before its first step record: the re-run counts its lookups and checks, and a step not planned before in full', async () => {
    const file = await makeVideo(join(t.dir, 'before-step.mp4'), 100_000);
    const argv = ['--file', file, '--title', 'Steps once', '--playlist', 'Quota B'];
    const start = await units();
    const killed = await vupload(argv, beforeStepRecord());
    assert.equal(killed.code, 137, killed.stderr);
    const afterKill = await units();
    assert.equal(items('Quota B'), 2, 'the step reached YouTube');

    const again = await vupload(argv);
    assert.equal(again.code, 0, again.stderr);
    const afterRerun = await units();
    // Its own calls: the playlist lookup and the check that finds the item; the insert was counted and made.
    assert.equal(
      afterRerun.counted - afterKill.counted,
      playlistStep(true) - operationCost('playlistItems.insert'),
    );
    assert.ok(
      afterRerun.counted - start.counted >= afterRerun.charged - start.charged,
      `counted less than charged: ${JSON.stringify({ start, afterKill, afterRerun })}`,
    );

    // Another playlist the same day: not in what the first run counted, so it is counted in full (with its check).
    const more = await vupload([...argv, '--playlist', 'Quota C']);
    assert.equal(more.code, 0, more.stderr);
    const end = await units();
    assert.equal(end.counted - afterRerun.counted, playlistStep(true));
    assert.ok(
      end.counted - start.counted >= end.charged - start.charged,
      `counted less than charged: ${JSON.stringify({ start, afterKill, afterRerun, end })}`,
    );
  });
});
