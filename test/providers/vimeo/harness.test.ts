// This file checks Vimeo's conformance harness itself (the suite runs on another branch): its env uploads with the
// real CLI, and it reports what the account holds, the bytes received and the faults it was given.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeVideo } from '../../cli/video-file.js';
import { runCli } from '../../helpers/cli.js';
import { harness } from './harness.js';
import { sha256 } from './helpers.js';

test("Vimeo's harness: a logged-in profile, the server's videos, bytes received, faults", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-vimeo-harness-'));
  const running = await harness.start(dir);
  try {
    assert.equal(harness.name, 'vimeo');
    assert.ok(harness.exempt.pipe);
    const file = await makeVideo(join(dir, 'h.mp4'), 3 * harness.chunk + 1);
    running.fault({ on: 'upload-chunk', status: 500 });
    const r = await runCli(['upload', file, ...running.uploadArgs, '--chunk-size', String(harness.chunk)], {
      env: running.env,
      cwd: dir,
    });
    assert.equal(r.code, 0, r.stderr);
    const videos = await running.videos();
    assert.deepEqual(videos, [
      { id: r.stdout.trim(), size: 3 * harness.chunk + 1, sha256: sha256(await readFile(file)) },
    ]);
    // The failed first PATCH was refused before its body was stored; every byte then arrived once.
    assert.ok(running.bytesReceived() >= 3 * harness.chunk + 1);
    assert.ok(running.requestCount() > 0);
    running.clearFaults();
  } finally {
    await running.close();
    await rm(dir, { recursive: true, force: true });
  }
});
