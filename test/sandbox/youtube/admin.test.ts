// This file tests the admin HTTP API (/__sandbox/) that out-of-process tests and `vupload sandbox` users drive.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../../src/sandbox/youtube/index.js';
import { bearer, fakeMp4, request, uploadVideo } from '../http.js';

describe('sandbox admin API', () => {
  let sb: Sandbox;
  before(async () => {
    sb = await startSandbox({ processingMs: 0 });
  });
  after(() => sb.close());

  const admin = (path: string, method = 'GET', body?: unknown) =>
    request(`${sb.url}/__sandbox/${path}`, {
      method,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, // what `curl -d` sends
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test('POST /__sandbox/token mints a working token; admin calls are not in the request log', async () => {
    sb.clearRequests();
    const tok = (await admin('token', 'POST', { scopes: ['youtube.upload'], user: 'dora' })).json();
    assert.equal(tok.token_type, 'Bearer');
    assert.equal(tok.scope, 'https://www.googleapis.com/auth/youtube.upload');
    assert.equal(sb.requests.length, 0);
    const v = await uploadVideo(sb, tok.access_token, fakeMp4(100));
    assert.equal(sb.requests.length, 2);
    const got = (await admin(`videos/${v.id}`)).json();
    assert.equal(got.video.id, v.id);
    assert.equal(got.media.size, 100);
    assert.equal((await admin('videos/nosuchvideo')).status, 404);
  });

  test('faults can be added, listed and cleared over HTTP; invalid ones are 400', async () => {
    const added = await admin('faults', 'POST', [
      { on: 'api', status: 503, times: 2 },
      { on: 'token', delayMs: 1 },
    ]);
    assert.equal(added.status, 200);
    assert.equal(added.json().length, 2);
    const token = sb.mintToken().access_token;
    const r = await request(`${sb.url}/youtube/v3/channels?part=id&mine=true`, { headers: bearer(token) });
    assert.equal(r.status, 503);
    assert.equal((await admin('faults')).json()[0].times, 1);
    assert.equal((await admin('faults', 'DELETE')).status, 200);
    assert.deepEqual((await admin('faults')).json(), []);
    const bad = await admin('faults', 'POST', { on: 'everything', status: 503 });
    assert.equal(bad.status, 400);
    assert.match(bad.json().error, /unknown kind/);
  });

  test('GET /__sandbox/requests returns the log and DELETE clears it', async () => {
    const token = sb.mintToken().access_token;
    await request(`${sb.url}/youtube/v3/channels?part=id&mine=true`, { headers: bearer(token) });
    const log = (await admin('requests')).json();
    assert.equal(log.at(-1).path, '/youtube/v3/channels');
    assert.equal(log.at(-1).headers.authorization, 'Bearer ***');
    await admin('requests', 'DELETE');
    assert.deepEqual((await admin('requests')).json(), []);
  });

  test('quota, processing outcome, users and sessions are scriptable', async () => {
    assert.equal((await admin('quota', 'POST', { used: 9000 })).json().used, 9000);
    assert.equal(sb.quotaUsed(), 9000);
    sb.setQuotaUsed(0);
    const token = sb.mintToken().access_token;
    const v = await uploadVideo(sb, token, fakeMp4(100));
    assert.equal(
      (await admin(`videos/${v.id}/outcome`, 'POST', { kind: 'rejected', rejectionReason: 'duplicate' }))
        .status,
      200,
    );
    assert.equal((sb.video(v.id)!.status as { uploadStatus: string }).uploadStatus, 'rejected');
    assert.equal((await admin('users/erin', 'POST', { customThumbnails: false })).status, 200);
    const info = (await admin('info')).json();
    assert.equal(info.clientSecrets.installed.token_uri, sb.tokenUri);
    assert.equal((await admin('sessions/none')).status, 404);
    assert.equal((await admin('nothing')).status, 404);
  });

  test('clientSecrets() is a ready installed-app client file pointing at the sandbox', () => {
    const s = sb.clientSecrets().installed;
    assert.equal(s.client_id, 'sandbox-client.apps.googleusercontent.com');
    assert.equal(s.auth_uri, sb.authUri);
    assert.equal(s.revoke_uri, sb.revokeUri);
    assert.ok(s.redirect_uris.includes('http://127.0.0.1'));
  });
});
