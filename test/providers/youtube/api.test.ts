// This file tests the YouTube client against the in-process sandbox: updates, errors, thumbnails, status, playlists.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, beforeEach, describe, test } from 'node:test';
import { OAuth2Client } from 'google-auth-library';
import { ExitCode, isVuploadError } from '../../../src/errors.js';
import { YouTubeClient, type YouTubeClientOptions } from '../../../src/providers/youtube/api.js';
import { processingError } from '../../../src/providers/youtube/status.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/youtube/index.js';
import { fixture } from '../../helpers/paths.js';

let sb: Sandbox;

function client(scopes?: string[], extra: Partial<YouTubeClientOptions> = {}): YouTubeClient {
  const token = sb.mintToken(scopes ? { scopes } : {});
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token.access_token, expiry_date: Date.now() + 3600e3 });
  // Retries wait nothing: the backoff is injected.
  return new YouTubeClient({ apiUrl: sb.url, auth, sleep: async () => {}, random: () => 0, ...extra });
}

/** Creates a video by a plain multipart upload (not through src/upload), returning its id. */
async function upload(
  resource: object,
  file = fixture('sample.mp4'),
  parts = 'snippet,status',
): Promise<string> {
  const token = sb.mintToken().access_token;
  const boundary = 'vupload-test-boundary';
  const media = await readFile(file);
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(resource)}\r\n`,
    ),
    Buffer.from(`--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`),
    media,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const response = await fetch(`${sb.url}/upload/youtube/v3/videos?uploadType=multipart&part=${parts}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/related; boundary=${boundary}` },
    body,
  });
  const json = (await response.json()) as { id?: string };
  assert.ok(response.ok && json.id, `upload failed: ${response.status} ${JSON.stringify(json)}`);
  return json.id;
}

/** A rich video: every writable field set, so an update that loses one is caught. */
const RICH = {
  snippet: {
    title: 'Summer vacation in California',
    description: 'Had fun surfing in Santa Cruz',
    tags: ['surfing', 'Santa Cruz'],
    categoryId: '17',
    defaultLanguage: 'en',
    defaultAudioLanguage: 'en-US',
  },
  status: {
    privacyStatus: 'private',
    publishAt: '2099-01-01T10:00:00Z',
    license: 'creativeCommon',
    embeddable: false,
    publicStatsViewable: false,
    selfDeclaredMadeForKids: false,
    containsSyntheticMedia: true,
  },
  recordingDetails: { recordingDate: '2024-07-14T00:00:00Z' },
  localizations: { fr: { title: 'Vacances d’été', description: 'Surf à Santa Cruz' } },
};
const RICH_PARTS = 'snippet,status,recordingDetails,localizations';

const rejectsWith = (promise: Promise<unknown>, check: { exit: number; code?: string; message?: RegExp }) =>
  assert.rejects(promise, (e: unknown) => {
    assert.ok(isVuploadError(e), `a VuploadError, got ${e}`);
    assert.equal(e.exitCode, check.exit, e.message);
    if (check.code) assert.equal(e.code, check.code);
    if (check.message) assert.match(e.message, check.message);
    return true;
  });

before(async () => {
  sb = await startSandbox({ processingMs: 200 });
});
after(async () => {
  await sb.close();
});
beforeEach(() => {
  sb.faults.clear();
  sb.setQuotaUsed(0);
});

describe('updateVideo', () => {
  test('a title-only update keeps every other field of the stored video', async () => {
    const id = await upload(RICH, fixture('sample.mp4'), RICH_PARTS);
    const api = client();
    // Let processing finish first, so that nothing but the update changes the video between the two reads.
    await api.waitForProcessing(id, { intervalMs: 20, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    const beforeUpdate = await api.getVideo(id);
    const stored = structuredClone(sb.video(id));
    const result = await api.updateVideo(id, { title: 'A new title' });
    assert.deepEqual(result.parts, ['snippet']);
    assert.deepEqual(result.diff, [
      { field: 'snippet.title', before: 'Summer vacation in California', after: 'A new title' },
    ]);
    const afterUpdate = await api.getVideo(id);
    const expected = structuredClone(beforeUpdate);
    expected.snippet!.title = 'A new title';
    if (expected.snippet?.localized) expected.snippet.localized = afterUpdate.snippet?.localized;
    delete expected.etag;
    delete afterUpdate.etag;
    assert.deepEqual(afterUpdate, expected);
    // The sandbox's own record: only the title differs (and the etag).
    const storedAfter = structuredClone(sb.video(id)) as Record<string, unknown>;
    assert.notEqual(stored, undefined);
    const strip = (v: unknown) =>
      JSON.parse(JSON.stringify(v, (k, x) => (k === 'etag' || k === 'title' ? undefined : x)));
    assert.deepEqual(strip(storedAfter), strip(stored));
    // Exactly one videos.update, naming only the snippet part.
    const puts = sb.requests.filter((r) => r.method === 'PUT' && r.path === '/youtube/v3/videos');
    assert.equal(puts.length, 1);
    assert.deepEqual(String(puts[0]!.query.part).split(','), ['snippet']);
    assert.deepEqual(puts[0]!.json, { id, snippet: { ...RICH.snippet, title: 'A new title' } });
  });

  test('nothing to change sends no update', async () => {
    const id = await upload(RICH, fixture('sample.mp4'), RICH_PARTS);
    sb.clearRequests();
    const result = await client().updateVideo(id, { title: RICH.snippet.title, addTags: ['surfing'] });
    assert.deepEqual(result.parts, []);
    assert.equal(sb.requests.filter((r) => r.method === 'PUT').length, 0);
  });

  test('tags, privacy and localizations change together and the stored video shows them', async () => {
    const id = await upload(RICH, fixture('sample.mp4'), RICH_PARTS);
    const result = await client().updateVideo(id, {
      addTags: ['beach'],
      removeTags: ['Santa Cruz'],
      privacyStatus: 'unlisted',
      localizations: { de: { title: 'Sommerurlaub' } },
    });
    assert.deepEqual(result.parts, ['snippet', 'status', 'localizations']);
    const video = await client().getVideo(id);
    assert.deepEqual(video.snippet?.tags, ['surfing', 'beach']);
    assert.equal(video.status?.privacyStatus, 'unlisted');
    assert.equal(video.status?.publishAt ?? undefined, undefined);
    assert.equal(video.status?.license, 'creativeCommon');
    assert.equal(video.localizations?.fr?.title, 'Vacances d’été');
    assert.equal(video.localizations?.de?.title, 'Sommerurlaub');
  });

  test('an unknown video id is videoNotFound (exit 1) without any update sent', async () => {
    sb.clearRequests();
    await rejectsWith(client().updateVideo('doesNotExist', { title: 'x' }), {
      exit: ExitCode.api,
      code: 'videoNotFound',
      message: /^Could not read video doesNotExist: no video with this id/,
    });
    assert.equal(sb.requests.filter((r) => r.method === 'PUT').length, 0);
  });

  const SEED_ERRORS: Array<[string, number]> = [
    ['defaultLanguageNotSet', 400],
    ['invalidCategoryId', 400],
    ['invalidDefaultBroadcastPrivacySetting', 400],
    ['invalidDescription', 400],
    ['invalidPublishAt', 400],
    ['invalidRecordingDetails', 400],
    ['invalidTags', 400],
    ['invalidTitle', 400],
    ['invalidVideoMetadata', 400],
    ['forbidden', 403],
    ['forbiddenEmbedSetting', 403],
    ['forbiddenLicenseSetting', 403],
    ['forbiddenPrivacySetting', 403],
    ['videoNotFound', 404],
  ];
  test("every error of the seed's videos.update table surfaces with its message and exit 1", async () => {
    const id = await upload({ snippet: { title: 'T' } });
    const api = client();
    for (const [reason, status] of SEED_ERRORS) {
      sb.faults.add({ on: { method: 'PUT', path: '/youtube/v3/videos' }, status, reason });
      await rejectsWith(api.updateVideo(id, { title: `T ${reason}` }), {
        exit: ExitCode.api,
        code: reason,
        message: new RegExp(`^Could not update video ${id}: .+ \\(${reason}\\)\\.$`),
      });
    }
  });

  test('a server error is retried and the update then succeeds', async () => {
    const id = await upload({ snippet: { title: 'T' } });
    sb.faults.add({
      on: { method: 'PUT', path: '/youtube/v3/videos' },
      status: 503,
      reason: 'backendError',
      times: 2,
    });
    const retries: string[] = [];
    const api = client(undefined, { onRetry: (info) => retries.push(info.why) });
    await api.updateVideo(id, { title: 'After retries' });
    assert.deepEqual(retries, ['backendError', 'backendError']);
    assert.equal((await api.getVideo(id)).snippet?.title, 'After retries');
  });

  test('an exhausted quota exits 4 and says when it resets', async () => {
    const id = await upload({ snippet: { title: 'T' } });
    sb.setQuotaUsed(1_000_000);
    await assert.rejects(client().updateVideo(id, { title: 'x' }), (e: unknown) => {
      assert.ok(isVuploadError(e));
      assert.equal(e.exitCode, ExitCode.quota);
      assert.match(e.hint ?? '', /midnight Pacific time/);
      return true;
    });
  });

  test('an upload-only login cannot update: exit 3 naming the scope', async () => {
    const id = await upload({ snippet: { title: 'T' } });
    await assert.rejects(client(['youtube.upload']).updateVideo(id, { title: 'x' }), (e: unknown) => {
      assert.ok(isVuploadError(e));
      assert.equal(e.exitCode, ExitCode.auth);
      assert.equal(e.code, 'insufficientPermissions');
      // A command that works: --scope all asks for every scope again (issue 27, item 5).
      assert.match(e.hint ?? '', /auth\/youtube scope: .*`vupload auth login --scope all`/);
      return true;
    });
  });

  test('a rejected access token exits 3 with the login hint', async () => {
    const auth = new OAuth2Client();
    auth.setCredentials({ access_token: 'not-a-token', expiry_date: Date.now() + 3600e3 });
    const api = new YouTubeClient({ apiUrl: sb.url, auth, sleep: async () => {}, random: () => 0 });
    await assert.rejects(
      api.getVideo('x'),
      (e: unknown) => isVuploadError(e) && e.exitCode === ExitCode.auth && /auth login/.test(e.hint ?? ''),
    );
  });
});

describe('setThumbnail', () => {
  test('uploads a JPEG to the sandbox through the media URL', async () => {
    const id = await upload({ snippet: { title: 'T' } });
    const result = await client().setThumbnail(id, fixture('thumbnail.jpg'));
    assert.equal(result.mimeType, 'image/jpeg');
    const stored = sb.thumbnail(id);
    assert.equal(stored?.size, (await readFile(fixture('thumbnail.jpg'))).length);
    assert.equal(stored?.mimeType, 'image/jpeg');
    assert.ok(sb.requests.some((r) => r.method === 'POST' && r.path === '/upload/youtube/v3/thumbnails/set'));
  });

  test('a GIF is refused before anything is sent (exit 2)', async () => {
    const id = await upload({ snippet: { title: 'T' } });
    sb.clearRequests();
    await rejectsWith(client().setThumbnail(id, fixture('not-an-image.gif')), {
      exit: ExitCode.usage,
      message: /--thumbnail/,
    });
    assert.equal(sb.requests.length, 0);
  });

  test('a channel not allowed custom thumbnails gets the verify hint (exit 1)', async () => {
    const id = await upload({ snippet: { title: 'T' } });
    sb.setUser('sandbox-user', { customThumbnails: false });
    try {
      await assert.rejects(client().setThumbnail(id, fixture('thumbnail.png')), (e: unknown) => {
        assert.ok(isVuploadError(e));
        assert.equal(e.exitCode, ExitCode.api);
        assert.match(e.hint ?? '', /youtube\.com\/verify/);
        return true;
      });
    } finally {
      sb.setUser('sandbox-user', { customThumbnails: true });
    }
  });

  test('uploadRateLimitExceeded is retried a few times, then exits 4', async () => {
    const id = await upload({ snippet: { title: 'T' } });
    sb.faults.add({ on: 'thumbnail', status: 429, reason: 'uploadRateLimitExceeded', times: 10 });
    sb.clearRequests();
    await rejectsWith(client().setThumbnail(id, fixture('thumbnail.jpg')), {
      exit: ExitCode.quota,
      code: 'uploadRateLimitExceeded',
    });
    assert.equal(sb.requests.filter((r) => r.path === '/upload/youtube/v3/thumbnails/set').length, 4);
  });

  test('a missing video is videoNotFound', async () => {
    await rejectsWith(client().setThumbnail('nope', fixture('thumbnail.jpg')), {
      exit: ExitCode.api,
      code: 'videoNotFound',
    });
  });
});

describe('status and processing', () => {
  const wait = {
    intervalMs: 20,
    maxIntervalMs: 50,
    timeoutMs: 10_000,
    sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
  };

  test('a real video goes through processing to succeeded, with progress on the way', async () => {
    const id = await upload({ snippet: { title: 'T' }, status: { privacyStatus: 'unlisted' } });
    const seen: string[] = [];
    const view = await client().waitForProcessing(id, { ...wait, onUpdate: (v) => seen.push(v.state) });
    assert.equal(view.state, 'succeeded');
    assert.equal(view.url, `https://youtu.be/${id}`);
    assert.equal(view.privacyStatus, 'unlisted');
    assert.equal(seen[0], 'processing');
    assert.equal(seen.at(-1), 'succeeded');
    assert.equal(processingError(view), undefined);
  });

  test('random bytes end in failed, and the outcome is an exit-1 error', async () => {
    const id = await upload({ snippet: { title: 'T' } }, fixture('not-a-video.bin'));
    const view = await client().waitForProcessing(id, wait);
    assert.equal(view.state, 'failed');
    assert.equal(view.failureReason, 'invalidFile');
    assert.equal(processingError(view)?.exitCode, ExitCode.api);
  });

  test('getStatus shows progress while processing', async () => {
    const id = await upload({ snippet: { title: 'T' } });
    const view = await client().getStatus(id);
    assert.equal(view.state, 'processing');
    assert.equal(view.partsTotal, 1000);
    assert.equal(typeof view.timeLeftMs, 'number');
  });

  test('an unaudited project keeps a public upload private, and the status says so', async () => {
    const locked = await startSandbox({ processingMs: 0, unverifiedProject: true });
    const saved = sb;
    sb = locked;
    try {
      const id = await upload({ snippet: { title: 'T' }, status: { privacyStatus: 'public' } });
      const view = await client().getStatus(id, 'public');
      assert.equal(view.privacyStatus, 'private');
      assert.equal(view.lockedPrivate, true);
      assert.match(view.notice ?? '', /private/);
    } finally {
      sb = saved;
      await locked.close();
    }
  });
});

