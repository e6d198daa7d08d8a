// This file checks PeerTube's conformance harness on its own: its profile is logged in, a 1-byte upload goes through
// it, and what it reports (videos, bytes received, faults) is what the instance holds.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { harness } from './harness.js';

test('the PeerTube harness: a logged-in profile, a 1-byte upload, a fault, the videos the instance holds', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-pt-harness-'));
  const running = await harness.start(dir);
  try {
    const file = join(dir, 'one.bin');
    await writeFile(file, 'x');
    running.fault({ on: 'upload-chunk', status: 503, times: 1 });
    const r = await runCli(['upload', file, ...running.uploadArgs], { cwd: dir, env: running.env });
    assert.equal(r.code, 0, r.stderr);
    const videos = await running.videos();
    assert.deepEqual(videos, [
      {
        id: r.stdout.trim(),
        size: 1,
        sha256: '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881',
      },
    ]);
    assert.equal(running.bytesReceived(), 2, 'the byte, and the byte again after the 503');
    assert.ok(running.requestCount() > 0);
    assert.ok(harness.exempt.pipe);
  } finally {
    await running.close();
    await rm(dir, { recursive: true, force: true });
  }
});
