// This file tests title templates: placeholders, brace escapes and errors naming unknown placeholders.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isVuploadError } from '../../src/errors.js';
import {
  isTemplate,
  localDate,
  renderTemplate,
  templateValues,
  templateValuesFor,
} from '../../src/unattended/template.js';
import { fixture } from '../helpers/paths.js';

describe('title templates', () => {
  const values = templateValues('/rec/talk.final.mp4', new Date(2025, 2, 9, 23, 30), 3);

  test('values: name without extension, extension without dot, local date, index', () => {
    assert.deepEqual(values, { name: 'talk.final', ext: 'mp4', date: '2025-03-09', index: '3' });
    assert.deepEqual(templateValues('/rec/README', new Date(2025, 0, 1), 1), {
      name: 'README',
      ext: '',
      date: '2025-01-01',
      index: '1',
    });
  });

  test('placeholders are replaced and {{ }} give literal braces', () => {
    assert.equal(
      renderTemplate('{index}. {name} ({date}) [{ext}]', values),
      '3. talk.final (2025-03-09) [mp4]',
    );
    assert.equal(renderTemplate('{{name}} is {name}}}', values), '{name} is talk.final}');
    assert.equal(renderTemplate('plain title', values), 'plain title');
    assert.equal(isTemplate('plain {{x}}'), false);
    assert.equal(isTemplate('Day {index}'), true);
  });

  test('unknown placeholders are an error naming each of them', () => {
    assert.throws(
      () => renderTemplate('{title} {name} {Date}', values, 'title template'),
      (e) =>
        isVuploadError(e) &&
        e.exitCode === 2 &&
        /unknown placeholders \{title\}, \{Date\}/.test(e.message) &&
        /\{name\} \{ext\} \{date\} \{index\}/.test(e.hint ?? ''),
    );
  });

  test('a lone brace is an error with its position', () => {
    assert.throws(() => renderTemplate('Part {1', values), /unmatched "\{" at character 6/);
    assert.throws(() => renderTemplate('a } b', values), /unmatched "\}" at character 3/);
  });

  test('{date} is the local calendar date of the mtime, read from the file', async () => {
    const read = await templateValuesFor(fixture('sample.mp4'), 1);
    assert.match(read.date, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(read.name, 'sample');
    assert.equal(localDate(new Date(2024, 11, 31, 0, 5)), '2024-12-31');
  });
});
