// This file tests the PeerTube sandbox's storage: a restart on the same dir keeps users, tokens, videos, playlists
// and half-done uploads (uploadx's own files), the state file is written whole and private, and 'hash' storage.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { startPeerTubeSandbox } from '../../../src/sandbox/peertube/index.js';
import {
  API,
  bearer,
  channelOf,
  login,
  mp4,
  multipart,
  putChunk,
  request,
  sha256,
  startUpload,
  statusQuery,
  uploadVideo,
} from './pt.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'peertube-sandbox-test-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The same upload on a restarted sandbox (the port changes; path and upload_id do not). */
const moved = (location: string, url: string) =>
  `${url}${new URL(location).pathname}${new URL(location).search}`;

describe('PeerTube sandbox persistence', () => {
  test('users, tokens, videos, playlists and a half-done upload survive a restart on the same dir', async () => {
    const dir = tempDir();
    let sb = await startPeerTubeSandbox({ dir, processingMs: 0 });
    const client = sb.client;
    sb.setUser('dora', { password: 'dora-password', videoQuota: 1_000_000, twoFactor: true });
    const pair = await login(sb);
    const video = await uploadVideo(sb, pair.access_token, mp4(500), { name: 'Kept' });
    const channelId = await channelOf(sb, pair.access_token);
    const form = multipart({ displayName: 'Kept list', privacy: '1', videoChannelId: String(channelId) });
    const playlist = await request(`${sb.url}${API}/video-playlists`, {
      method: 'POST',
      headers: { ...bearer(pair.access_token), ...form.headers },
      body: form.body,
    });
    assert.equal(playlist.status, 200);
    const data = mp4(3000);
    const location = await startUpload(sb, pair.access_token, data.length, { name: 'Half done' });
    assert.equal(
      (await putChunk(location, pair.access_token, data.subarray(0, 1000), 0, data.length)).status,
      308,
    );
    await sb.close();
    assert.equal(statSync(join(dir, 'state.json')).mode & 0o777, 0o600);
    const saved = readFileSync(join(dir, 'state.json'), 'utf8');
    assert.ok(
      !saved.includes('dora-password') && !saved.includes('sandbox-password'),
      'no password in the state',
    );

    sb = await startPeerTubeSandbox({ dir, processingMs: 0 });
    try {
      assert.deepEqual(sb.client, client);
      const me = await request(`${sb.url}${API}/users/me`, { headers: bearer(pair.access_token) });
      assert.equal(me.status, 200, 'the access token still works');
      const dora = sb.users().find((u) => u.username === 'dora');
      assert.deepEqual([dora?.videoQuota, dora?.twoFactor], [1_000_000, true]);
      assert.equal(sb.otp('dora').length, 6);
      assert.equal(sb.video(video.id)?.name, 'Kept');
      assert.equal((await sb.media(video.id))?.size, 500);
      const lists = await request(`${sb.url}${API}/video-channels/sandbox_channel/video-playlists`);
      assert.equal(lists.json().data[0].displayName, 'Kept list');
      const here = moved(location, sb.url);
      const q = await statusQuery(here, pair.access_token, data.length);
      assert.equal(q.status, 308);
      assert.equal(q.headers.range, 'bytes=0-999');
      const rest = await putChunk(here, pair.access_token, data.subarray(1000), 1000, data.length);
      assert.equal(rest.status, 200, rest.text);
      assert.deepEqual(await sb.media(rest.json().video.id), { size: data.length, sha256: sha256(data) });
      const again = await login(sb, 'sandbox', 'sandbox-password');
      assert.notEqual(again.access_token, pair.access_token);
    } finally {
      await sb.close();
    }
  });

  test("'hash' storage keeps only size and sha256; a temp sandbox removes its dir on close", async () => {
    const sb = await startPeerTubeSandbox({ storage: 'hash', processingMs: 0 });
    const dir = sb.dir;
    const token = (await login(sb)).access_token;
    const data = mp4(4096, 3);
    const v = await uploadVideo(sb, token, data);
    assert.deepEqual(await sb.media(v.id), { size: 4096, sha256: sha256(data) });
    assert.deepEqual(readdirSync(join(dir, 'media')), []);
    assert.deepEqual(readdirSync(join(dir, 'resumable-uploads')), []);
    await sb.close();
    assert.throws(() => statSync(dir));
  });
});
