// This file tests thumbnails.set: JPEG/PNG by content, the 2 MB limit, empty bodies, ownership and unverified channels.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../../src/sandbox/youtube/index.js';
import { fixture } from '../../helpers/paths.js';
import { bearer, fakeMp4, reason, request, sha256, uploadVideo } from '../http.js';

describe('sandbox thumbnails.set', () => {
  let sb: Sandbox;
  let token: string;
  let videoId: string;
  before(async () => {
    sb = await startSandbox({ dailyQuota: 1e9 });
    token = sb.mintToken().access_token;
    videoId = (await uploadVideo(sb, token, fakeMp4(1000))).id;
  });
  after(() => sb.close());

  const set = (body: Buffer | string, type = 'image/jpeg', id = videoId, t = token) =>
    request(`${sb.url}/upload/youtube/v3/thumbnails/set?videoId=${id}&uploadType=media`, {
      method: 'POST',
      headers: { ...bearer(t), 'content-type': type },
      body,
    });

  test('a JPEG is set and answered with a thumbnailSetResponse', async () => {
    const jpg = readFileSync(fixture('thumbnail.jpg'));
    const r = await set(jpg);
    assert.equal(r.status, 200, r.text);
    const body = r.json();
    assert.equal(body.kind, 'youtube#thumbnailSetResponse');
    assert.ok(body.etag);
    assert.ok(body.items[0].default.url);
    assert.ok(body.items[0].high.url);
    assert.deepEqual(sb.thumbnail(videoId), {
      size: jpg.length,
      sha256: sha256(jpg),
      mimeType: 'image/jpeg',
    });
    assert.equal(
      (sb.video(videoId)!.contentDetails as { hasCustomThumbnail: boolean }).hasCustomThumbnail,
      true,
    );
  });

  test('a PNG sent as application/octet-stream is recognised by its bytes; multipart works too', async () => {
    const png = readFileSync(fixture('thumbnail.png'));
    assert.equal((await set(png, 'application/octet-stream')).status, 200);
    assert.equal(sb.thumbnail(videoId)?.mimeType, 'image/png');
    const boundary = 'tb';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Type: application/json\r\n\r\n{}\r\n--${boundary}\r\nContent-Type: image/png\r\n\r\n`,
      ),
      png,
      Buffer.from(`\r\n--${boundary}--`),
    ]);
    const r = await request(
      `${sb.url}/upload/youtube/v3/thumbnails/set?videoId=${videoId}&uploadType=multipart`,
      {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': `multipart/related; boundary=${boundary}` },
        body,
      },
    );
    assert.equal(r.status, 200, r.text);
    assert.equal(sb.thumbnail(videoId)?.sha256, sha256(png));
  });

  test('a GIF or random bytes are 400 invalidImage whatever the Content-Type says', async () => {
    for (const name of ['not-an-image.gif', 'not-a-video.bin']) {
      const r = await set(readFileSync(fixture(name)));
      assert.equal(r.status, 400);
      assert.equal(reason(r), 'invalidImage');
    }
  });

  test('an image over 2 MB is 400 invalidImage; exactly 2 MB is accepted', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024 + 1);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    const r = await set(big);
    assert.equal(r.status, 400);
    assert.equal(reason(r), 'invalidImage');
    assert.match(r.json().error.message, /2 MB/);
    assert.equal((await set(big.subarray(0, 2 * 1024 * 1024))).status, 200);
  });

  test('an empty body is 400 mediaBodyRequired', async () => {
    const r = await set(Buffer.alloc(0));
    assert.equal(r.status, 400);
    assert.equal(reason(r), 'mediaBodyRequired');
  });

  test('an unknown video is 404 videoNotFound; another channel video is 403 forbidden', async () => {
    const jpg = readFileSync(fixture('thumbnail.jpg'));
    const missing = await set(jpg, 'image/jpeg', 'nosuchvideo');
    assert.equal(missing.status, 404);
    assert.equal(reason(missing), 'videoNotFound');
    const pub = await uploadVideo(sb, token, fakeMp4(100), {
      snippet: { title: 'p' },
      status: { privacyStatus: 'public' },
    });
    const bob = sb.mintToken({ user: 'bob' }).access_token;
    const r = await set(jpg, 'image/jpeg', pub.id, bob);
    assert.equal(r.status, 403);
    assert.equal(reason(r), 'forbidden');
  });

  test('a channel not allowed custom thumbnails gets 403 forbidden saying it must be verified', async () => {
    const carol = sb.mintToken({ user: 'carol' }).access_token;
    const v = await uploadVideo(sb, carol, fakeMp4(100));
    sb.setUser('carol', { customThumbnails: false });
    const r = await set(readFileSync(fixture('thumbnail.jpg')), 'image/jpeg', v.id, carol);
    assert.equal(r.status, 403);
    assert.equal(reason(r), 'forbidden');
    assert.match(r.json().error.message, /verified/);
  });

  test('a youtube.upload token may set thumbnails', async () => {
    const up = sb.mintToken({ scopes: ['youtube.upload'] }).access_token;
    assert.equal((await set(readFileSync(fixture('thumbnail.jpg')), 'image/jpeg', videoId, up)).status, 200);
  });
});
