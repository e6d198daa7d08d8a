// This file tests the pure comparison behind the re-run rule: recorded metadata against what a command sets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inputFromFields } from '../../src/providers/youtube/update.js';
import {
  afterUpdate,
  flattenFields,
  latestMetadata,
  metadataChanges,
  parseRecordedMetadata,
  recordedMetadata,
} from '../../src/unattended/recorded-metadata.js';

const resource = {
  id: 'abc',
  snippet: { title: 'Talk #1', tags: ['a', 'b'], categoryId: '22' },
  status: { privacyStatus: 'private' },
  localizations: { fr: { title: 'Exposé' } },
};

test('a resource flattens to field paths; its id is not metadata', () => {
  assert.deepEqual(recordedMetadata(resource, { 'snippet.title': 'Talk #{index}' }), {
    fields: {
      'snippet.title': 'Talk #1',
      'snippet.tags': ['a', 'b'],
      'snippet.categoryId': '22',
      'status.privacyStatus': 'private',
      'localizations.fr.title': 'Exposé',
    },
    templates: { 'snippet.title': 'Talk #{index}' },
  });
  assert.deepEqual(flattenFields({ snippet: { title: undefined, description: null } }), {});
});

test('only fields the command sets are compared, a field from the recorded template is unchanged', () => {
  const recorded = recordedMetadata(resource, { 'snippet.title': 'Talk #{index}' });
  const wanted = {
    fields: {
      ...recorded.fields,
      'snippet.title': 'Talk #2',
      'status.privacyStatus': 'public',
      'snippet.categoryId': '10',
    },
    given: ['snippet.title', 'status.privacyStatus', 'snippet.tags'],
    templates: { 'snippet.title': 'Talk #{index}' },
  };
  // categoryId differs but is not given (a default): not a change; tags are given and equal.
  const changes = metadataChanges(recorded, wanted);
  assert.deepEqual(changes, [{ field: 'status.privacyStatus', before: 'private', after: 'public' }]);
  // Another template is compared by value.
  const other = { ...wanted, templates: { 'snippet.title': '{name}' } };
  assert.deepEqual(metadataChanges(recorded, other)[0], {
    field: 'snippet.title',
    before: 'Talk #1',
    after: 'Talk #2',
  });
  const next = afterUpdate(recorded, other, metadataChanges(recorded, other));
  assert.equal(next.fields['snippet.title'], 'Talk #2');
  assert.equal(next.fields['status.privacyStatus'], 'public');
  assert.deepEqual(next.templates, { 'snippet.title': '{name}' });
  // A plain value replaces a recorded template.
  const plain = { fields: { 'snippet.title': 'Plain' }, given: ['snippet.title'] };
  assert.equal(afterUpdate(next, plain, metadataChanges(next, plain)).templates, undefined);
});

test('the latest update wins over the upload line; anything unreadable is unknown', () => {
  const upload = { fields: { 'snippet.title': 'A' } };
  assert.deepEqual(latestMetadata(upload, JSON.stringify({ fields: { 'snippet.title': 'B' } })), {
    fields: { 'snippet.title': 'B' },
  });
  assert.deepEqual(latestMetadata(upload, 'not json'), upload);
  assert.equal(latestMetadata(undefined, undefined), undefined);
  assert.equal(parseRecordedMetadata({ fields: 'x' }), undefined);
  assert.deepEqual(parseRecordedMetadata({ fields: {}, templates: { a: 1, b: 'x' } }), {
    fields: {},
    templates: { b: 'x' },
  });
});

test('changed fields become the wishes of a videos.update', () => {
  assert.deepEqual(
    inputFromFields({
      'snippet.title': 'T',
      'status.selfDeclaredMadeForKids': false,
      'recordingDetails.recordingDate': '2024-01-01T00:00:00Z',
      'localizations.fr.title': 'Titre',
      'localizations.fr.description': 'Desc',
    }),
    {
      title: 'T',
      madeForKids: false,
      recordingDate: '2024-01-01T00:00:00Z',
      localizations: { fr: { title: 'Titre', description: 'Desc' } },
    },
  );
});
