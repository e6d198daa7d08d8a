// This file tests parsing `--caption FILE[:LANG]`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCaptionArg } from '../../../src/cli/upload/captions.js';

describe('parseCaptionArg', () => {
  test('splits a language suffix off the file name', () => {
    assert.deepEqual(parseCaptionArg('subs.srt:fr'), { path: 'subs.srt', language: 'fr' });
    assert.deepEqual(parseCaptionArg('/a:b/subs.vtt:pt-BR'), { path: '/a:b/subs.vtt', language: 'pt-BR' });
  });
  test('takes the language from a name like talk.en.srt when no suffix is given', () => {
    assert.deepEqual(parseCaptionArg('talk.en.srt'), { path: 'talk.en.srt', language: 'en' });
  });
  test('keeps a Windows drive path whole and asks for the language when it cannot tell', () => {
    assert.deepEqual(parseCaptionArg('C:\\subs\\talk.de.vtt'), {
      path: 'C:\\subs\\talk.de.vtt',
      language: 'de',
    });
    assert.throws(
      () => parseCaptionArg('subs.srt'),
      /--caption subs\.srt: which language is it\? Write FILE:LANG, e\.g\. subs\.srt:en/,
    );
    assert.throws(() => parseCaptionArg('subs.srt:english', 'FILE'), /^VuploadError: FILE subs\.srt:english/);
  });
});
