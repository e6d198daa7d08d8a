// This file tests the PeerTube sandbox's REST API with plain HTTP: the user, quota and video lists, the constant
// lists, a video's GET/PUT/DELETE with PeerTube's privacy rules and state, captions, channels and playlists.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PeerTubeSandbox, startPeerTubeSandbox } from '../../../src/sandbox/peertube/index.js';
import { shortToUuid, uuidToShort } from '../../../src/sandbox/peertube/uuid.js';
import { manualClock } from '../http.js';
import {
  API,
  assertProblem,
  bearer,
  channelOf,
  login,
  mp4,
  multipart,
  request,
  sha256,
  uploadVideo,
} from './pt.js';

describe('PeerTube sandbox REST API', () => {
  let sb: PeerTubeSandbox;
  let token: string;
  let other: string;
  let channelId: number;
  const clock = manualClock();
  const get = (path: string, t?: string) =>
    request(`${sb.url}${API}${path}`, { headers: t ? bearer(t) : {} });
  const send = (
    method: string,
    path: string,
    t: string,
    body: { headers: Record<string, string>; body: Buffer | string },
  ) =>
    request(`${sb.url}${API}${path}`, {
      method,
      headers: { ...bearer(t), ...body.headers },
      body: body.body,
    });
  const json = (value: unknown) => ({
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });
  before(async () => {
    sb = await startPeerTubeSandbox({ processingMs: 5000, now: clock.now });
    token = (await login(sb)).access_token;
    channelId = await channelOf(sb, token);
    sb.setUser('eve', { password: 'eve-password' });
    other = (await login(sb, 'eve', 'eve-password')).access_token;
  });
  after(() => sb.close());

  test("short UUIDs are short-uuid's flickrBase58 of the UUID, as PeerTube's uuidToShort", () => {
    // Vectors from the short-uuid package (createTranslator()), which PeerTube uses.
    assert.equal(uuidToShort('9c9de5e8-0a1e-484a-b099-e80766180a6d'), 'kkGMgK9ZtnKfYAgnEtQxbv');
    assert.equal(uuidToShort('00000000-0000-4000-8000-000000000001'), '111111114Ay6byqtQtQyDP');
    assert.equal(shortToUuid('kkGMgK9ZtnKfYAgnEtQxbv'), '9c9de5e8-0a1e-484a-b099-e80766180a6d');
  });

  test('GET /users/me: the user with its channels and quotas', async () => {
    sb.setUser('sandbox', { videoQuota: 10_000_000, videoQuotaDaily: -1 });
    const me = (await get('/users/me', token)).json();
    assert.equal(me.username, 'sandbox');
    assert.deepEqual([me.videoQuota, me.videoQuotaDaily, me.twoFactorEnabled], [10_000_000, -1, false]);
    assert.deepEqual(
      me.videoChannels.map((c: { id: number; name: string; displayName: string }) => [
        c.id,
        c.name,
        c.displayName,
      ]),
      [[channelId, 'sandbox_channel', 'Main sandbox channel']],
    );
    assert.equal(me.account.name, 'sandbox');
    assert.equal(me.specialPlaylists[0].name, 'Watch later');
  });

  test('the constant lists are objects keyed by id, as the server answers them', async () => {
    assert.equal((await get('/videos/categories')).json()['15'], 'Science & Technology');
    assert.equal((await get('/videos/licences')).json()['7'], 'Public Domain Dedication');
    assert.deepEqual((await get('/videos/privacies')).json(), {
      1: 'Public',
      2: 'Unlisted',
      3: 'Private',
      4: 'Internal',
      5: 'Password protected',
    });
    const languages = (await get('/videos/languages')).json();
    assert.deepEqual(
      [languages.en, languages.fr, languages['pt-PT'], languages.kab],
      ['English', 'French', 'Portuguese (Portugal)', 'Kabyle'],
    );
    assert.deepEqual((await get('/video-playlists/privacies')).json(), {
      1: 'Public',
      2: 'Unlisted',
      3: 'Private',
    });
  });

  test('a video: state 2 "To transcode" until processing ends, then 1 "Published"; by id, UUID or short UUID', async () => {
    const v = await uploadVideo(sb, token, mp4(500), {
      name: 'Processing',
      description: 'Long text',
      category: 15,
      licence: 7,
      language: 'fr',
      tags: ['alpha', 'beta'],
      nsfw: true,
      commentsPolicy: 2,
      waitTranscoding: true,
    });
    const details = (await get(`/videos/${v.id}`, token)).json();
    assert.deepEqual(details.state, { id: 2, label: 'To transcode' });
    assert.deepEqual(details.category, { id: 15, label: 'Science & Technology' });
    assert.deepEqual(details.language, { id: 'fr', label: 'French' });
    assert.deepEqual(details.privacy, { id: 1, label: 'Public' });
    assert.deepEqual(details.commentsPolicy, { id: 2, label: 'Disabled' });
    assert.deepEqual([details.tags, details.nsfw, details.waitTranscoding], [['alpha', 'beta'], true, true]);
    assert.equal(details.channel.name, 'sandbox_channel');
    assert.equal((await get(`/videos/${v.uuid}`)).json().id, v.id);
    assert.equal((await get(`/videos/${v.shortUUID}`)).json().shortUUID, v.shortUUID);
    clock.advance(5000);
    assert.deepEqual((await get(`/videos/${v.id}`)).json().state, { id: 1, label: 'Published' });
    sb.setTranscodingOutcome('next', 'failed');
    const failed = await uploadVideo(sb, token, mp4(500), { name: 'Will fail' });
    clock.advance(5000);
    assert.deepEqual((await get(`/videos/${failed.id}`)).json().state, {
      id: 7,
      label: 'Transcoding failed',
    });
  });

  test('privacy: a private video is 401 without login, 403 for another user; unlisted needs its UUID', async () => {
    const priv = await uploadVideo(sb, token, mp4(300), { name: 'Private one', privacy: 3 });
    assertProblem(await get(`/videos/${priv.id}`), 401, {
      title: 'Unauthorized',
      detail: 'Authentication is required',
    });
    assertProblem(await get(`/videos/${priv.id}`, other), 403, {
      detail: 'Cannot fetch information of private/internal/blocked video',
    });
    assert.equal((await get(`/videos/${priv.id}`, token)).status, 200);
    const unlisted = await uploadVideo(sb, token, mp4(300), { name: 'Unlisted one', privacy: 2 });
    assertProblem(await get(`/videos/${unlisted.id}`), 401, {});
    assert.equal((await get(`/videos/${unlisted.shortUUID}`)).status, 200);
    assertProblem(await get('/videos/999999'), 404, {
      detail: 'Video not found',
      docs: 'https://docs.joinpeertube.org/api-rest-reference.html#operation/getVideo',
    });
    const bad = assertProblem(await get('/videos/not-an-id'), 400, {
      detail: 'Incorrect request parameters: id',
    });
    assert.equal(bad['invalid-params'].id.location, 'params');
  });

  test('PUT /videos/{id}: JSON and multipart (with thumbnailfile) update the video; 204', async () => {
    const v = await uploadVideo(sb, token, mp4(300), { name: 'Before', privacy: 3 });
    const r = await send(
      'PUT',
      `/videos/${v.id}`,
      token,
      json({ name: 'After', privacy: 1, tags: ['x1', 'y2'] }),
    );
    assert.equal(r.status, 204);
    const after1 = (await get(`/videos/${v.id}`, token)).json();
    assert.deepEqual([after1.name, after1.privacy.id, after1.tags], ['After', 1, ['x1', 'y2']]);
    const thumb = Buffer.concat([Buffer.from('ffd8ffe0', 'hex'), Buffer.alloc(100, 9)]);
    const body = multipart(
      { description: 'With a description', commentsEnabled: 'false', tags: ['one', 'two'] },
      { thumbnailfile: { filename: 'thumb.jpg', type: 'image/jpeg', data: thumb } },
    );
    assert.equal((await send('PUT', `/videos/${v.shortUUID}`, token, body)).status, 204);
    const after2 = (await get(`/videos/${v.id}`, token)).json();
    assert.deepEqual(
      [after2.description, after2.commentsPolicy.id, after2.tags],
      ['With a description', 2, ['one', 'two']],
    );
    assert.deepEqual(sb.thumbnail(v.id), {
      size: thumb.length,
      sha256: sha256(thumb),
      mimeType: 'image/jpeg',
    });
    const bad = await send('PUT', `/videos/${v.id}`, token, json({ name: 'x', privacy: 9 }));
    assertProblem(bad, 400, { detail: 'Incorrect request parameters: privacy, name' });
    const gif = multipart({}, { thumbnailfile: { filename: 't.gif', type: 'image/gif', data: thumb } });
    assertProblem(await send('PUT', `/videos/${v.id}`, token, gif), 400, {
      detail: 'Incorrect request parameters: thumbnailfile',
    });
    assertProblem(await send('PUT', `/videos/${v.id}`, other, json({ name: 'Stolen' })), 403, {
      detail: 'Cannot manage a video of another user.',
    });
  });

  test("GET /users/me/videos: the user's videos with state, paged, sorted and searched", async () => {
    const page = (await get('/users/me/videos?count=2&sort=-createdAt', token)).json();
    assert.equal(page.data.length, 2);
    assert.ok(page.total >= 5);
    assert.ok('state' in page.data[0]);
    const found = (await get('/users/me/videos?search=PRIVATE%20one', token)).json();
    assert.deepEqual(
      found.data.map((v: { name: string }) => v.name),
      ['Private one'],
    );
    assertProblem(await get('/users/me/videos?sort=size', token), 400, {
      detail: 'Incorrect request parameters: sort',
    });
    assertProblem(await get('/users/me/videos?count=101', token), 400, {
      detail: 'Incorrect request parameters: count',
    });
    assert.equal((await get('/users/me/videos', other)).json().total, 0);
  });

  test('GET /videos/{id}/source: the uploaded file name and size, for the owner', async () => {
    const v = await uploadVideo(sb, token, mp4(777), { name: 'Source', filename: 'holiday.MP4' });
    const source = (await get(`/videos/${v.id}/source`, token)).json();
    assert.deepEqual(
      [source.filename, source.inputFilename, source.size],
      ['holiday.MP4', 'holiday.MP4', 777],
    );
    assertProblem(await get(`/videos/${v.id}/source`, other), 403, {});
  });

  test('captions: PUT a captionfile per language, replace it, list them, delete one', async () => {
    const v = await uploadVideo(sb, token, mp4(300), { name: 'Captions' });
    const vtt = Buffer.from('WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n');
    const file = (data: Buffer, type = 'text/vtt') =>
      multipart({}, { captionfile: { filename: 'c.vtt', type, data } });
    assert.equal((await send('PUT', `/videos/${v.id}/captions/fr`, token, file(vtt))).status, 204);
    const vtt2 = Buffer.from('WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour\n');
    assert.equal((await send('PUT', `/videos/${v.id}/captions/fr`, token, file(vtt2))).status, 204);
    assert.equal((await send('PUT', `/videos/${v.id}/captions/en`, token, file(vtt))).status, 204);
    const list = (await get(`/videos/${v.id}/captions`)).json();
    assert.equal(list.total, 2);
    assert.deepEqual(list.data[0].language, { id: 'en', label: 'English' });
    assert.match(list.data[0].captionPath, /^\/lazy-static\/video-captions\/[0-9a-f-]+-en\.vtt$/);
    assert.deepEqual(
      sb.captions(v.id).find((c) => c.language === 'fr'),
      { language: 'fr', size: vtt2.length, sha256: sha256(vtt2), mimeType: 'text/vtt' },
    );
    assertProblem(await send('PUT', `/videos/${v.id}/captions/xx-nope`, token, file(vtt)), 400, {
      detail: 'Incorrect request parameters: captionLanguage',
    });
    assertProblem(await send('PUT', `/videos/${v.id}/captions/de`, token, file(vtt, 'image/png')), 400, {
      detail: 'Incorrect request parameters: captionfile',
    });
    assertProblem(await send('PUT', `/videos/${v.id}/captions/de`, other, file(vtt)), 403, {});
    const del = await request(`${sb.url}${API}/videos/${v.id}/captions/fr`, {
      method: 'DELETE',
      headers: bearer(token),
    });
    assert.equal(del.status, 204);
    assert.equal((await get(`/videos/${v.id}/captions`)).json().total, 1);
  });

  test("playlists: create in a channel, list the channel's (private ones for the owner only), add a video", async () => {
    const created = await send(
      'POST',
      '/video-playlists',
      token,
      multipart({ displayName: 'My list', privacy: '3', videoChannelId: String(channelId) }),
    );
    assert.equal(created.status, 200, created.text);
    const { videoPlaylist } = created.json();
    assert.deepEqual(Object.keys(videoPlaylist), ['id', 'shortUUID', 'uuid']);
    const mine = (await get('/video-channels/sandbox_channel/video-playlists', token)).json();
    assert.deepEqual(
      mine.data.map((p: { displayName: string; privacy: { id: number } }) => [p.displayName, p.privacy.id]),
      [['My list', 3]],
    );
    assert.equal(
      (await get('/video-channels/sandbox_channel/video-playlists')).json().total,
      0,
      'private: owner only',
    );
    assertProblem(await get('/video-channels/nobody_channel/video-playlists'), 404, {
      detail: 'Video channel not found',
    });
    const v = await uploadVideo(sb, token, mp4(300), { name: 'In a playlist' });
    const add = await send(
      'POST',
      `/video-playlists/${videoPlaylist.id}/videos`,
      token,
      json({ videoId: v.uuid }),
    );
    assert.equal(add.status, 200);
    assert.equal(typeof add.json().videoPlaylistElement.id, 'number');
    const elements = (await get(`/video-playlists/${videoPlaylist.uuid}/videos`, token)).json();
    assert.equal(elements.total, 1);
    assert.deepEqual(
      [elements.data[0].position, elements.data[0].type, elements.data[0].video.id],
      [1, 0, v.id],
    );
    assertProblem(await get(`/video-playlists/${videoPlaylist.id}`), 403, {
      detail: 'Cannot get this private video playlist.',
    });
    assert.deepEqual(sb.playlists().find((p) => p.id === videoPlaylist.id)?.videoIds, [v.id]);
    const publicWithout = await send(
      'POST',
      '/video-playlists',
      token,
      json({ displayName: 'Loose', privacy: 1 }),
    );
    assertProblem(publicWithout, 400, {
      detail: 'Cannot set "public" or "unlisted" a playlist that is not assigned to a channel.',
    });
  });

  test('DELETE /videos/{id} removes it; an unknown API path is 400 with an empty JSON answer', async () => {
    const v = await uploadVideo(sb, token, mp4(300), { name: 'To delete' });
    assert.equal(
      (await request(`${sb.url}${API}/videos/${v.id}`, { method: 'DELETE', headers: bearer(token) })).status,
      204,
    );
    assertProblem(await get(`/videos/${v.id}`, token), 404, {});
    const unknown = await get('/no/such/thing');
    assert.equal(unknown.status, 400);
    assert.equal(unknown.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(unknown.body.length, 0);
  });
});
