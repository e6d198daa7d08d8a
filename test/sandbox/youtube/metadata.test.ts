// This file tests metadata validation at initiation (seed reasons), quota and upload limits, and the pure rules.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Sandbox, startSandbox } from '../../../src/sandbox/youtube/index.js';
import { pacificDay } from '../../../src/sandbox/youtube/quota.js';
import { tagsLength } from '../../../src/sandbox/youtube/validate.js';
import { bearer, fakeMp4, manualClock, reason, request, uploadVideo } from '../http.js';

function init(
  sb: Sandbox,
  token: string,
  body: unknown,
  part = 'snippet,status,recordingDetails,localizations',
) {
  return request(`${sb.url}/upload/youtube/v3/videos?uploadType=resumable&part=${part}`, {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const snippet = (over: Record<string, unknown>) => ({ title: 'ok', categoryId: '22', ...over });

describe('sandbox metadata rules', () => {
  let sb: Sandbox;
  let token: string;
  const clock = manualClock();
  before(async () => {
    sb = await startSandbox({ now: clock.now, dailyQuota: 1e9 });
    token = sb.mintToken().access_token;
  });
  after(() => sb.close());

  const cases: Array<[string, unknown, string]> = [
    ['missing title', { snippet: { categoryId: '22' } }, 'invalidTitle'],
    ['blank title', { snippet: snippet({ title: '   ' }) }, 'invalidTitle'],
    ['101-character title', { snippet: snippet({ title: 'x'.repeat(101) }) }, 'invalidTitle'],
    ['title with <', { snippet: snippet({ title: 'a < b' }) }, 'invalidTitle'],
    [
      'description over 5000 bytes',
      { snippet: snippet({ description: 'é'.repeat(2501) }) },
      'invalidDescription',
    ],
    ['description with >', { snippet: snippet({ description: 'a > b' }) }, 'invalidDescription'],
    [
      'tags over 500 characters',
      { snippet: snippet({ tags: ['a b'.repeat(100), 'x'.repeat(200)] }) },
      'invalidTags',
    ],
    ['unknown category', { snippet: snippet({ categoryId: '99' }) }, 'invalidCategoryId'],
    [
      'privacy outside the enum',
      { snippet: snippet({}), status: { privacyStatus: 'secret' } },
      'invalidVideoMetadata',
    ],
    [
      'publishAt with public',
      { snippet: snippet({}), status: { privacyStatus: 'public', publishAt: '2099-01-01T00:00:00Z' } },
      'invalidPublishAt',
    ],
    [
      'publishAt in the past',
      { snippet: snippet({}), status: { privacyStatus: 'private', publishAt: '2001-01-01T00:00:00Z' } },
      'invalidPublishAt',
    ],
    [
      'publishAt not a date',
      { snippet: snippet({}), status: { privacyStatus: 'private', publishAt: 'tomorrow' } },
      'invalidPublishAt',
    ],
    [
      'localizations without defaultLanguage',
      { snippet: snippet({}), localizations: { de: { title: 'Hallo' } } },
      'defaultLanguageNotSet',
    ],
    [
      'license outside the enum',
      { snippet: snippet({}), status: { license: 'gpl' } },
      'invalidVideoMetadata',
    ],
    [
      'recordingDate not ISO',
      { snippet: snippet({}), recordingDetails: { recordingDate: '12/31/2020' } },
      'invalidRecordingDetails',
    ],
  ];
  for (const [name, body, expected] of cases) {
    test(`initiation rejects ${name} with 400 ${expected}`, async () => {
      const r = await init(sb, token, body);
      assert.equal(r.status, 400, r.text);
      assert.equal(reason(r), expected);
      assert.equal(r.json().error.code, 400);
      assert.equal(typeof r.json().error.message, 'string');
      assert.equal(r.headers.location, undefined);
    });
  }

  test('valid edge values pass: 100 characters, 5000 bytes, 500 tag characters, future publishAt', async () => {
    const tags = ['a b', 'x'.repeat(494)];
    assert.equal(tagsLength(tags), 500);
    const r = await init(sb, token, {
      snippet: snippet({
        title: 'ü'.repeat(100),
        description: 'é'.repeat(2500),
        tags,
        defaultLanguage: 'en',
      }),
      status: {
        privacyStatus: 'private',
        publishAt: new Date(clock.now() + 3600_000).toISOString(),
        license: 'creativeCommon',
      },
      localizations: { de: { title: 'Hallo', description: 'Welt' } },
      recordingDetails: { recordingDate: '2020-12-31T10:00:00Z' },
    });
    assert.equal(r.status, 200, r.text);
  });

  test('parts not named in part are ignored, as the API does', async () => {
    const r = await init(
      sb,
      token,
      { snippet: snippet({}), status: { privacyStatus: 'nonsense' } },
      'snippet',
    );
    assert.equal(r.status, 200);
  });

  test('unknown parts and a missing part are 400', async () => {
    assert.equal(reason(await init(sb, token, { snippet: snippet({}) }, 'snippet,bogus')), 'unknownPart');
    const r = await request(`${sb.url}/upload/youtube/v3/videos?uploadType=resumable`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(reason(r), 'required');
  });

  test('tags are counted as YouTube counts them: commas and quotes around tags with spaces', () => {
    assert.equal(tagsLength(['surfing', 'Santa Cruz']), 7 + 1 + 12);
    assert.equal(tagsLength(['Foo Baz']), 9);
    assert.equal(tagsLength([]), 0);
  });
});

describe('sandbox quota and upload limits', () => {
  test('insert costs 1600 units; when the day is spent initiation is 403 quotaExceeded', async () => {
    const sb = await startSandbox({ dailyQuota: 5000 });
    try {
      const token = sb.mintToken().access_token;
      for (let i = 0; i < 3; i++) assert.equal((await init(sb, token, { snippet: snippet({}) })).status, 200);
      assert.equal(sb.quotaUsed(), 4800);
      const r = await init(sb, token, { snippet: snippet({}) });
      assert.equal(r.status, 403);
      assert.equal(reason(r), 'quotaExceeded');
      assert.equal(r.json().error.errors[0].domain, 'youtube.quota');
      const list = await request(`${sb.url}/youtube/v3/videos?part=id&id=x`, { headers: bearer(token) });
      assert.equal(list.status, 200);
      assert.equal(sb.quotaUsed(), 4801);
      sb.setQuotaUsed(5000);
      const spent = await request(`${sb.url}/youtube/v3/videos?part=id&id=x`, { headers: bearer(token) });
      assert.equal(reason(spent), 'quotaExceeded');
    } finally {
      await sb.close();
    }
  });

  test('quota resets at midnight Pacific time, not UTC', async () => {
    const clock = manualClock(Date.parse('2025-01-15T07:30:00Z')); // 23:30 in Los Angeles (PST)
    const sb = await startSandbox({ now: clock.now });
    try {
      sb.setQuotaUsed(9999);
      clock.set(Date.parse('2025-01-15T07:59:00Z'));
      assert.equal(sb.quotaUsed(), 9999);
      clock.set(Date.parse('2025-01-15T08:01:00Z'));
      assert.equal(sb.quotaUsed(), 0);
      assert.equal(pacificDay(Date.parse('2025-07-01T06:59:00Z')), '2025-06-30'); // PDT
    } finally {
      await sb.close();
    }
  });

  test('per-method costs can be overridden', async () => {
    const sb = await startSandbox({ costs: { 'videos.insert': 10 } });
    try {
      const token = sb.mintToken().access_token;
      await init(sb, token, { snippet: snippet({}) });
      assert.equal(sb.quotaUsed(), 10);
    } finally {
      await sb.close();
    }
  });

  test('uploadLimitPerDay gives 400 uploadLimitExceeded once the channel uploaded that many', async () => {
    const sb = await startSandbox({ uploadLimitPerDay: 1 });
    try {
      const token = sb.mintToken().access_token;
      await uploadVideo(sb, token, fakeMp4(100));
      const r = await init(sb, token, { snippet: snippet({}) });
      assert.equal(r.status, 400);
      assert.equal(reason(r), 'uploadLimitExceeded');
    } finally {
      await sb.close();
    }
  });
});
