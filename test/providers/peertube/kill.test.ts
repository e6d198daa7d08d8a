// This file kills real vupload processes uploading to the PeerTube emulator: right at the final answer (PeerTube
// then deletes the finished session, so the re-run must find the video the session made, not upload again), and
// mid-upload (the re-run continues uploadx's session at its offset).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { makeVideo } from '../../cli/video-file.js';
import { jsonLines } from '../../helpers/cli.js';
import { waitFor } from '../../helpers/wait.js';
import { ptEnv } from './helpers.js';

const PT = ['--provider', 'peertube'];

describe('kill -9 during a PeerTube upload', () => {
  test('killed at the final answer: the re-run finds the video by its source, records it, uploads nothing', async () => {
    // The video takes 1.5 s to be created after the last byte: the process is killed while it waits for the answer.
    const t = await ptEnv({ creationDelayMs: 1500 });
    try {
      await t.login();
      const size = 400_000;
      const file = await makeVideo(join(t.dir, 'final.mp4'), size);
      const first = t.spawn(['upload', file, ...PT, '--title', 'Killed at the end']);
      await waitFor('the last byte to reach PeerTube', () =>
        t.sb.requests.some((q) => q.kind === 'upload-chunk' && q.bodyBytes === size && q.status === 0),
      );
      first.child.kill('SIGKILL');
      assert.equal((await first).code, 137);
      await waitFor('PeerTube to create the video', () => t.videos().length === 1);
      const made = t.videos()[0]!;
      const mark = t.sb.requests.length;
      const again = await t.run(['upload', file, ...PT, '--title', 'Killed at the end', '--json']);
      assert.equal(again.code, 0, again.stderr);
      const out = jsonLines<{ id: string; finishedEarlier: boolean }>(again.stdout)[0]!;
      assert.equal(out.id, made.shortUUID);
      assert.equal(out.finishedEarlier, true);
      assert.match(again.stderr, /An earlier run uploaded final\.mp4 completely/);
      const sent = t.since(mark);
      assert.equal(sent.filter((q) => q.kind === 'upload-init').length, 0, 'no new session');
      assert.ok(
        sent.some((q) => q.path.endsWith('/source')),
        'proved by the source',
      );
      assert.equal(t.videos().length, 1, 'exactly one video');
      assert.deepEqual(await t.sb.media(made.shortUUID as string), {
        size,
        sha256: createHash('sha256')
          .update(await readFile(file))
          .digest('hex'),
      });
      // Recorded: a third run finds it in the journal and asks nothing.
      const mark3 = t.sb.requests.length;
      const third = await t.run(['upload', file, ...PT, '--title', 'Killed at the end']);
      assert.equal(third.stdout.trim(), made.shortUUID);
      assert.equal(t.since(mark3).length, 0);
    } finally {
      await t.close();
    }
  });

  test('killed mid-upload: the re-run asks uploadx its offset and sends only the rest, in the same session', async () => {
    const t = await ptEnv();
    try {
      await t.login();
      const size = 2 * 1024 * 1024;
      const file = await makeVideo(join(t.dir, 'middle.mp4'), size);
      t.sb.faults.add({ on: 'upload-chunk', bytesPerSec: 300_000 });
      const first = t.spawn(['upload', file, ...PT, '--limit-rate', '300000']);
      await waitFor('bytes to reach PeerTube', () =>
        t.sb.requests.some((q) => q.kind === 'upload-chunk' && q.bodyBytes > 300_000),
      );
      first.child.kill('SIGKILL');
      assert.equal((await first).code, 137);
      t.sb.faults.clear();
      const cut = t.sb.requests.find((q) => q.kind === 'upload-chunk')!;
      await waitFor('PeerTube to notice the cut', () => cut.storedAfter !== undefined);
      const stored = cut.storedAfter!;
      assert.ok(stored > 0 && stored < size, `stored ${stored}`);
      const again = await t.run(['upload', file, ...PT]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /Resuming the interrupted upload/);
      assert.equal(t.sb.requests.filter((q) => q.kind === 'upload-init').length, 1, 'one session');
      const resent = t.sb.requests.filter((q) => q.kind === 'upload-chunk').at(-1)!;
      assert.equal(resent.firstByte, stored);
      assert.equal(t.videos().length, 1);
      assert.deepEqual(await t.sb.media(again.stdout.trim()), {
        size,
        sha256: createHash('sha256')
          .update(await readFile(file))
          .digest('hex'),
      });
    } finally {
      await t.close();
    }
  });
});
