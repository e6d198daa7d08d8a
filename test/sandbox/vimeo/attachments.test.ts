// This file tests thumbnails and text tracks with plain HTTP, in the order vimeo.py and vimeo.php do the steps:
// POST → 201 with `link`, PUT the file to the link (upload host, no Authorization) → 200, PATCH active → 200.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startVimeoSandbox, type VimeoSandbox } from '../../../src/sandbox/vimeo/index.js';
import { request, sha256 } from '../http.js';
import { api, createVideo } from './helpers.js';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(200, 3)]);
const VTT = Buffer.from('WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello\n');
const SRT = Buffer.from('1\n00:00:00,000 --> 00:00:01,000\nHallo\n');
const put = (link: string, body: Buffer) => request(link, { method: 'PUT', body });

describe('vimeo emulator: pictures and text tracks', () => {
  let sb: VimeoSandbox;
  let token: string;
  let video: string;
  before(async () => {
    sb = await startVimeoSandbox();
    token = sb.mintToken();
    video = (await createVideo(sb, token, 10)).id;
  });
  beforeEach(() => {
    sb.faults.clear();
    sb.clearRequests();
  });
  after(() => sb.close());

  test('a thumbnail: created with a link on the upload host, the image PUT there, then made active', async () => {
    const created = await api(sb, 'POST', `/videos/${video}/pictures`, { token });
    assert.equal(created.status, 201);
    assert.equal(created.headers['content-type'], 'application/vnd.vimeo.picture+json');
    const picture = created.json();
    assert.match(picture.uri, new RegExp(`^/videos/${video}/pictures/\\d+$`));
    assert.equal(picture.active, false);
    assert.ok(picture.link.startsWith(`${sb.uploadUrl}/pictures/`));
    const early = await api(sb, 'PATCH', picture.uri, { token, body: { active: true } });
    assert.equal(early.status, 400, 'nothing to activate before the image arrived');
    assert.equal((await put(picture.link, Buffer.from('not an image'))).status, 400);
    const stored = await put(picture.link, PNG);
    assert.equal(stored.status, 200);
    const active = await api(sb, 'PATCH', picture.uri, { token, body: { active: 'true' } });
    assert.equal(active.status, 200);
    assert.equal(active.json().active, true);
    assert.deepEqual(sb.pictures(video), [
      {
        id: picture.uri.split('/')[4],
        active: true,
        size: PNG.length,
        sha256: sha256(PNG),
        mimeType: 'image/png',
      },
    ]);
    const shown = (
      await api(sb, 'GET', `/videos/${video}?fields=pictures.uri,pictures.active`, { token })
    ).json();
    assert.deepEqual(shown.pictures, { uri: picture.uri, active: true });
    const list = (await api(sb, 'GET', `/videos/${video}/pictures`, { token })).json();
    assert.equal(list.total, 1);
    assert.equal(list.data[0].link, undefined, 'the upload link shows only at creation');
    const second = (await api(sb, 'POST', `/videos/${video}/pictures`, { token })).json();
    await put(second.link, PNG);
    await api(sb, 'PATCH', second.uri, { token, body: { active: true } });
    assert.deepEqual(
      sb.pictures(video).map((p) => p.active),
      [false, true],
      'one active thumbnail per video',
    );
    assert.equal(sb.requests.filter((e) => e.host === 'upload' && e.headers.authorization).length, 0);
  });

  test('a text track: type, language and name are required; one active track per language and type', async () => {
    const bad = await api(sb, 'POST', `/videos/${video}/texttracks`, {
      token,
      body: { type: 'karaoke', name: 'x' },
    });
    assert.equal(bad.status, 403, 'api.yaml create_text_track answers 2204 with 403');
    assert.equal(bad.json().error_code, 2204);
    assert.deepEqual(
      bad.json().invalid_parameters.map((p: { field: string }) => p.field),
      ['type', 'language'],
    );
    const make = async (language: string, name: string, file: Buffer) => {
      const r = await api(sb, 'POST', `/videos/${video}/texttracks`, {
        token,
        body: { type: 'captions', language, name },
      });
      assert.equal(r.status, 201);
      const track = r.json();
      assert.equal((await put(track.link, file)).status, 200);
      assert.equal((await api(sb, 'PATCH', track.uri, { token, body: { active: true } })).status, 200);
      return track;
    };
    const en1 = await make('en', 'English', VTT);
    await make('de', 'Deutsch', SRT);
    await make('en', 'English 2', VTT);
    assert.deepEqual(
      sb.textTracks(video).map((t) => [t.language, t.name, t.active]),
      [
        ['en', 'English', false],
        ['de', 'Deutsch', true],
        ['en', 'English 2', true],
      ],
    );
    assert.equal(sb.textTracks(video)[0]?.sha256, sha256(VTT));
    const other = await api(sb, 'POST', `/videos/${video}/texttracks`, {
      token,
      body: { type: 'subtitles', language: 'fr', name: 'fr' },
    });
    assert.equal((await put(other.json().link, Buffer.from('plain words'))).status, 400);
    assert.equal((await api(sb, 'GET', `/videos/${video}/texttracks`, { token })).json().total, 4);
    assert.equal((await api(sb, 'DELETE', en1.uri, { token })).status, 204);
    assert.equal((await api(sb, 'GET', en1.uri, { token })).json().error_code, 5014);
  });

  test('thumbnail and caption faults hit the PUT to the link', async () => {
    const picture = (await api(sb, 'POST', `/videos/${video}/pictures`, { token })).json();
    sb.faults.add({ on: 'thumbnail', status: 503 });
    assert.equal((await put(picture.link, PNG)).status, 503);
    assert.equal(sb.pictures(video).find((p) => picture.uri.endsWith(p.id))?.size, undefined);
    const track = (
      await api(sb, 'POST', `/videos/${video}/texttracks`, {
        token,
        body: { type: 'captions', language: 'it', name: 'it' },
      })
    ).json();
    sb.faults.add({ on: 'caption', cutAfterBytes: 5 });
    await assert.rejects(put(track.link, VTT));
    assert.equal(sb.textTracks(video).find((t) => t.language === 'it')?.size, undefined);
    assert.equal((await put(track.link, VTT)).status, 200);
  });
});
