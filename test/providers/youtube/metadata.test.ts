// This file tests building the videos.insert resource from the user's flags and --metadata file.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isVuploadError } from '../../../src/errors.js';
import {
  applyTagEdits,
  buildInsertResource,
  defaultTitle,
  inputToResource,
  parseKeywords,
  parseMetadataFile,
} from '../../../src/providers/youtube/metadata.js';

describe('parseKeywords', () => {
  test('splits on commas, trims and drops empty entries', () => {
    assert.deepEqual(parseKeywords('surfing, Santa Cruz'), ['surfing', 'Santa Cruz']);
    assert.deepEqual(parseKeywords(' a ,, b ,'), ['a', 'b']);
    assert.deepEqual(parseKeywords(''), []);
  });
});

describe('buildInsertResource', () => {
  test("Google's sample command gives exactly the sample's resource, field by field", () => {
    const { resource, parts } = buildInsertResource(
      {
        title: 'Summer vacation in California',
        description: 'Had fun surfing in Santa Cruz',
        tags: parseKeywords('surfing,Santa Cruz'),
        flags: { tags: '--keywords' },
      },
      { fileName: '/tmp/test_video_file.flv' },
    );
    assert.deepEqual(Object.keys(resource), ['snippet', 'status']);
    assert.deepEqual(Object.keys(resource.snippet ?? {}).sort(), [
      'categoryId',
      'description',
      'tags',
      'title',
    ]);
    assert.equal(resource.snippet?.title, 'Summer vacation in California');
    assert.equal(resource.snippet?.description, 'Had fun surfing in Santa Cruz');
    assert.deepEqual(resource.snippet?.tags, ['surfing', 'Santa Cruz']);
    assert.equal(resource.snippet?.categoryId, '22');
    assert.deepEqual(resource.status, { privacyStatus: 'private' });
    assert.deepEqual(parts, ['snippet', 'status']);
    // Nothing null or undefined hides in the JSON that is sent.
    assert.equal(
      JSON.stringify(resource),
      JSON.stringify({
        snippet: {
          title: 'Summer vacation in California',
          description: 'Had fun surfing in Santa Cruz',
          tags: ['surfing', 'Santa Cruz'],
          categoryId: '22',
        },
        status: { privacyStatus: 'private' },
      }),
    );
  });

  test('defaults the title to the file name without its extension', () => {
    const { resource } = buildInsertResource({}, { fileName: '/videos/My talk.final.mp4' });
    assert.equal(resource.snippet?.title, 'My talk.final');
    assert.equal(defaultTitle('/x/<b>.mp4'), 'b');
    assert.equal(defaultTitle(`/x/${'a'.repeat(150)}.mp4`).length, 100);
  });

  test('the default title has no line breaks or other control characters a file name may hold', () => {
    assert.equal(defaultTitle('/x/talk\nuploaded fake.mp4'), 'talk uploaded fake');
    assert.equal(defaultTitle('/x/a\r\n\tb\u001b[31m\u0085c\u2028.mp4'), 'a b [31m c');
  });

  test('flags override the metadata file, and file-only fields are kept', () => {
    const file = parseMetadataFile(
      {
        snippet: { title: 'From file', description: 'File description', categoryId: 10 },
        status: { privacyStatus: 'unlisted', embeddable: false },
      },
      'meta.json',
    );
    const { resource, flagNames } = buildInsertResource(
      { metadataFile: file, metadataFileName: 'meta.json', title: 'From flag' },
      { fileName: 'a.mp4' },
    );
    assert.equal(resource.snippet?.title, 'From flag');
    assert.equal(resource.snippet?.description, 'File description');
    assert.equal(resource.snippet?.categoryId, '10');
    assert.deepEqual(resource.status, { privacyStatus: 'unlisted', embeddable: false });
    assert.equal(flagNames['snippet.title'], '--title');
    assert.equal(flagNames['snippet.description'], '--metadata meta.json (snippet.description)');
  });

  test('every status and language flag reaches its field, and extra parts appear only when given', () => {
    const { resource, parts } = buildInsertResource(
      {
        privacyStatus: 'public',
        madeForKids: false,
        syntheticMedia: true,
        license: 'creativeCommon',
        embeddable: true,
        publicStatsViewable: false,
        defaultLanguage: 'en',
        defaultAudioLanguage: 'en-US',
        recordingDate: '2024-07-14',
        localizations: { fr: { title: 'Vacances' } },
      },
      { fileName: 'a.mp4' },
    );
    assert.deepEqual(resource.status, {
      privacyStatus: 'public',
      selfDeclaredMadeForKids: false,
      containsSyntheticMedia: true,
      license: 'creativeCommon',
      embeddable: true,
      publicStatsViewable: false,
    });
    assert.equal(resource.snippet?.defaultLanguage, 'en');
    assert.equal(resource.snippet?.defaultAudioLanguage, 'en-US');
    assert.deepEqual(resource.recordingDetails, { recordingDate: '2024-07-14T00:00:00Z' });
    assert.deepEqual(resource.localizations, { fr: { title: 'Vacances' } });
    assert.deepEqual(parts, ['snippet', 'status', 'recordingDetails', 'localizations']);
  });

  test('a publish time alone leaves privacy private', () => {
    const { resource } = buildInsertResource({ publishAt: '2040-01-01T00:00:00Z' }, { fileName: 'a.mp4' });
    assert.deepEqual(resource.status, { publishAt: '2040-01-01T00:00:00Z', privacyStatus: 'private' });
  });

  test('add and remove tags edit the given tags; an empty tag list is left out', () => {
    const { resource } = buildInsertResource(
      { tags: ['a', 'b'], addTags: ['c', 'A'], removeTags: ['b'] },
      { fileName: 'a.mp4' },
    );
    assert.deepEqual(resource.snippet?.tags, ['a', 'c']);
    const empty = buildInsertResource({ tags: [] }, { fileName: 'a.mp4' });
    assert.equal(empty.resource.snippet?.tags, undefined);
  });

  test('file localizations and flag localizations merge per language and text', () => {
    const { resource } = inputToResource({
      metadataFile: { localizations: { fr: { title: 'T', description: 'D' }, de: { title: 'X' } } },
      localizations: { fr: { title: 'T2' } },
    });
    assert.deepEqual(resource.localizations, { fr: { title: 'T2', description: 'D' }, de: { title: 'X' } });
  });
});

