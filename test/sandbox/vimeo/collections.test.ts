// This file tests folders (/me/projects) and showcases (/me/albums) with plain HTTP: create, find by listing, add a
// video with PUT (204, also the second time), list and check membership, remove.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVimeoSandbox, type VimeoSandbox } from '../../../src/sandbox/vimeo/index.js';
import { api, createVideo } from './helpers.js';

describe('vimeo emulator: folders and showcases', () => {
  let sb: VimeoSandbox;
  let token: string;
  let a: string;
  let b: string;
  before(async () => {
    sb = await startVimeoSandbox();
    token = sb.mintToken();
    a = (await createVideo(sb, token, 10, { name: 'A' })).id;
    b = (await createVideo(sb, token, 10, { name: 'B' })).id;
  });
  after(() => sb.close());

  test('a folder holds a video at most once, and a video is in one folder at a time', async () => {
    assert.equal((await api(sb, 'POST', '/me/projects', { token, body: {} })).json().error_code, 2205);
    const created = await api(sb, 'POST', '/me/projects', { token, body: { name: 'Talks' } });
    assert.equal(created.status, 201);
    const folder = created.json();
    assert.match(folder.uri, /^\/users\/\d+\/projects\/\d+$/);
    const other = (await api(sb, 'POST', '/me/projects', { token, body: { name: 'Other' } })).json();
    const found = (await api(sb, 'GET', '/me/projects?sort=name&fields=name,uri', { token })).json();
    assert.deepEqual(
      found.data.map((p: { name: string }) => p.name),
      ['Other', 'Talks'],
    );
    const id = folder.uri.split('/').at(-1);
    assert.equal((await api(sb, 'PUT', `/me/projects/${id}/videos/${a}`, { token })).status, 204);
    assert.equal(
      (await api(sb, 'PUT', `${folder.uri}/videos/${a}`, { token })).status,
      204,
      'again: still 204',
    );
    assert.equal((await api(sb, 'PUT', `/me/projects/${id}/videos/${b}`, { token })).status, 204);
    const videos = (await api(sb, 'GET', `/me/projects/${id}/videos?fields=uri`, { token })).json();
    assert.deepEqual(videos.data, [{ uri: `/videos/${a}` }, { uri: `/videos/${b}` }]);
    assert.equal(
      (await api(sb, 'GET', `/videos/${a}?fields=parent_folder.name`, { token })).json().parent_folder.name,
      'Talks',
    );
    const otherId = other.uri.split('/').at(-1);
    await api(sb, 'PUT', `/me/folders/${otherId}/videos/${a}`, { token });
    assert.deepEqual(
      sb.folders().map((f) => [f.name, f.videoIds]),
      [
        ['Talks', [b]],
        ['Other', [a]],
      ],
    );
    assert.equal(
      (await api(sb, 'DELETE', `/me/projects/${id}/videos/${a}`, { token })).json().error_code,
      5000,
    );
    assert.equal((await api(sb, 'PUT', `/me/projects/999/videos/${a}`, { token })).status, 404);
    const readOnly = sb.mintToken({ scopes: ['public', 'private'] });
    assert.equal(
      (await api(sb, 'POST', '/me/projects', { token: readOnly, body: { name: 'x' } })).status,
      403,
    );
  });

  test('folder_uri puts a new video in a folder the user owns; another is 2204', async () => {
    const folder = (await api(sb, 'POST', '/me/projects', { token, body: { name: 'Direct' } })).json();
    const { id } = await createVideo(sb, token, 5, { folder_uri: folder.uri });
    assert.deepEqual(sb.folders().find((f) => f.name === 'Direct')?.videoIds, [id]);
    const bad = await api(sb, 'POST', '/me/videos', {
      token,
      body: { upload: { approach: 'tus', size: 5 }, folder_uri: '/users/1/projects/1' },
    });
    assert.equal(bad.json().error_code, 2204);
  });

  test('a showcase: password privacy needs a password; adding twice keeps one; GET …/videos/{id} tells membership', async () => {
    const refused = await api(sb, 'POST', '/me/albums', {
      token,
      body: { name: 'Secret', privacy: 'password' },
    });
    assert.equal(refused.status, 400);
    assert.deepEqual(
      refused.json().invalid_parameters.map((p: { field: string }) => p.field),
      ['password'],
    );
    const created = await api(sb, 'POST', '/me/albums', {
      token,
      body: { name: 'Best of', description: 'd' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers['content-type'], 'application/vnd.vimeo.album+json');
    const album = created.json();
    assert.match(album.uri, /^\/users\/\d+\/albums\/\d+$/);
    const id = album.uri.split('/').at(-1);
    assert.equal((await api(sb, 'GET', `/me/albums/${id}/videos/${a}`, { token })).status, 404);
    assert.equal((await api(sb, 'PUT', `/me/albums/${id}/videos/${a}`, { token })).status, 204);
    assert.equal((await api(sb, 'PUT', `/me/albums/${id}/videos/${a}`, { token })).status, 204);
    assert.equal((await api(sb, 'PUT', `/me/albums/${id}/videos/${b}`, { token })).status, 204);
    assert.equal((await api(sb, 'GET', `/me/albums/${id}/videos/${a}`, { token })).status, 200);
    assert.deepEqual(sb.showcases(), [{ id, owner: 'sandbox-user', name: 'Best of', videoIds: [a, b] }]);
    const list = (
      await api(sb, 'GET', '/me/albums?fields=name,metadata.connections.videos.total', { token })
    ).json();
    assert.deepEqual(list.data, [{ name: 'Best of', metadata: { connections: { videos: { total: 2 } } } }]);
    assert.equal((await api(sb, 'DELETE', `/me/albums/${id}/videos/${a}`, { token })).status, 204);
    assert.deepEqual(sb.showcases()[0]?.videoIds, [b]);
    const stranger = sb.mintToken({ user: 'stranger' });
    assert.equal((await api(sb, 'GET', `/me/albums/${id}`, { token: stranger })).status, 404);
    assert.equal((await api(sb, 'DELETE', `/me/albums/${id}`, { token })).status, 204);
    assert.deepEqual(sb.showcases(), []);
  });
});
