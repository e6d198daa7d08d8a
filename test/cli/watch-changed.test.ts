// This file runs real `vupload watch` processes on a recording that changes while it is being uploaded: its new
// content is uploaded once it settles, by the same watcher or a restarted one, and the stale session is dropped.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { crashAt } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import type { CliEnv } from './env.js';
import { makeVideo } from './video-file.js';
import { startWatcher, useWatcherEnv, type Watcher } from './watcher.js';

let t: CliEnv;
useWatcherEnv((env) => {
  t = env;
});

const sha = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

/** History lines of `file` (the journal is JSON Lines). */
async function historyOf(file: string): Promise<Array<{ videoId: string; size: number }>> {
  const text = await readFile(join(t.env.VUPLOAD_STATE_DIR!, 'history.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { videoId: string; file: string; size: number })
    .filter((line) => line.file === file);
}

/**
 * A 1 MB recording in a new folder, being uploaded in 256 KiB chunks whose answers are held back, and 900 KB
 * appended to it in three writes once its first chunk was sent (issue 29's reproduction).
 */
async function recordingAppendedDuringUpload(
  name: string,
  settle: string,
): Promise<{ file: string; w: Watcher }> {
  const dir = join(t.dir, name);
  await mkdir(dir);
  const file = await makeVideo(join(dir, `${name}.mp4`), 1_000_000);
  t.sb.faults.add({ on: 'upload-chunk', delayMs: 400, times: 4 });
  const mark = t.sb.requests.length;
  const w = startWatcher(t, dir, ['--chunk-size', '256K'], { settle });
  await waitFor('the first chunk', () => t.since(mark).some((r) => r.kind === 'upload-chunk'));
  for (let i = 0; i < 3; i++) {
    await appendFile(file, randomBytes(300_000));
    await delay(100);
  }
  return { file, w };
}

describe('vupload watch and a file that changes while it is uploaded', () => {
  test('the watcher uploads its new content once it settles, and drops the stale session', async () => {
    const { file, w } = await recordingAppendedDuringUpload('appended', '300ms');
    await waitFor(`the new content to be uploaded:\n${w.stderr}`, () => w.ids().length === 1);
    const [id] = w.ids();
    assert.equal(t.sb.media(id!)?.size, 1_900_000);
    assert.equal(t.sb.media(id!)?.sha256, await sha(file), 'the video holds the file as it is now');
    assert.match(
      w.stderr,
      /appended\.mp4 changed \(size 1000000 (→|->) \d+ bytes\); nothing more was sent\. Its new content/,
    );
    assert.match(w.stderr, /Not resuming the earlier interrupted upload of appended\.mp4: the file changed/);
    assert.doesNotMatch(w.stderr, /since the last run|--restart/);
    assert.deepEqual(
      (await historyOf(file)).map((l) => l.videoId),
      [id],
    );
    assert.equal(await w.stop(), 143, w.stderr);
  });

  test('a watcher started again after the change uploads the new content (the stale session is asked, then dropped)', async () => {
    const { file, w } = await recordingAppendedDuringUpload('restarted', '300ms');
    // The recorder goes on writing until the watcher is stopped: the first watcher never sees the file settle again.
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await appendFile(file, randomBytes(10_000));
        await delay(50);
      }
    })();
    await waitFor(`the change to be seen:\n${w.stderr}`, () => /nothing more was sent/.test(w.stderr));
    assert.equal(await w.stop(), 143, w.stderr);
    writing = false;
    await writer;
    assert.equal(w.ids().length, 0);
    const mark = t.sb.requests.length;
    const again = startWatcher(t, join(t.dir, 'restarted'), [], { settle: '300ms' });
    await waitFor(`the new content to be uploaded:\n${again.stderr}`, () => again.ids().length === 1);
    const [id] = again.ids();
    assert.equal(t.sb.media(id!)?.sha256, await sha(file));
    const asked = t.since(mark).filter((r) => r.kind === 'upload-status');
    assert.ok(asked.length >= 1, 'the stale session was asked before it was dropped');
    assert.deepEqual(
      (await historyOf(file)).map((l) => l.videoId),
      [id],
    );
    assert.equal(await again.stop(), 143, again.stderr);
  });
});