describe('applyTagEdits', () => {
  test('adds without duplicates and removes case-insensitively', () => {
    assert.deepEqual(applyTagEdits(['Surfing', 'beach'], ['surfing', 'sun'], ['BEACH']), ['Surfing', 'sun']);
  });
});

describe('parseMetadataFile', () => {
  const fails = (value: unknown, pattern: RegExp) =>
    assert.throws(
      () => parseMetadataFile(value, 'meta.json'),
      (e: unknown) => isVuploadError(e) && e.exitCode === 2 && pattern.test(e.message),
    );

  test('drops read-only fields of a saved videos.list item', () => {
    const resource = parseMetadataFile(
      {
        kind: 'youtube#video',
        id: 'abc',
        snippet: { title: 'T', channelId: 'UC1', thumbnails: {} },
        status: { privacyStatus: 'public', uploadStatus: 'processed' },
        statistics: { viewCount: '3' },
      },
      'meta.json',
    );
    assert.deepEqual(resource, { snippet: { title: 'T' }, status: { privacyStatus: 'public' } });
  });

  test('rejects unknown fields, wrong types and non-objects, naming the file', () => {
    fails([], /--metadata meta\.json: expected a JSON object/);
    fails({ snippet: { titel: 'x' } }, /unknown field "snippet\.titel"/);
    fails({ snipet: {} }, /unknown field "snipet"/);
    fails({ snippet: { tags: 'a,b' } }, /snippet\.tags must be a list of strings/);
    fails({ status: { embeddable: 'yes' } }, /status\.embeddable must be true or false/);
    fails({ localizations: { fr: { name: 'x' } } }, /localizations\.fr\.name/);
  });
});
