// This file tests storage: restarts on the same dir, crash consistency of offsets, hash-only mode and memory use.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startSandbox } from '../../../src/sandbox/youtube/index.js';
import {
  bearer,
  fakeMp4,
  KiB256,
  putChunk,
  request,
  sha256,
  startSession,
  statusQuery,
  uploadVideo,
} from '../http.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-test-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The same session on a restarted sandbox (the port changes; path and upload_id do not). */
const moved = (uri: string, url: string) => `${url}${new URL(uri).pathname}${new URL(uri).search}`;

describe('sandbox persistence', () => {
  test('tokens, videos, playlists, quota and half-done sessions survive a restart on the same dir', async () => {
    const dir = tempDir();
    const data = fakeMp4(2 * KiB256 + 99);
    let sb = await startSandbox({ dir });
    const tok = sb.mintToken();
    const video = await uploadVideo(sb, tok.access_token, fakeMp4(500));
    const uri = await startSession(sb, tok.access_token);
    await putChunk(uri, data.subarray(0, KiB256), 0, data.length);
    const pl = await request(`${sb.url}/youtube/v3/playlists?part=snippet`, {
      method: 'POST',
      headers: { ...bearer(tok.access_token), 'content-type': 'application/json' },
      body: JSON.stringify({ snippet: { title: 'Kept' } }),
    });
    const used = sb.quotaUsed();
    await sb.close();
    assert.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o600);

    sb = await startSandbox({ dir });
    try {
      assert.equal(sb.quotaUsed(), used);
      assert.equal((sb.video(video.id)!.snippet as { title: string }).title, 'A title');
      assert.equal(sb.media(video.id)?.size, 500);
      const list = await request(`${sb.url}/youtube/v3/playlists?part=snippet&id=${pl.json().id}`, {
        headers: bearer(tok.access_token),
      });
      assert.equal(list.json().items[0].snippet.title, 'Kept');
      const here = moved(uri, sb.url);
      assert.equal((await statusQuery(here, data.length)).headers.range, `bytes=0-${KiB256 - 1}`);
      const done = await putChunk(here, data.subarray(KiB256), KiB256, data.length);
      assert.equal(done.status, 200);
      assert.equal(sb.media(done.json().id)?.sha256, sha256(data));
      const refreshed = await request(sb.tokenUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: tok.refresh_token,
          client_id: 'sandbox-client.apps.googleusercontent.com',
          client_secret: 'sandbox-secret',
        }).toString(),
      });
      assert.equal(refreshed.status, 200);
    } finally {
      await sb.close();
    }
  });

  test('after a crash the stored offset follows the media file, not a lagging state.json', async () => {
    const dir = tempDir();
    const data = fakeMp4(3 * KiB256);
    let sb = await startSandbox({ dir });
    const token = sb.mintToken().access_token;
    const uri = await startSession(sb, token);
    await putChunk(uri, data.subarray(0, 2 * KiB256), 0, data.length);
    await sb.close();
    // Simulate a crash between writing bytes and saving the state: the state still says 0 bytes.
    const statePath = join(dir, 'state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8'));
    const id = new URL(uri).searchParams.get('upload_id')!;
    state.sessions[id].stored = 0;
    writeFileSync(statePath, JSON.stringify(state));
    sb = await startSandbox({ dir });
    try {
      assert.equal(sb.session(id)?.stored, 2 * KiB256);
      const done = await putChunk(moved(uri, sb.url), data.subarray(2 * KiB256), 2 * KiB256, data.length);
      assert.equal(sb.media(done.json().id)?.sha256, sha256(data));
    } finally {
      await sb.close();
    }
  });

  test('without dir the sandbox uses a temp dir and removes it on close', async () => {
    const sb = await startSandbox();
    const token = sb.mintToken().access_token;
    await uploadVideo(sb, token, fakeMp4(100));
    assert.ok(existsSync(sb.dir));
    await sb.close();
    assert.equal(existsSync(sb.dir), false);
  });
});

describe('sandbox hash-only storage', () => {
  test('keeps size and sha256 but no media file', async () => {
    const dir = tempDir();
    const sb = await startSandbox({ dir, storage: 'hash', processingMs: 0 });
    try {
      const data = fakeMp4(KiB256 + 3);
      const v = await uploadVideo(sb, sb.mintToken().access_token, data);
      assert.deepEqual(sb.media(v.id), { size: data.length, sha256: sha256(data) });
      assert.deepEqual(readdirSync(join(dir, 'media')), []);
      assert.equal((sb.video(v.id)!.status as { uploadStatus: string }).uploadStatus, 'processed');
    } finally {
      await sb.close();
    }
  });

  test('a hash-mode session resumes after a restart; its sha256 is then reported as unknown', async () => {
    const dir = tempDir();
    const data = fakeMp4(2 * KiB256);
    let sb = await startSandbox({ dir, storage: 'hash' });
    const token = sb.mintToken().access_token;
    const uri = await startSession(sb, token);
    await putChunk(uri, data.subarray(0, KiB256), 0, data.length);
    await sb.close();
    sb = await startSandbox({ dir, storage: 'hash' });
    try {
      const done = await putChunk(moved(uri, sb.url), data.subarray(KiB256), KiB256, data.length);
      assert.equal(done.status, 200);
      assert.deepEqual(sb.media(done.json().id), { size: data.length, sha256: '' });
    } finally {
      await sb.close();
    }
  });

  test('memory does not grow with upload size: 256 MiB streamed in one PUT', async () => {
    const sb = await startSandbox({ storage: 'hash' });
    try {
      const uri = await startSession(sb, sb.mintToken().access_token);
      const total = 256 * 1024 * 1024;
      const block = fakeMp4(1024 * 1024);
      const base = process.memoryUsage().rss;
      let peak = base;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 5);
      const req = httpRequest(uri, {
        method: 'PUT',
        agent: false,
        headers: { 'content-length': String(total) },
      });
      const answered = once(req, 'response');
      for (let sent = 0; sent < total; sent += block.length) {
        if (!req.write(block)) await once(req, 'drain');
      }
      req.end();
      const [res] = (await answered) as [import('node:http').IncomingMessage];
      res.resume();
      clearInterval(sampler);
      assert.equal(res.statusCode, 200);
      const growth = (peak - base) / 1024 / 1024;
      assert.ok(growth < 96, `RSS grew by ${growth.toFixed(1)} MiB for a 256 MiB upload`);
    } finally {
      await sb.close();
    }
  });
});
