// This file kills real vupload processes at chosen durable steps and re-runs them: each upload happens exactly once,
// its id is never lost, and "already uploaded" means the same bytes (issue 11, items 2-4).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { crashAt, spawnCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

let t: CliEnv;
before(async () => {
  t = await cliEnv();
  await t.login();
});
after(() => t.close());

/** Upload sessions the sandbox finished since `mark` (one per video created). */
function finishedUploads(mark: number): string[] {
  const ids = t
    .since(mark)
    .filter(
      (r) => (r.kind === 'upload-chunk' || r.kind === 'upload-status') && r.status >= 200 && r.status < 300,
    )
    .map((r) => r.uploadId ?? '');
  return [...new Set(ids)];
}

async function historyLines(): Promise<Array<{ videoId: string; file: string; contentHash?: string }>> {
  const text = await readFile(join(t.env.VUPLOAD_STATE_DIR, 'history.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { videoId: string; file: string; contentHash?: string });
}

function vupload(argv: string[], crash?: ReturnType<typeof crashAt>) {
  return spawnCli(argv, {
    cwd: t.dir,
    env: { ...t.env, ...(crash?.env ?? {}) },
    ...(crash ? { nodeArgs: crash.nodeArgs } : {}),
  });
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('a kill at any durable step of an upload', () => {
  test('of the whole job (upload, thumbnail, playlist, move), then the same command again: everything once', async () => {
    const trace = join(t.dir, 'job-trace.txt');
    const done = join(t.dir, 'done');
    // A playlist of its own per file: every run creates one, so every run makes the same durable changes.
    const job = (file: string) => [
      '--file',
      file,
      '--thumbnail',
      fixture('thumbnail.jpg'),
      '--playlist',
      `Sweep ${basename(file)}`,
      '--create-playlist',
      '--move-to',
      done,
    ];
    const probe = await makeVideo(join(t.dir, 'job-probe.mp4'), 100_000);
    // The state directory exists before the probe, as before every later run: a run that must create it first
    // makes one more durable change (mkdir of each missing folder), and the probe's count must be every run's.
    await mkdir(t.env.VUPLOAD_STATE_DIR, { recursive: true });
    const traced = await vupload(job(probe), crashAt(0, { trace, match: t.dir }));
    assert.equal(traced.code, 0, traced.stderr);
    const steps = (await readFile(trace, 'utf8')).trim().split('\n');
    assert.ok(
      steps.some((s) => /history\.jsonl/.test(s)),
      steps.join('\n'),
    );
    assert.ok(
      steps.some((s) => /^\d+ unlink .*sessions/.test(s)),
      steps.join('\n'),
    );
    assert.ok(
      steps.some((s) => /steps\.jsonl/.test(s)),
      steps.join('\n'),
    );
    assert.ok(
      steps.some((s) => /^\d+ link .*done/.test(s)),
      steps.join('\n'),
    );
    for (let k = 1; k <= steps.length; k += 1) {
      const what = `step ${k} (${steps[k - 1]})`;
      const file = await makeVideo(join(t.dir, `job-${k}.mp4`), 100_000);
      const mark = t.sb.requests.length;
      const killed = await vupload(job(file), crashAt(k, { match: t.dir }));
      assert.equal(killed.code, 137, `${what}: ${killed.stderr}`);
      const again = await vupload(job(file));
      const moved = join(done, `job-${k}.mp4`);
      // Killed after the source was removed: the job is complete, and the file is no longer where it was.
      const finished = again.code === 2 && /no such file/.test(again.stderr) && (await exists(moved));
      assert.ok(again.code === 0 || finished, `${what}: ${again.code} ${again.stderr}`);
      assert.equal(finishedUploads(mark).length, 1, `${what}: uploads`);
      const lines = (await historyLines()).filter((l) => l.file === file);
      assert.equal(lines.length, 1, `${what}: journal lines`);
      const id = lines[0]!.videoId;
      assert.ok(t.sb.thumbnail(id), `${what}: thumbnail`);
      const playlists = t.sb.playlists().filter((p) => p.title === `Sweep job-${k}.mp4`);
      assert.equal(playlists.length, 1, `${what}: playlists`);
      assert.equal(playlists[0]!.videoIds.filter((v) => v === id).length, 1, `${what}: playlist items`);
      assert.equal(await exists(file), false, `${what}: source left`);
      assert.equal(await exists(moved), true, `${what}: not moved`);
    }
  });

  test('before the journal line, re-run with another title: the finished video is recorded, not uploaded again', async () => {
    const file = await makeVideo(join(t.dir, 'retitled.mp4'), 200_000);
    const mark = t.sb.requests.length;
    const killed = await vupload(
      ['--file', file, '--title', 'First title'],
      crashAt(1, { match: 'open .*history\\.jsonl' }),
    );
    assert.equal(killed.code, 137, killed.stderr);
    assert.equal(finishedUploads(mark).length, 1, 'the server finished the upload before the kill');
    const again = await vupload(['--file', file, '--title', 'Another title']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(finishedUploads(mark).length, 1, 'no second upload');
    assert.match(again.stderr, /earlier run/);
    // This run's command describes the video (issue 27, item 3): the title it sets replaces the earlier run's.
    assert.match(again.stderr, /snippet\.title: "First title" -> "Another title"/);
    const lines = (await historyLines()).filter((l) => l.file === file);
    assert.equal(lines.length, 1);
    assert.equal(again.stdout.trim(), lines[0]?.videoId);
    const video = t.sb.video(lines[0]!.videoId) as { snippet?: { title?: string } } | undefined;
    assert.equal(video?.snippet?.title, 'Another title');
  });

  test('a full disk at the journal: the id still reaches stdout, the next run records it instead of uploading', async () => {
    const file = await makeVideo(join(t.dir, 'full-disk.mp4'), 200_000);
    const mark = t.sb.requests.length;
    const full = await vupload(
      ['--file', file, '--title', 'Full disk'],
      crashAt(1, { match: 'open .*history\\.jsonl', errno: 'ENOSPC' }),
    );
    assert.equal(full.code, 1, full.stderr);
    const id = full.stdout.trim();
    assert.match(id, /^[\w-]{11}$/);
    assert.match(full.stderr, /could not record it in .*history\.jsonl \(ENOSPC\)/);
    assert.doesNotMatch(full.stderr, /unexpected error|network/i);
    const again = await vupload(['--file', file, '--title', 'Full disk']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), id);
    assert.equal(finishedUploads(mark).length, 1);
    assert.equal((await historyLines()).filter((l) => l.videoId === id).length, 1);
  });
});

describe('"already uploaded" means the same bytes', () => {
  test('two files that share size and samples are told apart by their whole content', async () => {
    const day1 = await makeVideo(join(t.dir, 'day1.mp4'), 10_000_000);
    const bytes = await readFile(day1);
    bytes[2_000_001] = (bytes[2_000_001]! + 1) % 256;
    const day2 = join(t.dir, 'day2.mp4');
    await writeFile(day2, bytes);
    const first = await t.run(['--file', day1, '--title', 'Day 1']);
    assert.equal(first.code, 0, first.stderr);
    const mark = t.sb.requests.length;
    const second = await t.run(['--file', day2, '--title', 'Day 2', '--delete-after']);
    assert.equal(second.code, 0, second.stderr);
    assert.notEqual(second.stdout.trim(), first.stdout.trim(), 'day2 is not day1');
    assert.equal(finishedUploads(mark).length, 1, 'day2 was uploaded');
    assert.equal(await exists(day2), false, 'deleted once its own upload was recorded');
  });

  test('the same bytes under another name are not uploaded again, and --delete-after may delete them', async () => {
    const original = await makeVideo(join(t.dir, 'original.mp4'), 500_000);
    const first = await t.run(['--file', original]);
    assert.equal(first.code, 0, first.stderr);
    const copy = join(t.dir, 'copy.mp4');
    await copyFile(original, copy);
    const mark = t.sb.requests.length;
    const again = await t.run(['--file', copy, '--delete-after', '--json']);
    assert.equal(again.code, 0, again.stderr);
    const outcome = JSON.parse(again.stdout) as { id: string; alreadyUploaded: boolean; contentHash: string };
    assert.equal(outcome.id, first.stdout.trim());
    assert.equal(outcome.alreadyUploaded, true);
    assert.match(outcome.contentHash, /^xxh3-128:[0-9a-f]{32}$/);
    assert.equal(t.since(mark).length, 0, 'nothing sent');
    assert.equal(await exists(copy), false);
  });

  test('a record without a content hash (vupload 0.1) is not proof enough to delete or move a file', async () => {
    const file = await makeVideo(join(t.dir, 'legacy.mp4'), 100_000);
    const first = await t.run(['--file', file]);
    assert.equal(first.code, 0, first.stderr);
    const history = join(t.env.VUPLOAD_STATE_DIR, 'history.jsonl');
    const lines = (await readFile(history, 'utf8')).split('\n').filter(Boolean);
    const legacy = lines.map((line) => {
      const { contentHash: _, mtimeMs: __, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return JSON.stringify(rest);
    });
    await writeFile(history, `${legacy.join('\n')}\n`);
    const again = await t.run(['--file', file, '--delete-after']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), first.stdout.trim());
    assert.match(again.stderr, /without a content hash/);
    assert.equal(await exists(file), true, 'left where it is');
    await rm(file);
  });

  test('a SHA-256 record (vupload before XXH3-128) still proves the same bytes, and only them', async () => {
    const original = await makeVideo(join(t.dir, 'sha.mp4'), 10_000_000);
    const first = await t.run(['--file', original, '--title', 'SHA']);
    assert.equal(first.code, 0, first.stderr);
    const bytes = await readFile(original);
    const sha256 = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const history = join(t.env.VUPLOAD_STATE_DIR, 'history.jsonl');
    const lines = (await readFile(history, 'utf8')).split('\n').filter(Boolean);
    const rewritten = lines.map((line) => {
      const entry = JSON.parse(line) as { videoId: string; contentHash?: string };
      return JSON.stringify(
        entry.videoId === first.stdout.trim() ? { ...entry, contentHash: sha256 } : entry,
      );
    });
    await writeFile(history, `${rewritten.join('\n')}\n`);

    const copy = join(t.dir, 'sha-copy.mp4');
    await copyFile(original, copy);
    const mark = t.sb.requests.length;
    const again = await t.run(['--file', copy, '--delete-after', '--json']);
    assert.equal(again.code, 0, again.stderr);
    const outcome = JSON.parse(again.stdout) as { id: string; alreadyUploaded: boolean; contentHash: string };
    assert.equal(outcome.alreadyUploaded, true);
    assert.equal(outcome.id, first.stdout.trim());
    assert.equal(outcome.contentHash, sha256);
    assert.equal(t.since(mark).length, 0, 'nothing sent');
    assert.equal(await exists(copy), false, 'its SHA-256 is a recorded upload');

    bytes[2_000_001] = (bytes[2_000_001]! + 1) % 256;
    const other = join(t.dir, 'sha-other.mp4');
    await writeFile(other, bytes);
    const otherMark = t.sb.requests.length;
    const third = await t.run(['--file', other, '--title', 'Other']);
    assert.equal(third.code, 0, third.stderr);
    assert.notEqual(third.stdout.trim(), first.stdout.trim());
    assert.equal(finishedUploads(otherMark).length, 1, 'the other content was uploaded');
  });
});
