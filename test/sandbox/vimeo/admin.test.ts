// This file tests the Vimeo emulator's admin API under /__sandbox/ (for out-of-process tests and sandbox users).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startVimeoSandbox, type VimeoSandbox } from '../../../src/sandbox/vimeo/index.js';
import { request } from '../http.js';
import { api, createVideo } from './helpers.js';

let sb: VimeoSandbox;
before(async () => {
  sb = await startVimeoSandbox();
});
after(() => sb.close());

const admin = (method: string, path: string, body?: unknown) =>
  request(`${sb.url}/__sandbox/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });

test('faults, requests, tokens, users, videos and info over HTTP', async () => {
  assert.equal((await admin('POST', 'faults', { on: 'nowhere', status: 500 })).status, 400);
  const added = await admin('POST', 'faults', [
    { on: 'upload-chunk', status: 503 },
    { on: 'api', delayMs: 1 },
  ]);
  assert.equal(added.json().length, 2);
  assert.equal((await admin('DELETE', 'faults')).status, 200);
  assert.deepEqual((await admin('GET', 'faults')).json(), []);
  const minted = (await admin('POST', 'token', { user: 'alice', scopes: ['public', 'upload'] })).json();
  assert.match(minted.access_token, /^[0-9a-f]{32}$/);
  const { id } = await createVideo(sb, minted.access_token, 5);
  const shown = (await admin('GET', `videos/${id}`)).json();
  assert.equal(shown.video.uri, `/videos/${id}`);
  assert.deepEqual(
    { ...shown.upload, link: undefined },
    { size: 5, offset: 0, status: 'in_progress', link: undefined },
  );
  assert.equal((await admin('POST', `videos/${id}/transcode`, { outcome: 'sideways' })).status, 400);
  assert.equal((await admin('POST', `videos/${id}/transcode`, { outcome: 'error' })).status, 200);
  const quota = (await admin('POST', 'users/alice', { quota: { lifetime: { max: 100, used: 40 } } })).json();
  assert.deepEqual(quota.upload_quota.lifetime, { free: 60, max: 100, used: 40 });
  const requests = (await admin('GET', 'requests')).json();
  assert.equal(requests.at(-1).path, '/me/videos');
  assert.equal(requests.at(-1).headers.authorization, 'Bearer ***');
  const info = (await admin('GET', 'info')).json();
  assert.equal(info.uploadUrl, sb.uploadUrl);
  assert.equal((await api(sb, 'GET', '/__sandbox/nothing')).status, 404);
});
