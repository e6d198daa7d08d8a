// This file tests the Vimeo emulator's REST side with plain HTTP: auth errors, /me and its upload_quota, creating a
// video with the tus approach (and every refusal of it), GET with fields, PATCH, DELETE and the list.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startVimeoSandbox, type VimeoSandbox } from '../../../src/sandbox/vimeo/index.js';
import { fakeMp4, manualClock } from '../http.js';
import { api, createVideo, uploadAll } from './helpers.js';

describe('vimeo emulator: REST', () => {
  let sb: VimeoSandbox;
  let token: string;
  const clock = manualClock();
  before(async () => {
    sb = await startVimeoSandbox({ now: clock.now, processingMs: 60_000 });
    token = sb.mintToken();
  });
  beforeEach(() => {
    sb.faults.clear();
    sb.clearRequests();
  });
  after(() => sb.close());

  test('no token is 401 8003, an unknown or revoked one 401 8000, in Vimeo’s error shape and media type', async () => {
    const none = await api(sb, 'GET', '/me');
    assert.equal(none.status, 401);
    assert.equal(none.headers['content-type'], 'application/vnd.vimeo.error+json');
    assert.equal(none.headers['www-authenticate'], 'Bearer error="invalid_token"');
    assert.deepEqual(Object.keys(none.json()).sort(), ['developer_message', 'error', 'error_code', 'link']);
    assert.equal(none.json().error_code, 8003);
    assert.equal((await api(sb, 'GET', '/me', { token: 'f'.repeat(32) })).json().error_code, 8000);
    const doomed = sb.mintToken();
    assert.equal((await api(sb, 'DELETE', '/tokens', { token: doomed })).status, 204);
    const revoked = await api(sb, 'GET', '/me', { token: doomed });
    assert.equal(revoked.status, 401);
    assert.equal(revoked.json().error_code, 8000);
    assert.equal(sb.requests.find((e) => e.path === '/tokens')?.headers.authorization, 'Bearer ***');
  });

  test('GET /me?fields=upload_quota has space, periodic and lifetime, and rate-limit headers', async () => {
    sb.setUser('sandbox-user', {
      quota: {
        lifetime: { max: 5000, used: 1000 },
        periodic: { max: 3000, used: 500, resetDate: '2025-06-08T00:00:00Z' },
      },
    });
    const r = await api(sb, 'GET', '/me?fields=upload_quota', { token });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/vnd.vimeo.user+json');
    assert.deepEqual(r.json(), {
      upload_quota: {
        space: { free: 2500, max: 3000, used: 500, showing: 'periodic' },
        periodic: { free: 2500, max: 3000, used: 500, reset_date: '2025-06-08T00:00:00+00:00' },
        lifetime: { free: 4000, max: 5000, used: 1000 },
      },
    });
    assert.equal(r.headers['x-ratelimit-limit'], '10000');
    assert.match(String(r.headers['x-ratelimit-reset']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    const me = (await api(sb, 'GET', '/me', { token })).json();
    assert.match(me.uri, /^\/users\/\d+$/);
    assert.equal((await api(sb, 'GET', `${me.uri}?fields=uri`, { token })).json().uri, me.uri);
    assert.equal((await api(sb, 'GET', '/users/1?fields=uri', { token })).status, 403);
    sb.setUser('sandbox-user', {
      quota: { lifetime: { max: 1024 ** 4, used: 0 }, periodic: { max: null, used: 0 } },
    });
  });

  test('POST /me/videos: 200 with uri, link and the tus upload; the upload is created with the size', async () => {
    const r = await api(sb, 'POST', '/me/videos', {
      token,
      body: {
        upload: { approach: 'tus', size: '1234' },
        name: 'Talk',
        description: 'd',
        privacy: { view: 'unlisted' },
      },
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/vnd.vimeo.video+json');
    const video = r.json();
    assert.match(video.uri, /^\/videos\/\d{9}$/);
    const id = video.uri.split('/')[2];
    assert.match(
      video.link,
      new RegExp(`^${sb.url}/${id}/[0-9a-f]{10}$`),
      'an unlisted link carries the hash',
    );
    assert.equal(video.name, 'Talk');
    assert.equal(video.privacy.view, 'unlisted');
    assert.deepEqual(
      { ...video.upload, upload_link: undefined },
      {
        status: 'in_progress',
        approach: 'tus',
        upload_link: undefined,
        size: 1234,
        form: null,
        complete_uri: null,
        redirect_url: null,
        link: null,
      },
    );
    assert.ok(
      video.upload.upload_link.startsWith(`${sb.uploadUrl}/files/`),
      'the link is on the upload host',
    );
    assert.notEqual(new URL(sb.uploadUrl).port, new URL(sb.url).port);
    assert.deepEqual(await sb.upload(id), {
      size: 1234,
      offset: 0,
      status: 'in_progress',
      link: video.upload.upload_link,
    });
    assert.equal(video.transcode.status, 'in_progress');
    assert.equal(sb.requests.at(-1)?.kind, 'upload-init');
    assert.equal(sb.requests.at(-1)?.apiVersion, '3.4');
  });

  test('POST /me/videos refusals: body, type instead of upload.approach, approach, size, fields, privacy', async () => {
    const post = (body: unknown, headers?: Record<string, string>) =>
      api(sb, 'POST', '/me/videos', { token, body, ...(headers ? { headers } : {}) });
    const code = async (body: unknown) => (await post(body)).json().error_code;
    assert.equal(await code('{not json'), 2205);
    assert.equal(await code({ type: 'streaming' }), 3116);
    assert.equal(await code({ upload: { approach: 'streaming', size: 5 } }), 2230);
    const bad = await post({ upload: { approach: 'tus', size: 0 }, title: 'x', privacy: { view: 'secret' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.json().error_code, 2204);
    assert.deepEqual(
      bad.json().invalid_parameters.map((p: { field: string }) => p.field),
      ['upload.size', 'title', 'privacy.view'],
    );
    const password = await post({ upload: { approach: 'tus', size: 5 }, privacy: { view: 'password' } });
    assert.deepEqual(
      password.json().invalid_parameters.map((p: { field: string }) => p.field),
      ['password'],
    );
    assert.equal(sb.requests.filter((e) => e.kind === 'upload-init' && e.status === 200).length, 0);
    assert.equal(sb.videoIds().length, 1, 'only the video of the test before');
  });

  test('a create larger than the free space is 403 4101, larger than the period’s allowance 403 4102', async () => {
    sb.setUser('sandbox-user', { quota: { lifetime: { max: 10_000, used: 9_000 } } });
    const space = await api(sb, 'POST', '/me/videos', {
      token,
      body: { upload: { approach: 'tus', size: 1001 } },
    });
    assert.equal(space.status, 403);
    assert.equal(space.json().error_code, 4101);
    assert.equal(space.json().developer_message, "The user's maximum disk space has been reached.");
    sb.setUser('sandbox-user', {
      quota: { lifetime: { max: 1e12, used: 0 }, periodic: { max: 2_000, used: 1_500 } },
    });
    const period = await api(sb, 'POST', '/me/videos', {
      token,
      body: { upload: { approach: 'tus', size: 501 } },
    });
    assert.equal(period.status, 403);
    assert.equal(period.json().error_code, 4102);
    const fits = await createVideo(sb, token, 500);
    assert.equal(sb.quota().periodic && (sb.quota().periodic as { free: number }).free, 0);
    // A new week gives the allowance back.
    clock.advance(8 * 24 * 3600 * 1000);
    assert.equal((sb.quota().periodic as { used: number }).used, 0);
    assert.equal((await api(sb, 'DELETE', `/videos/${fits.id}`, { token })).status, 204);
    sb.setUser('sandbox-user', {
      quota: { lifetime: { max: 1024 ** 4, used: 0 }, periodic: { max: null, used: 0 } },
    });
  });

  test('GET /videos/{id} filters with fields; upload.status and transcode.status follow the upload', async () => {
    const data = fakeMp4(3000);
    const { id, link } = await createVideo(sb, token, data.length);
    const fields = async () =>
      (await api(sb, 'GET', `/videos/${id}?fields=upload.status,transcode.status,status`, { token })).json();
    assert.deepEqual(await fields(), {
      upload: { status: 'in_progress' },
      transcode: { status: 'in_progress' },
      status: 'uploading',
    });
    await uploadAll(link, data);
    assert.deepEqual(await fields(), {
      upload: { status: 'complete' },
      transcode: { status: 'in_progress' },
      status: 'transcoding',
    });
    clock.advance(60_000);
    assert.deepEqual(await fields(), {
      upload: { status: 'complete' },
      transcode: { status: 'complete' },
      status: 'available',
    });
    assert.equal((await api(sb, 'GET', '/videos/123', { token })).json().error_code, 5000);
  });

  test('PATCH /videos/{id} edits name, description, privacy (password needs one); others’ videos are 403', async () => {
    const { id } = await createVideo(sb, token, 10);
    const ok = await api(sb, 'PATCH', `/videos/${id}`, {
      token,
      body: { name: 'New', description: 'More', privacy: { view: 'password' }, password: 'pw' },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.json().name, 'New');
    assert.equal(ok.json().privacy.view, 'password');
    assert.equal(sb.video(id)?.description, 'More');
    assert.equal((sb.requests.at(-1)!.json as { password: string }).password, '***');
    const bad = await api(sb, 'PATCH', `/videos/${id}`, { token, body: { privacy: { view: 'everyone' } } });
    assert.equal(bad.status, 400);
    assert.equal(sb.video(id)?.name, 'New', 'a refused edit changes nothing');
    const other = sb.mintToken({ user: 'someone-else' });
    assert.equal(
      (await api(sb, 'PATCH', `/videos/${id}`, { token: other, body: { name: 'x' } })).status,
      403,
    );
    assert.equal((await api(sb, 'GET', `/videos/${id}`, { token: other })).status, 404);
    const readOnly = sb.mintToken({ scopes: ['public', 'private'] });
    const scope = await api(sb, 'PATCH', `/videos/${id}`, { token: readOnly, body: { name: 'x' } });
    assert.equal(scope.status, 403);
    assert.equal(scope.json().error, 'Your access token does not have the "edit" scope');
  });

  test('GET /me/videos lists newest first in Vimeo’s envelope; page, per_page, sort, query, fields', async () => {
    const user = 'lister';
    const t = sb.mintToken({ user });
    for (const name of ['b-one', 'a-two', 'c-three']) {
      await createVideo(sb, t, 5, { name });
      clock.advance(1000);
    }
    const page = (await api(sb, 'GET', '/me/videos?per_page=2&fields=name', { token: t })).json();
    assert.equal(page.total, 3);
    assert.equal(page.per_page, 2);
    assert.deepEqual(page.data, [{ name: 'c-three' }, { name: 'a-two' }]);
    assert.equal(page.paging.next, '/me/videos?per_page=2&fields=name&page=2');
    assert.equal(page.paging.previous, null);
    const alpha = (await api(sb, 'GET', '/me/videos?sort=alphabetical&fields=name', { token: t })).json();
    assert.deepEqual(
      alpha.data.map((v: { name: string }) => v.name),
      ['a-two', 'b-one', 'c-three'],
    );
    const found = (await api(sb, 'GET', '/me/videos?query=THREE&fields=name', { token: t })).json();
    assert.deepEqual(found.data, [{ name: 'c-three' }]);
    assert.equal((await api(sb, 'GET', '/me/videos?per_page=101', { token: t })).json().error_code, 2204);
  });

  test('DELETE /videos/{id} is 204, frees the space and the tus upload is gone (404)', async () => {
    const { id, link } = await createVideo(sb, token, 700);
    const used = (sb.quota().lifetime as { used: number }).used;
    assert.equal((await api(sb, 'DELETE', `/videos/${id}`, { token })).status, 204);
    assert.equal((sb.quota().lifetime as { used: number }).used, used - 700);
    assert.equal((await api(sb, 'GET', `/videos/${id}`, { token })).status, 404);
    const { request } = await import('../http.js');
    assert.equal(
      (await request(link, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } })).status,
      404,
    );
  });

  test('the rate limit counts per user in a rolling window: 429 with X-RateLimit-Reset when it is used up', async () => {
    const user = 'limited';
    const t = sb.mintToken({ user });
    sb.setUser(user, { rateLimit: { limit: 2, windowSec: 60 } });
    const first = await api(sb, 'GET', '/me?fields=uri', { token: t });
    assert.equal(first.headers['x-ratelimit-remaining'], '1');
    assert.equal(
      (await api(sb, 'GET', '/me?fields=uri', { token: t })).headers['x-ratelimit-remaining'],
      '0',
    );
    const refused = await api(sb, 'GET', '/me?fields=uri', { token: t });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers['x-ratelimit-remaining'], '0');
    assert.equal(
      refused.headers['x-ratelimit-reset'],
      new Date(clock.now() + 60_000).toISOString().replace('.000Z', '+00:00'),
    );
    assert.equal(
      refused.headers['retry-after'],
      undefined,
      'Vimeo documents X-RateLimit-Reset, not Retry-After',
    );
    assert.equal(sb.requests.at(-1)?.rateLimited, true);
    assert.equal(
      (await api(sb, 'GET', '/me?fields=uri', { token })).status,
      200,
      'other users are not limited',
    );
    clock.advance(60_001);
    assert.equal((await api(sb, 'GET', '/me?fields=uri', { token: t })).status, 200);
  });

  test('a client-credentials token has no user: 8002 on upload (vimeo.php#185)', async () => {
    const basic = `Basic ${Buffer.from(`${sb.app.clientId}:${sb.app.clientSecret}`).toString('base64')}`;
    const r = await api(sb, 'POST', '/oauth/authorize/client', {
      headers: { authorization: basic },
      body: { grant_type: 'client_credentials', scope: 'public' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.json().user, undefined);
    const upload = await api(sb, 'POST', '/me/videos', {
      token: r.json().access_token,
      body: { upload: { approach: 'tus', size: 5 } },
    });
    assert.equal(upload.status, 401);
    assert.equal(upload.json().error_code, 8002);
  });
});

describe('vimeo emulator: createStatus', () => {
  test('createStatus 201 answers the create 201 Created, as Vimeo’s OpenAPI file says', async () => {
    const sb = await startVimeoSandbox({ createStatus: 201 });
    try {
      const r = await api(sb, 'POST', '/me/videos', {
        token: sb.mintToken(),
        body: { upload: { approach: 'tus', size: 5 } },
      });
      assert.equal(r.status, 201);
    } finally {
      await sb.close();
    }
  });
});
