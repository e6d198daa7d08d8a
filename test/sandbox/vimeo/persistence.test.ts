// This file tests that a Vimeo emulator started again on its dir has lost nothing: tokens, videos, folders, the
// ports (so saved upload links work), a half-done tus upload that resumes, and bytes tus stored just before a crash.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startVimeoSandbox } from '../../../src/sandbox/vimeo/index.js';
import { fakeMp4, sha256 } from '../http.js';
import { api, createVideo, head, patch } from './helpers.js';

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-vimeo-test-'));
  dirs.push(dir);
  return dir;
}

test('a restart keeps tokens, videos, folders and ports; a half-done upload resumes on its saved link', async () => {
  const dir = await tempDir();
  const data = fakeMp4(120_000);
  const first = await startVimeoSandbox({ dir, processingMs: 0 });
  const token = first.mintToken();
  const { id, link } = await createVideo(first, token, data.length, { name: 'Kept' });
  const folder = (await api(first, 'POST', '/me/projects', { token, body: { name: 'F' } })).json();
  await api(first, 'PUT', `${folder.uri}/videos/${id}`, { token });
  assert.equal((await patch(link, 0, data.subarray(0, 50_000))).status, 204);
  const { url, uploadUrl } = first;
  await first.close();
  assert.equal((await stat(join(dir, 'state.json'))).mode & 0o777, 0o600);

  const second = await startVimeoSandbox({ dir, processingMs: 0 });
  try {
    assert.equal(second.url, url);
    assert.equal(second.uploadUrl, uploadUrl);
    assert.equal(second.movedFrom, undefined);
    assert.equal((await api(second, 'GET', `/videos/${id}?fields=name`, { token })).json().name, 'Kept');
    assert.deepEqual(
      second.folders().map((f) => [f.name, f.videoIds]),
      [['F', [id]]],
    );
    assert.equal((await head(link)).headers['upload-offset'], '50000');
    assert.equal((await patch(link, 50_000, data.subarray(50_000))).status, 204);
    assert.deepEqual(second.media(id), { size: data.length, sha256: sha256(data) });
  } finally {
    await second.close();
  }
});

test('bytes tus stored before a crash, but not yet recorded, complete the video at the next start', async () => {
  const dir = await tempDir();
  const data = fakeMp4(10_000);
  const first = await startVimeoSandbox({ dir, processingMs: 0 });
  const token = first.mintToken();
  const { id, link } = await createVideo(first, token, data.length);
  await first.close();
  // What @tus/server's file store wrote before the process died: the whole file, no answer, no state change.
  const tusId = link.split('/').at(-1)!;
  await appendFile(join(dir, 'tus', tusId), data);
  const second = await startVimeoSandbox({ dir, processingMs: 0 });
  try {
    assert.deepEqual(second.media(id), { size: data.length, sha256: sha256(data) });
    assert.equal(
      (await api(second, 'GET', `/videos/${id}?fields=upload.status`, { token })).json().upload.status,
      'complete',
    );
  } finally {
    await second.close();
  }
});

test('when the saved ports are taken the emulator says where it moved from', async () => {
  const dir = await tempDir();
  const first = await startVimeoSandbox({ dir });
  const { port, uploadPort } = first;
  await first.close();
  const squatter = createServer();
  await new Promise<void>((done) => squatter.listen(port, '127.0.0.1', done));
  try {
    const second = await startVimeoSandbox({ dir });
    assert.notEqual(second.port, port);
    assert.deepEqual(second.movedFrom, { port, uploadPort });
    await second.close();
  } finally {
    await new Promise((done) => squatter.close(done));
  }
});
