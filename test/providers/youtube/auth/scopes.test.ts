// This file tests scope selection and the comparison of requested and granted scopes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VuploadError } from '../../../../src/errors.js';
import {
  DEFAULT_SCOPES,
  missingScopes,
  parseScopes,
  SCOPES,
  scopesAllow,
  scopesFor,
  shortScope,
} from '../../../../src/providers/youtube/auth/scopes.js';

describe('scopes', () => {
  test('the default covers upload, management and captions; --scope upload asks for upload only', () => {
    assert.deepEqual(scopesFor(undefined), [SCOPES.upload, SCOPES.youtube, SCOPES.forceSsl]);
    assert.deepEqual(scopesFor('upload'), ['https://www.googleapis.com/auth/youtube.upload']);
    assert.deepEqual(DEFAULT_SCOPES.map(shortScope), ['youtube.upload', 'youtube', 'youtube.force-ssl']);
  });

  test('an unknown --scope value is a usage error', () => {
    assert.throws(
      () => scopesFor('everything'),
      (e: unknown) => e instanceof VuploadError && e.exitCode === 2,
    );
  });

  test('the granted scope string is split, de-duplicated and compared with the request', () => {
    const granted = parseScopes(` ${SCOPES.upload}  ${SCOPES.upload} ${SCOPES.youtube}`);
    assert.deepEqual(granted, [SCOPES.youtube, SCOPES.upload].sort());
    assert.deepEqual(missingScopes(DEFAULT_SCOPES, granted), [SCOPES.forceSsl]);
    assert.deepEqual(parseScopes(undefined), []);
  });

  test('youtube.upload allows uploads and thumbnails but not updates, playlists or captions', () => {
    const uploadOnly = [SCOPES.upload];
    assert.equal(scopesAllow(uploadOnly, 'upload'), true);
    assert.equal(scopesAllow(uploadOnly, 'thumbnails'), true);
    assert.equal(scopesAllow(uploadOnly, 'update'), false);
    assert.equal(scopesAllow(uploadOnly, 'playlists'), false);
    assert.equal(scopesAllow([SCOPES.youtube], 'captions'), false);
    assert.equal(scopesAllow([SCOPES.forceSsl], 'captions'), true);
  });
});
