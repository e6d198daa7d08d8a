// This file kills a real uploader process with SIGKILL mid-upload and checks that a re-run resumes the session.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../src/sandbox/youtube/index.js';
import { waitFor } from '../helpers/wait.js';
import { tempDir, writeVideo } from './helpers.js';

const worker = fileURLToPath(new URL('./kill-worker.js', import.meta.url));
const SIZE = 2 * 1024 * 1024;

test('kill -9 mid-upload, then a re-run continues the same session at the stored offset', async () => {
  const sb = await startSandbox();
  const tmp = await tempDir();
  try {
    const { path, bytes } = await writeVideo(tmp.dir, 'video.mp4', SIZE);
    const env = {
      ...process.env,
      VUPLOAD_TEST_API: sb.url,
      VUPLOAD_TEST_TOKEN: sb.mintToken().access_token,
      VUPLOAD_STATE_DIR: `${tmp.dir}/state`,
    };
    // The first data request crawls, so the process is surely mid-upload when it is killed. The first process also
    // limits its own rate, so socket buffers cannot hold the whole file and the server stores only a part.
    sb.faults.add({ on: 'upload-chunk', bytesPerSec: 300_000 });
    const first = spawn(process.execPath, [worker, path], {
      env: { ...env, VUPLOAD_TEST_LIMIT_RATE: '300000' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => first.on('exit', (code, signal) => resolve(signal ?? code)));
    await waitFor('bytes to reach the sandbox', () =>
      sb.requests.some((r) => r.kind === 'upload-chunk' && r.bodyBytes > 300_000),
    );
    first.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const cutRequest = sb.requests.find((r) => r.kind === 'upload-chunk')!;
    await waitFor('the sandbox to notice the cut', () => cutRequest.storedAfter !== undefined);
    const storedAtKill = cutRequest.storedAfter!;
    assert.ok(storedAtKill > 0 && storedAtKill < SIZE, `stored ${storedAtKill}`);

    const second = spawn(process.execPath, [worker, path], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    second.stdout.on('data', (c: Buffer) => {
      out += c;
    });
    second.stderr.on('data', (c: Buffer) => {
      err += c;
    });
    const code = await new Promise((resolve) => second.on('exit', resolve));
    assert.equal(code, 0, err);
    const result = JSON.parse(out) as { response: { id: string }; resumed: boolean; sessionUri: string };
    assert.equal(result.resumed, true);

    const inits = sb.requests.filter((r) => r.kind === 'upload-init');
    assert.equal(inits.length, 1, 'the second process made no new session');
    const data = sb.requests.filter((r) => r.kind === 'upload-chunk');
    assert.equal(data.length, 2);
    assert.equal(
      data[1]!.firstByte,
      storedAtKill,
      'the second process continued at the stored offset, not at 0',
    );
    assert.equal(data[1]!.uploadId, cutRequest.uploadId);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    assert.deepEqual(sb.media(result.response.id), { size: SIZE, sha256 });
  } finally {
    await sb.close();
    await tmp.cleanup();
  }
});