describe('a watcher killed while it drops the session of content the file no longer holds', {
  timeout: 240_000,
}, () => {
  /** Durable changes counted: the journal and the sessions (the stale one is asked, recorded, dropped). */
  const match = 'history\\.jsonl|steps\\.jsonl|/sessions/';

  /**
   * A file whose upload finished at the server but whose watcher was killed before the journal line (its session
   * stays), then appended to: the next watcher must record the earlier upload and upload the new content.
   */
  async function finishedThenChanged(name: string): Promise<{ file: string; dir: string; mark: number }> {
    const dir = join(t.dir, name);
    await mkdir(dir);
    const file = await makeVideo(join(dir, `${name}.mp4`), 500_000);
    const mark = t.sb.requests.length;
    const first = startWatcher(t, dir, [], {
      settle: '200ms',
      ...crashAt(1, { match: 'open .*history\\.jsonl' }),
    });
    assert.equal(await first.exited, 137, first.stderr);
    await appendFile(file, randomBytes(200_000));
    return { file, dir, mark };
  }

  async function newContentRecorded(file: string, what: string): Promise<void> {
    for (let until = Date.now() + 20_000; Date.now() < until; await delay(20)) {
      if ((await historyOf(file)).some((l) => l.size === 700_000)) return;
    }
    assert.fail(`timed out waiting for the new content of ${what} to be recorded`);
  }

  test('at every durable change: the earlier upload is recorded once, the new content uploaded once', async () => {
    const probe = await finishedThenChanged('probe');
    const trace = join(t.dir, 'changed.trace');
    const traced = startWatcher(t, probe.dir, [], { settle: '200ms', ...crashAt(0, { trace, match }) });
    await waitFor(`the probe's new content:\n${traced.stderr}`, () => traced.ids().length === 1);
    assert.equal(await traced.stop(), 143, traced.stderr);
    const points = (await readFile(trace, 'utf8')).trim().split('\n');
    assert.ok(
      /history\.jsonl/.test(points[0] ?? '') && / unlink .*sessions/.test(points[1] ?? ''),
      `the earlier upload is recorded, then its session dropped:\n${points.join('\n')}`,
    );
    for (const [index, line] of points.entries()) {
      const k = index + 1;
      const { file, dir, mark } = await finishedThenChanged(`changed-${k}`);
      const killed = startWatcher(t, dir, [], { settle: '200ms', ...crashAt(k, { match }) });
      assert.equal(await killed.exited, 137, `killed before ${line}: ${killed.stderr}`);
      const again = startWatcher(t, dir, [], { settle: '200ms' });
      await newContentRecorded(file, `changed-${k}.mp4 (killed before ${line}):\n${again.stderr}`);
      // Also when the killed watcher recorded it: the next one has looked at the file before it is stopped.
      await waitFor(`the next watcher to handle changed-${k}.mp4:\n${again.stderr}`, () =>
        /Uploaded |already uploaded|uploaded completely/.test(again.stderr),
      );
      assert.equal(await again.stop(), 143, again.stderr);
      const lines = await historyOf(file);
      assert.deepEqual(
        lines.map((l) => l.size).sort(),
        [500_000, 700_000],
        `one line per content, killed before ${line}`,
      );
      const finished = t
        .since(mark)
        .filter(
          (r) =>
            (r.kind === 'upload-chunk' || r.kind === 'upload-status') && r.status >= 200 && r.status < 300,
        )
        .map((r) => r.uploadId);
      assert.equal(new Set(finished).size, 2, `two uploads in all, killed before ${line}`);
      const fresh = lines.find((l) => l.size === 700_000)!;
      assert.equal(
        t.sb.media(fresh.videoId)?.sha256,
        await sha(file),
        `the new content, killed before ${line}`,
      );
    }
  });
});