describe('playlists', () => {
  test('a playlist is found by title, created on request, and a video is added to it', async () => {
    const api = client();
    await rejectsWith(api.resolvePlaylist('Road trips'), { exit: ExitCode.api, code: 'playlistNotFound' });
    const created = await api.resolvePlaylist('Road trips', { create: true });
    assert.equal(created.created, true);
    const again = await api.resolvePlaylist('Road trips');
    assert.deepEqual({ id: again.id, created: again.created }, { id: created.id, created: false });
    assert.equal((await api.resolvePlaylist(created.id)).title, 'Road trips');
    const id = await upload({ snippet: { title: 'T' } });
    const item = await api.addToPlaylist(id, created.id);
    assert.ok(item.id);
    const listed = (await api.listPlaylists()).find((p) => p.id === created.id);
    assert.equal(listed?.title, 'Road trips');
  });

  test('two playlists with the same title are ambiguous', async () => {
    const api = client();
    await api.createPlaylist('Twice');
    await api.createPlaylist('Twice');
    await rejectsWith(api.resolvePlaylist('Twice'), {
      exit: ExitCode.api,
      code: 'playlistAmbiguous',
      message: /2 of your playlists/,
    });
  });

  test('a video the playlist holds already is not added again', async () => {
    const api = client();
    const playlist = await api.createPlaylist('Once');
    const id = await upload({ snippet: { title: 'T' } });
    const first = await api.addToPlaylistOnce(id, playlist.id);
    const second = await api.addToPlaylistOnce(id, playlist.id);
    assert.deepEqual([first.added, second.added], [true, false]);
    assert.equal(second.id, first.id);
    assert.deepEqual(sb.playlists().find((p) => p.id === playlist.id)?.videoIds, [id]);
  });

  test('with an exclusive section, the title is resolved again inside it before creating', async () => {
    const api = client();
    // Another run creates the playlist while this one waits for the section.
    const created = await api.resolvePlaylist('Raced', {
      create: true,
      exclusive: async (work) => {
        await client().createPlaylist('Raced');
        return work();
      },
    });
    assert.equal(created.created, false);
    assert.equal(sb.playlists().filter((p) => p.title === 'Raced').length, 1);
  });

  test('adding to a playlist that does not exist is playlistNotFound', async () => {
    const id = await upload({ snippet: { title: 'T' } });
    await rejectsWith(client().addToPlaylist(id, 'PLnope'), { exit: ExitCode.api, code: 'playlistNotFound' });
  });
});

