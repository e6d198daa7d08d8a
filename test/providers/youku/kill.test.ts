// This file kills a real Youku uploader with SIGKILL mid-upload and checks that a re-run continues the same upload.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../helpers/wait.js';
import { world } from './helpers.js';

const worker = fileURLToPath(new URL('./kill-worker.js', import.meta.url));

test('kill -9 mid-upload, then a re-run checks the kept upload and goes on slicing without a new create', async () => {
  const w = await world(1024 * 1024, { confirmDelayChecks: 0 });
  try {
    const env = {
      ...process.env,
      VUPLOAD_TEST_API: w.sb.url,
      VUPLOAD_TEST_TOKEN: w.sb.mintToken().access_token,
      VUPLOAD_STATE_DIR: w.stateDir,
    };
    // Slices crawl, so the process is surely mid-upload when it is killed.
    w.sb.faults.add({ on: 'upload_slice', bytesPerSec: 400_000, times: 100 });
    const first = spawn(process.execPath, [worker, w.video], {
      env: { ...env, VUPLOAD_TEST_LIMIT_RATE: '400000' },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => first.on('exit', (code, signal) => resolve(signal ?? code)));
    const accepted = () => w.sb.requests.filter((r) => r.kind === 'upload_slice' && r.status === 201);
    await waitFor('three slices to arrive', () => accepted().length >= 3);
    first.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    const doneBefore = accepted().map((r) => r.offset);
    const token = w.sb.requests.find((r) => r.kind === 'create_file')!.uploadToken!;

    // The resume state is private, in the state dir, and says where to continue.
    const [file] = await readdir(join(w.stateDir, 'youku'));
    const path = join(w.stateDir, 'youku', file!);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const kept = JSON.parse(await readFile(path, 'utf8')) as { uploadToken: string; uploadServer: string };
    assert.equal(kept.uploadToken, token);
    assert.equal(kept.uploadServer, w.sb.url);

    w.sb.faults.clear();
    const mark = w.sb.requests.length;
    const second = spawn(process.execPath, [worker, w.video], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    second.stdout.on('data', (c: Buffer) => {
      out += c;
    });
    second.stderr.on('data', (c: Buffer) => {
      err += c;
    });
    assert.equal(await new Promise((resolve) => second.on('exit', resolve)), 0, err);
    const result = JSON.parse(out) as { videoId: string; resumed: boolean };
    assert.equal(result.resumed, true);

    const rerun = w.sb.requests.slice(mark);
    assert.equal(
      rerun.filter((r) => r.kind === 'create' || r.kind === 'create_file').length,
      0,
      'no new create',
    );
    assert.deepEqual(
      rerun.slice(0, 2).map((r) => r.kind),
      ['check', 'new_slice'],
      'resume begins with check (seed: 续传), status 4 → slicing',
    );
    assert.equal(rerun[0]!.checkStatus, 4);
    assert.ok(rerun.every((r) => r.uploadToken === undefined || r.uploadToken === token));
    const offsetsAfter = rerun
      .filter((r) => r.kind === 'upload_slice' && r.status === 201)
      .map((r) => r.offset);
    for (const o of doneBefore) assert.ok(!offsetsAfter.includes(o), `slice at ${o} was not sent again`);
    assert.equal(doneBefore.length + offsetsAfter.length, 16, 'every 64 KB slice arrived exactly once');
    const md5 = createHash('md5').update(w.bytes).digest('hex');
    assert.deepEqual(w.sb.media(result.videoId), { size: w.bytes.length, md5 });
  } finally {
    await w.close();
  }
});
