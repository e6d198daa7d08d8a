// This file tests planning videos.update: only the given fields change, and changed parts go back complete.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isVuploadError } from '../../../src/errors.js';
import { planUpdate } from '../../../src/providers/youtube/update.js';

const now = new Date('2030-06-01T12:00:00Z');

/** A video as videos.list answers with snippet,status,recordingDetails,localizations (read-only fields included). */
function current() {
  return {
    kind: 'youtube#video',
    id: 'vid123',
    snippet: {
      publishedAt: '2030-01-01T00:00:00Z',
      channelId: 'UC1',
      title: 'Old title',
      description: 'A description\nwith lines',
      tags: ['surfing', 'Santa Cruz'],
      categoryId: '17',
      defaultLanguage: 'en',
      defaultAudioLanguage: 'en-US',
      thumbnails: { default: { url: 'https://i.ytimg.com/x.jpg' } },
      localized: { title: 'Old title', description: 'A description\nwith lines' },
    },
    status: {
      uploadStatus: 'processed',
      privacyStatus: 'private',
      publishAt: '2030-12-24T18:00:00Z',
      license: 'creativeCommon',
      embeddable: false,
      publicStatsViewable: true,
      madeForKids: false,
      selfDeclaredMadeForKids: false,
      containsSyntheticMedia: true,
    },
    recordingDetails: { recordingDate: '2029-07-14T00:00:00Z', locationDescription: null },
    localizations: { fr: { title: 'Vieux titre', description: 'Une description' } },
  };
}

describe('planUpdate', () => {
  test('a title-only update sends the whole snippet with every other field unchanged, and nothing else', () => {
    const plan = planUpdate(current(), { title: 'New title' }, { now });
    assert.deepEqual(plan.parts, ['snippet']);
    assert.deepEqual(plan.body, {
      id: 'vid123',
      snippet: {
        title: 'New title',
        description: 'A description\nwith lines',
        tags: ['surfing', 'Santa Cruz'],
        categoryId: '17',
        defaultLanguage: 'en',
        defaultAudioLanguage: 'en-US',
      },
    });
    assert.deepEqual(plan.diff, [{ field: 'snippet.title', before: 'Old title', after: 'New title' }]);
  });

  test('a privacy change sends the complete status part, keeping license, embeddable and kids flags', () => {
    const video = current();
    video.status.publishAt = undefined as unknown as string;
    const plan = planUpdate(video, { privacyStatus: 'unlisted' }, { now });
    assert.deepEqual(plan.parts, ['status']);
    assert.deepEqual(plan.body.status, {
      privacyStatus: 'unlisted',
      embeddable: false,
      license: 'creativeCommon',
      publicStatsViewable: true,
      selfDeclaredMadeForKids: false,
      containsSyntheticMedia: true,
    });
  });

  test('making a scheduled video public drops its publish time (publishAt only with private)', () => {
    const plan = planUpdate(current(), { privacyStatus: 'public' }, { now });
    assert.equal(plan.body.status?.publishAt, undefined);
    assert.deepEqual(
      plan.diff.map((d) => d.field),
      ['status.privacyStatus', 'status.publishAt'],
    );
  });

  test('a publish time on a public video makes it private', () => {
    const video = current();
    video.status.privacyStatus = 'public';
    const plan = planUpdate(video, { publishAt: '2031-01-01T00:00:00Z' }, { now });
    assert.equal(plan.body.status?.privacyStatus, 'private');
    assert.equal(plan.body.status?.publishAt, '2031-01-01T00:00:00Z');
  });

  test('the same publish instant written differently is no change', () => {
    const plan = planUpdate(current(), { publishAt: '2030-12-24T19:00:00+01:00' }, { now });
    assert.deepEqual(plan.parts, []);
  });

  test('add and remove tags edit the current tags', () => {
    const plan = planUpdate(current(), { addTags: ['beach'], removeTags: ['santa cruz'] }, { now });
    assert.deepEqual(plan.body.snippet?.tags, ['surfing', 'beach']);
    assert.equal(plan.body.snippet?.categoryId, '17');
    assert.deepEqual(plan.diff, [
      { field: 'snippet.tags', before: ['surfing', 'Santa Cruz'], after: ['surfing', 'beach'] },
    ]);
  });

  test('values equal to the current ones mean nothing to change', () => {
    const plan = planUpdate(
      current(),
      { title: 'Old title', tags: ['surfing', 'Santa Cruz'], embeddable: false },
      { now },
    );
    assert.deepEqual(plan.parts, []);
    assert.deepEqual(plan.diff, []);
    assert.deepEqual(plan.body, { id: 'vid123' });
  });

  test('a new localization keeps the existing ones and is diffed per language and text', () => {
    const plan = planUpdate(current(), { localizations: { de: { title: 'Alter Titel' } } }, { now });
    assert.deepEqual(plan.parts, ['localizations']);
    assert.deepEqual(plan.body.localizations, {
      fr: { title: 'Vieux titre', description: 'Une description' },
      de: { title: 'Alter Titel' },
    });
    assert.deepEqual(plan.diff, [
      { field: 'localizations.de.title', before: undefined, after: 'Alter Titel' },
    ]);
  });

  test('localizations on a video without a default language need --default-language', () => {
    const video = current();
    video.snippet.defaultLanguage = null as unknown as string;
    video.localizations = {} as typeof video.localizations;
    assert.throws(
      () => planUpdate(video, { localizations: { de: { title: 'T' } } }, { now }),
      (e: unknown) => isVuploadError(e) && e.exitCode === 2 && /need a default language/.test(e.message),
    );
    const plan = planUpdate(video, { localizations: { de: { title: 'T' } }, defaultLanguage: 'en' }, { now });
    assert.deepEqual(plan.parts, ['snippet', 'localizations']);
    assert.equal(plan.body.snippet?.defaultLanguage, 'en');
    assert.equal(plan.body.snippet?.categoryId, '17');
  });

  test('a snippet change on a video without a category is refused before sending', () => {
    const video = current();
    video.snippet.categoryId = null as unknown as string;
    assert.throws(() => planUpdate(video, { title: 'T' }, { now }), /--category: this video has no category/);
    assert.equal(planUpdate(video, { title: 'T', categoryId: '22' }, { now }).body.snippet?.categoryId, '22');
  });

  test('invalid wishes are usage errors naming the flag', () => {
    assert.throws(
      () => planUpdate(current(), { title: 'x'.repeat(101) }, { now }),
      /^VuploadError: --title: 101 characters/,
    );
    assert.throws(
      () => planUpdate(current(), { publishAt: '2020-01-01T00:00:00Z' }, { now }),
      /--publish-at: 2020-01-01T00:00:00Z is not in the future/,
    );
    assert.throws(
      () => planUpdate(current(), { publishAt: '2031-01-01T00:00:00Z', privacyStatus: 'public' }, { now }),
      /--publish-at: a scheduled video must be private/,
    );
  });

  test('recording date and the deprecated location are sent together so neither is lost', () => {
    const video = current();
    (video.recordingDetails as Record<string, unknown>).locationDescription = 'Santa Cruz';
    const plan = planUpdate(video, { recordingDate: '2029-08-01' }, { now });
    assert.deepEqual(plan.body.recordingDetails, {
      recordingDate: '2029-08-01T00:00:00Z',
      locationDescription: 'Santa Cruz',
    });
  });
});