describe('categories, channel and captions', () => {
  test('lists the categories of a region, including 22 People & Blogs', async () => {
    const categories = await client().listCategories('US');
    assert.ok(categories.some((c) => c.id === '22' && /People/.test(c.title)));
    assert.ok(
      sb.requests.some((r) => r.path === '/youtube/v3/videoCategories' && r.query.regionCode === 'US'),
    );
  });

  test('reads the logged-in channel', async () => {
    const channel = await client().getMyChannel();
    assert.ok(channel.id);
  });

  test('uploads a caption track, and an upload-only login is told it needs youtube.force-ssl', async () => {
    const id = await upload({ snippet: { title: 'T' } });
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'vupload-cap-'));
    try {
      const file = join(dir, 'talk.en.srt');
      await writeFile(file, '1\n00:00:00,000 --> 00:00:01,000\nHello\n');
      const caption = await client().insertCaption(id, file, 'en', 'English');
      assert.ok(caption.id);
      assert.equal(caption.language, 'en');
      const again = await client().insertCaptionOnce(id, file, 'en', 'English');
      assert.deepEqual({ id: again.id, added: again.added }, { id: caption.id, added: false });
      assert.equal(
        (await client().insertCaptionOnce(id, file, 'en')).added,
        true,
        'another name is another track',
      );
      assert.equal(sb.captions(id).length, 2);
      await assert.rejects(client(['youtube']).insertCaption(id, file, 'fr'), (e: unknown) => {
        assert.ok(isVuploadError(e));
        assert.equal(e.exitCode, ExitCode.auth);
        assert.match(e.hint ?? '', /youtube\.force-ssl/);
        return true;
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
