// This file tests the metadata rules checked before anything is sent: each failure names the flag and exits 2.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isVuploadError } from '../../../src/errors.js';
import {
  buildInsertResource,
  type MetadataInput,
  tagsLength,
  validateResource,
} from '../../../src/providers/youtube/metadata.js';
import { isLanguageTag, parseIsoDateTime } from '../../../src/providers/youtube/validate.js';

const now = new Date('2030-06-01T12:00:00Z');

function check(input: MetadataInput): void {
  const { resource, flagNames } = buildInsertResource(input, { fileName: 'clip.mp4' });
  validateResource(resource, { now, flagNames });
}

function rejects(input: MetadataInput, pattern: RegExp): void {
  assert.throws(
    () => check(input),
    (e: unknown) => {
      assert.ok(isVuploadError(e), 'a VuploadError');
      assert.equal(e.exitCode, 2);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

describe('tagsLength', () => {
  test('counts commas between tags and 2 more for a tag with a space (API-NOTES §3)', () => {
    assert.equal(tagsLength([]), 0);
    assert.equal(tagsLength(['Foo Baz']), 9);
    assert.equal(tagsLength(['surfing', 'Santa Cruz']), 7 + 1 + 12);
    assert.equal(tagsLength(['a', 'b', 'c']), 5);
    assert.equal(tagsLength(['é😀']), 2);
  });
});

describe('validateResource', () => {
  test("accepts the sample's resource and a fully specified one", () => {
    check({
      title: 'Summer vacation in California',
      description: 'Had fun',
      tags: ['surfing', 'Santa Cruz'],
    });
    check({
      title: 'x'.repeat(100),
      description: 'é'.repeat(2500),
      tags: ['a'.repeat(499)],
      categoryId: '10',
      privacyStatus: 'private',
      publishAt: '2030-06-02T00:00:00+02:00',
      license: 'youtube',
      defaultLanguage: 'zh-Hant-TW',
      defaultAudioLanguage: 'es-419',
      recordingDate: '2024-02-29',
      localizations: { 'pt-BR': { title: 'Olá', description: 'd' } },
    });
  });

  test('title: over 100 characters (counted as code points), empty, or with < >', () => {
    rejects(
      { title: 'x'.repeat(104) },
      /^--title: 104 characters; YouTube allows at most 100\. Shorten it\.$/,
    );
    check({ title: '😀'.repeat(100) });
    rejects({ title: '   ' }, /^--title: empty/);
    rejects({ title: 'a <b> c' }, /^--title: contains < or >/);
  });

  test('description: over 5000 UTF-8 bytes or with < >, naming the flag that supplied it', () => {
    rejects(
      { description: 'é'.repeat(2501) },
      /^--description: 5002 bytes in UTF-8; YouTube allows at most 5000/,
    );
    rejects(
      { description: 'a > b', flags: { description: '--description-file' } },
      /^--description-file: contains </,
    );
  });

  test('tags over 500 characters as YouTube counts them name the flag used', () => {
    rejects(
      { tags: ['a'.repeat(250), 'b'.repeat(250)], flags: { tags: '--keywords' } },
      /^--keywords: 501 characters/,
    );
    check({ tags: ['a b'.repeat(166)] }); // 498 characters + 2 for the quotes = 500: the limit itself
    rejects({ tags: [`${'a b'.repeat(166)}c`] }, /^--tags: 501 characters as YouTube counts them/);
    rejects({ tags: ['ok', ' '] }, /^--tags: contains an empty tag/);
  });

  test('category must be numeric', () => {
    rejects({ categoryId: 'music' }, /^--category: "music" is not a category id/);
  });

  test('privacy and license must be in their enums', () => {
    rejects(
      { privacyStatus: 'hidden', flags: { privacyStatus: '--privacyStatus' } },
      /^--privacyStatus: "hidden"/,
    );
    rejects({ license: 'cc' }, /^--license: "cc" is not a license/);
  });

  test('publish-at must be ISO 8601 with a zone, in the future, and only with private', () => {
    rejects({ publishAt: 'tomorrow' }, /^--publish-at: "tomorrow" is not an ISO 8601 time/);
    rejects({ publishAt: '2030-07-01T10:00' }, /^--publish-at: .*time zone/);
    rejects({ publishAt: '2030-02-30T10:00:00Z' }, /^--publish-at: .*not an ISO 8601/);
    rejects(
      { publishAt: '2030-05-01T10:00:00Z' },
      /^--publish-at: 2030-05-01T10:00:00Z is not in the future/,
    );
    rejects(
      { publishAt: '2030-07-01T10:00:00Z', privacyStatus: 'public' },
      /^--publish-at: a scheduled video must be private/,
    );
  });

  test('language codes must be well-formed', () => {
    rejects({ defaultLanguage: 'english' }, /^--default-language: "english" is not a language code/);
    rejects({ defaultAudioLanguage: 'en_US' }, /^--default-audio-language: "en_US"/);
    rejects({ defaultLanguage: 'en', localizations: { 'fr fr': { title: 't' } } }, /^--localization: fr fr:/);
  });

  test('recording date must be a real date', () => {
    rejects({ recordingDate: '2023-02-29' }, /^--recording-date: "2023-02-29" is not a date/);
    rejects({ recordingDate: 'last summer' }, /^--recording-date: "last summer"/);
  });

  test('localizations need a default language, and their titles follow the title rules', () => {
    rejects(
      { localizations: { fr: { title: 'Bonjour' } } },
      /^--localization: localized titles .* need a default language/,
    );
    rejects(
      { defaultLanguage: 'en', localizations: { fr: { title: 'x'.repeat(101) } } },
      /^--localization: fr title: 101/,
    );
  });

  test('values from the metadata file are named by the file and field', () => {
    rejects(
      { metadataFile: { snippet: { title: 'x'.repeat(120) } }, metadataFileName: 'm.json' },
      /^--metadata m\.json \(snippet\.title\): 120 characters/,
    );
  });

  test('a partial resource needs no title and may rely on the video default language', () => {
    validateResource({ localizations: { fr: { title: 'Salut' } } }, { now, partial: true });
    assert.throws(
      () => validateResource({ snippet: { title: '' } }, { now, partial: true }),
      /snippet\.title: empty/,
    );
  });
});

describe('date and language helpers', () => {
  test('parseIsoDateTime knows zones and rejects impossible dates', () => {
    assert.deepEqual(parseIsoDateTime('2030-01-01T00:00:00Z'), {
      ms: Date.UTC(2030, 0, 1),
      hasTime: true,
      hasZone: true,
    });
    assert.equal(parseIsoDateTime('2030-01-01T01:00:00+01:00')?.ms, Date.UTC(2030, 0, 1));
    assert.equal(parseIsoDateTime('2030-13-01'), undefined);
    assert.equal(parseIsoDateTime('2030-01-01T24:00:00Z'), undefined);
  });
  test('isLanguageTag accepts the usual BCP-47 shapes', () => {
    for (const tag of ['en', 'fil', 'en-GB', 'zh-Hans', 'es-419', 'sr-Latn-RS'])
      assert.ok(isLanguageTag(tag), tag);
    for (const tag of ['e', 'english', 'en_US', 'en-', '']) assert.ok(!isLanguageTag(tag), tag);
  });
});
