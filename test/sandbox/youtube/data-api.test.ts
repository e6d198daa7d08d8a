// This file tests the Data API calls: videos.list/update (replace semantics), categories, channels, playlists, captions.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../../src/sandbox/youtube/index.js';
import { bearer, fakeMp4, meta, reason, request, uploadVideo } from '../http.js';

const json = (token: string) => ({ ...bearer(token), 'content-type': 'application/json' });

describe('sandbox Data API', () => {
  let sb: Sandbox;
  let token: string;
  let other: string;
  before(async () => {
    sb = await startSandbox({ dailyQuota: 1e9, processingMs: 0 });
    token = sb.mintToken().access_token;
    other = sb.mintToken({ user: 'bob' }).access_token;
  });
  after(() => sb.close());

  const full = {
    snippet: {
      title: 'Full',
      description: 'desc',
      tags: ['a', 'b c'],
      categoryId: '27',
      defaultLanguage: 'en',
      defaultAudioLanguage: 'en-US',
    },
    status: {
      privacyStatus: 'private',
      publishAt: '2099-05-01T10:00:00Z',
      license: 'creativeCommon',
      embeddable: false,
      publicStatsViewable: false,
      selfDeclaredMadeForKids: false,
      containsSyntheticMedia: true,
    },
    recordingDetails: { recordingDate: '2024-03-04T00:00:00Z' },
    localizations: { de: { title: 'Voll', description: 'Beschreibung' } },
  };
  const fullParts = 'snippet,status,recordingDetails,localizations';

  async function uploadFull(): Promise<string> {
    const init = await request(`${sb.url}/upload/youtube/v3/videos?uploadType=resumable&part=${fullParts}`, {
      method: 'POST',
      headers: json(token),
      body: JSON.stringify(full),
    });
    assert.equal(init.status, 200, init.text);
    const done = await request(String(init.headers.location), { method: 'PUT', body: fakeMp4(2000) });
    return done.json().id;
  }

  function update(t: string, part: string, body: unknown) {
    return request(`${sb.url}/youtube/v3/videos?part=${part}`, {
      method: 'PUT',
      headers: json(t),
      body: JSON.stringify(body),
    });
  }

  test('videos.list returns the named parts by id, skipping unknown ids', async () => {
    const id = await uploadFull();
    const r = await request(`${sb.url}/youtube/v3/videos?part=snippet,status,localizations&id=${id},nope`, {
      headers: bearer(token),
    });
    assert.equal(r.status, 200);
    const body = r.json();
    assert.equal(body.kind, 'youtube#videoListResponse');
    assert.equal(body.items.length, 1);
    const v = body.items[0];
    assert.deepEqual(Object.keys(v).sort(), ['etag', 'id', 'kind', 'localizations', 'snippet', 'status']);
    assert.deepEqual(v.snippet.tags, ['a', 'b c']);
    assert.equal(v.status.publishAt, '2099-05-01T10:00:00.000Z');
    assert.equal(v.status.containsSyntheticMedia, true);
    assert.deepEqual(v.localizations, { de: { title: 'Voll', description: 'Beschreibung' } });
  });

  test('fileDetails and processingDetails are shown to the owner only; private videos are hidden from others', async () => {
    const mine = await uploadVideo(sb, token, fakeMp4(100), {
      snippet: { title: 'pub' },
      status: { privacyStatus: 'public' },
    });
    const parts = 'snippet,fileDetails,processingDetails';
    const own = (
      await request(`${sb.url}/youtube/v3/videos?part=${parts}&id=${mine.id}`, { headers: bearer(token) })
    ).json();
    assert.ok(own.items[0].fileDetails);
    assert.ok(own.items[0].processingDetails);
    const theirs = (
      await request(`${sb.url}/youtube/v3/videos?part=${parts}&id=${mine.id}`, { headers: bearer(other) })
    ).json();
    assert.equal(theirs.items[0].fileDetails, undefined);
    assert.equal(theirs.items[0].processingDetails, undefined);
    const priv = await uploadFull();
    const hidden = (
      await request(`${sb.url}/youtube/v3/videos?part=id&id=${priv}`, { headers: bearer(other) })
    ).json();
    assert.equal(hidden.items.length, 0);
  });

  test('videos.update replaces the named part: a title-only snippet clears description, tags and language', async () => {
    const id = await uploadFull();
    const before = sb.video(id)!;
    const r = await update(token, 'snippet', { id, snippet: { title: 'New', categoryId: '27' } });
    assert.equal(r.status, 200, r.text);
    const after = sb.video(id)!;
    const s = after.snippet as Record<string, unknown>;
    assert.equal(s.title, 'New');
    assert.equal(s.description, '');
    assert.equal(s.tags, undefined);
    assert.equal(s.defaultLanguage, undefined);
    assert.equal(s.defaultAudioLanguage, 'en-US');
    assert.deepEqual(after.status, before.status);
    assert.deepEqual(after.localizations, before.localizations);
    assert.notEqual(after.etag, before.etag);
  });

  test('videos.update of status without privacy or publishAt resets them', async () => {
    const id = await uploadFull();
    const r = await update(token, 'status', { id, status: { embeddable: true } });
    assert.equal(r.status, 200, r.text);
    const st = r.json().status;
    assert.equal(st.privacyStatus, 'public');
    assert.equal(st.publishAt, undefined);
    assert.equal(st.license, 'youtube');
    assert.equal(st.containsSyntheticMedia, undefined);
    assert.equal((sb.video(id)!.snippet as { title: string }).title, 'Full');
  });

  test('sending back the whole parts keeps every field (the safe read-merge-write pattern)', async () => {
    const id = await uploadFull();
    const before = sb.video(id)!;
    const r = await update(token, fullParts, { id, ...full, snippet: { ...full.snippet, title: 'Renamed' } });
    assert.equal(r.status, 200, r.text);
    const after = sb.video(id)!;
    assert.deepEqual(
      { ...after, etag: '', snippet: { ...(after.snippet as object), title: '', localized: 0 } },
      {
        ...before,
        etag: '',
        snippet: { ...(before.snippet as object), title: '', localized: 0 },
      },
    );
  });

  test('videos.update errors: categoryId required with snippet, videoNotFound, forbidden, defaultLanguageNotSet', async () => {
    const id = await uploadFull();
    assert.equal(
      reason(await update(token, 'snippet', { id, snippet: { title: 'x' } })),
      'invalidCategoryId',
    );
    const missing = await update(token, 'snippet', {
      id: 'doesnotexis',
      snippet: { title: 'x', categoryId: '22' },
    });
    assert.equal(missing.status, 404);
    assert.equal(reason(missing), 'videoNotFound');
    const pub = await uploadVideo(sb, token, fakeMp4(100), {
      snippet: { title: 'p' },
      status: { privacyStatus: 'public' },
    });
    const forbidden = await update(other, 'snippet', {
      id: pub.id,
      snippet: { title: 'x', categoryId: '22' },
    });
    assert.equal(forbidden.status, 403);
    assert.equal(reason(forbidden), 'forbidden');
    const loc = await update(token, 'snippet,localizations', {
      id,
      snippet: { title: 'x', categoryId: '22' },
      localizations: { fr: { title: 'x' } },
    });
    assert.equal(reason(loc), 'defaultLanguageNotSet');
    const locOnly = await update(token, 'localizations', { id, localizations: { fr: { title: 'Bonjour' } } });
    assert.equal(locOnly.status, 200, locOnly.text);
  });

  test('an unverified project keeps uploads private and refuses making them public', async () => {
    const locked = await startSandbox({ unverifiedProject: true });
    try {
      const t = locked.mintToken().access_token;
      const v = await uploadVideo(locked, t, fakeMp4(100), {
        snippet: { title: 'p' },
        status: { privacyStatus: 'public' },
      });
      assert.equal(v.status.privacyStatus, 'private');
      const r = await request(`${locked.url}/youtube/v3/videos?part=status`, {
        method: 'PUT',
        headers: json(t),
        body: JSON.stringify({ id: v.id, status: { privacyStatus: 'public' } }),
      });
      assert.equal(reason(r), 'forbiddenPrivacySetting');
    } finally {
      await locked.close();
    }
  });

  test('videoCategories.list serves the US list and needs a filter', async () => {
    const r = await request(`${sb.url}/youtube/v3/videoCategories?part=snippet&regionCode=US&hl=en`, {
      headers: bearer(token),
    });
    const items = r.json().items;
    assert.deepEqual(
      items.map((c: { id: string }) => c.id),
      ['1', '2', '10', '15', '17', '19', '20', '22', '23', '24', '25', '26', '27', '28', '29'],
    );
    assert.equal(items.find((c: { id: string }) => c.id === '22').snippet.title, 'People & Blogs');
    const one = await request(`${sb.url}/youtube/v3/videoCategories?part=snippet&id=10`, {
      headers: bearer(token),
    });
    assert.equal(one.json().items[0].snippet.title, 'Music');
    const none = await request(`${sb.url}/youtube/v3/videoCategories?part=snippet`, {
      headers: bearer(token),
    });
    assert.equal(none.status, 400);
  });

  test('channels.list mine=true describes the caller channel with its uploads playlist', async () => {
    const r = await request(
      `${sb.url}/youtube/v3/channels?part=snippet,contentDetails,statistics&mine=true`,
      {
        headers: bearer(token),
      },
    );
    const ch = r.json().items[0];
    assert.match(ch.id, /^UC[A-Za-z0-9_-]{22}$/);
    assert.equal(ch.contentDetails.relatedPlaylists.uploads, `UU${ch.id.slice(2)}`);
    assert.ok(Number(ch.statistics.videoCount) >= 1);
  });

  test('playlists: insert, list mine with paging, list by id; a title is required', async () => {
    const ids: string[] = [];
    for (const title of ['One', 'Two', 'Three']) {
      const r = await request(`${sb.url}/youtube/v3/playlists?part=snippet,status`, {
        method: 'POST',
        headers: json(token),
        body: JSON.stringify({ snippet: { title }, status: { privacyStatus: 'unlisted' } }),
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json().status.privacyStatus, 'unlisted');
      ids.push(r.json().id);
    }
    const page1 = (
      await request(`${sb.url}/youtube/v3/playlists?part=snippet&mine=true&maxResults=2`, {
        headers: bearer(token),
      })
    ).json();
    assert.equal(page1.items.length, 2);
    assert.ok(page1.nextPageToken);
    const page2 = (
      await request(
        `${sb.url}/youtube/v3/playlists?part=snippet&mine=true&maxResults=2&pageToken=${page1.nextPageToken}`,
        {
          headers: bearer(token),
        },
      )
    ).json();
    assert.equal(page2.items.length, 1);
    assert.equal(page2.nextPageToken, undefined);
    const byId = (
      await request(`${sb.url}/youtube/v3/playlists?part=snippet&id=${ids[1]}`, { headers: bearer(token) })
    ).json();
    assert.equal(byId.items[0].snippet.title, 'Two');
    const bobs = (
      await request(`${sb.url}/youtube/v3/playlists?part=id&mine=true`, { headers: bearer(other) })
    ).json();
    assert.equal(bobs.items.length, 0);
    const noTitle = await request(`${sb.url}/youtube/v3/playlists?part=snippet`, {
      method: 'POST',
      headers: json(token),
      body: '{}',
    });
    assert.equal(reason(noTitle), 'playlistTitleRequired');
  });

  test('playlistItems.insert adds videos at a position, list filters by videoId; unknown playlist or video is 404', async () => {
    const pl = (
      await request(`${sb.url}/youtube/v3/playlists?part=snippet`, {
        method: 'POST',
        headers: json(token),
        body: JSON.stringify({ snippet: { title: 'Items' } }),
      })
    ).json();
    const a = await uploadVideo(sb, token, fakeMp4(100));
    const b = await uploadVideo(sb, token, fakeMp4(100));
    const add = (videoId: string, extra: Record<string, unknown> = {}, playlistId = pl.id) =>
      request(`${sb.url}/youtube/v3/playlistItems?part=snippet,contentDetails`, {
        method: 'POST',
        headers: json(token),
        body: JSON.stringify({
          snippet: { playlistId, resourceId: { kind: 'youtube#video', videoId }, ...extra },
        }),
      });
    assert.equal((await add(a.id)).json().snippet.position, 0);
    const first = await add(b.id, { position: 0 });
    assert.equal(first.status, 200);
    assert.equal(first.json().snippet.resourceId.videoId, b.id);
    const list = (
      await request(`${sb.url}/youtube/v3/playlistItems?part=snippet&playlistId=${pl.id}`, {
        headers: bearer(token),
      })
    ).json();
    assert.deepEqual(
      list.items.map((i: { snippet: { resourceId: { videoId: string } } }) => i.snippet.resourceId.videoId),
      [b.id, a.id],
    );
    const holding = (
      await request(`${sb.url}/youtube/v3/playlistItems?part=snippet&playlistId=${pl.id}&videoId=${a.id}`, {
        headers: bearer(token),
      })
    ).json();
    assert.deepEqual(
      holding.items.map(
        (i: { snippet: { resourceId: { videoId: string } } }) => i.snippet.resourceId.videoId,
      ),
      [a.id],
      'videoId keeps only the items holding that video',
    );
    const none = await request(
      `${sb.url}/youtube/v3/playlistItems?part=id&playlistId=${pl.id}&videoId=notinthere`,
      { headers: bearer(token) },
    );
    assert.deepEqual(none.json().items, []);
    const noPl = await add(a.id, {}, 'PLnothere');
    assert.equal(noPl.status, 404);
    assert.equal(reason(noPl), 'playlistNotFound');
    const noVid = await add('nonexistent');
    assert.equal(noVid.status, 404);
    assert.equal(reason(noVid), 'videoNotFound');
    assert.equal(reason(await add(a.id, { position: 9 })), 'invalidPlaylistItemPosition');
  });

  /** captions.insert as a multipart request: the snippet, then the track. */
  function sendCaption(snippet: Record<string, unknown>, content: string) {
    const boundary = 'cap-boundary';
    return request(`${sb.url}/upload/youtube/v3/captions?part=snippet&uploadType=multipart`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': `multipart/related; boundary=${boundary}` },
      body: [
        `--${boundary}`,
        'Content-Type: application/json',
        '',
        JSON.stringify({ snippet }),
        `--${boundary}`,
        'Content-Type: text/vtt',
        '',
        content,
        `--${boundary}--`,
        '',
      ].join('\r\n'),
    });
  }

  test('captions.insert stores a track; same language and name again is 409 captionExists', async () => {
    const v = await uploadVideo(sb, token, fakeMp4(100));
    const vtt = 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n';
    const r = await sendCaption({ videoId: v.id, language: 'en', name: 'English' }, vtt);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json().kind, 'youtube#caption');
    assert.equal(r.json().snippet.language, 'en');
    const dup = await sendCaption({ videoId: v.id, language: 'en', name: 'English' }, vtt);
    assert.equal(dup.status, 409);
    assert.equal(reason(dup), 'captionExists');
    assert.equal(
      (await sendCaption({ videoId: v.id, language: 'en', name: 'x'.repeat(151) }, vtt)).json().error
        .errors[0].reason,
      'nameTooLong',
    );
    assert.equal(
      reason(await sendCaption({ videoId: v.id, language: 'de', name: '' }, '')),
      'contentRequired',
    );
    assert.equal(reason(await sendCaption({ videoId: 'nosuchvideo', language: 'de' }, vtt)), 'videoNotFound');
    assert.equal((sb.video(v.id)!.contentDetails as { caption: string }).caption, 'true');
  });

  test('captions.list returns the tracks of one video for 50 units; others are 403, unknown 404', async () => {
    const v = await uploadVideo(sb, token, fakeMp4(100));
    const list = (videoId: string, t = token) =>
      request(`${sb.url}/youtube/v3/captions?part=snippet&videoId=${videoId}`, { headers: bearer(t) });
    assert.deepEqual((await list(v.id)).json().items, []);
    const added = await sendCaption({ videoId: v.id, language: 'fr', name: '' }, 'WEBVTT\n');
    assert.equal(added.status, 200, added.text);
    const before = sb.quotaUsed();
    const r = await list(v.id);
    assert.equal(r.status, 200, r.text);
    assert.equal(sb.quotaUsed() - before, 50);
    assert.equal(r.json().kind, 'youtube#captionListResponse');
    assert.deepEqual(
      r
        .json()
        .items.map((c: { id: string; snippet: { language: string; trackKind: string } }) => [
          c.id,
          c.snippet.language,
          c.snippet.trackKind,
        ]),
      [[added.json().id, 'fr', 'standard']],
    );
    assert.deepEqual(sb.captions(v.id), [{ id: added.json().id, language: 'fr', name: '' }]);
    assert.equal(
      reason(await list(v.id, other)),
      'videoNotFound',
      "another user's private video is not seen",
    );
    const open = await uploadVideo(
      sb,
      token,
      fakeMp4(100),
      meta('Public', { status: { privacyStatus: 'public' } }),
    );
    assert.equal(
      reason(await list(open.id, other)),
      'forbidden',
      "another user's public video is not theirs",
    );
    assert.equal(reason(await list('nosuchvideo')), 'videoNotFound');
    assert.equal(
      (await request(`${sb.url}/youtube/v3/captions?part=snippet`, { headers: bearer(token) })).status,
      400,
    );
  });
});
