// This file tests that a flag's enumerated values are taken in any case and used as vupload spells them (issue 27, 9).
import assert from 'node:assert/strict';
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scopesFor, UPLOAD_ONLY_SCOPES } from '../../src/providers/youtube/auth/scopes.js';
import { jsonLines } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { type CliEnv, cliEnv } from './env.js';

interface DryRun {
  dryRun: boolean;
  requests: { body?: { status?: { privacyStatus?: string; license?: string } } }[];
}

describe('enumerated values', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await copyFile(fixture('sample.mp4'), join(t.dir, 'talk.mp4'));
  });
  after(() => t.close());

  test('--privacy Public, --privacyStatus UNLISTED, --license CreativeCommon: accepted, sent in canonical case', async () => {
    for (const [flags, privacy, license] of [
      [['--privacy', 'Public'], 'public', undefined],
      [['--privacyStatus', 'UNLISTED', '--license', 'CreativeCommon'], 'unlisted', 'creativeCommon'],
      [['--privacy', 'private', '--license', 'YouTube'], 'private', 'youtube'],
    ] as const) {
      const result = await t.run(['upload', 'talk.mp4', '--dry-run', ...flags]);
      assert.equal(result.code, 0, result.stderr);
      const status = jsonLines<DryRun>(result.stdout)[0]?.requests[0]?.body?.status;
      assert.equal(status?.privacyStatus, privacy);
      assert.equal(status?.license, license);
    }
    const wrong = await t.run(['upload', 'talk.mp4', '--dry-run', '--privacy', 'Secret']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /"Secret" is not a privacy status; use public, unlisted, private/);
  });

  test("a manifest entry's privacy in any case; --on-quota, --provider and the completion shell too", async () => {
    await writeFile(
      join(t.dir, 'list.jsonl'),
      `${JSON.stringify({ file: 'talk.mp4', title: 'T', privacy: 'Unlisted' })}\n`,
    );
    const batch = await t.run(['batch', 'list.jsonl', '--dry-run']);
    assert.equal(batch.code, 0, batch.stderr);
    assert.equal(jsonLines<DryRun>(batch.stdout)[0]?.requests[0]?.body?.status?.privacyStatus, 'unlisted');
    const upload = await t.run([
      'upload',
      'talk.mp4',
      '--dry-run',
      '--on-quota',
      'Wait',
      '--provider',
      'YouTube',
    ]);
    assert.equal(upload.code, 0, upload.stderr);
    const badQuota = await t.run(['upload', 'talk.mp4', '--dry-run', '--on-quota', 'later']);
    assert.equal(badQuota.code, 2);
    assert.match(badQuota.stderr, /--on-quota: "later" is not one of fail, wait/);
    const shell = await t.run(['completion', 'BASH']);
    assert.equal(shell.code, 0, shell.stderr);
    assert.match(shell.stdout, /^# vupload completion for bash/);
  });

  test('--scope Upload is --scope upload', () => {
    assert.deepEqual(scopesFor('Upload'), [...UPLOAD_ONLY_SCOPES]);
    assert.throws(
      () => scopesFor('Everything'),
      /unknown scope "Everything": vupload auth login --scope takes upload or all/,
    );
  });

  test('--help says how to give a description of several lines (a \\n in plain quotes is kept as typed)', async () => {
    for (const command of ['upload', 'update']) {
      const help = (await t.run([command, '--help'])).stdout.replace(/\s+/g, ' ');
      assert.match(
        help,
        /--description <text> description \(several lines: --description-file, or \$'line 1\\nline 2' in bash and zsh/,
      );
    }
    // As the help says: the two characters are stored as given.
    const result = await t.run(['upload', 'talk.mp4', '--dry-run', '--description', 'a\\nb']);
    const body = jsonLines<{ requests: { body?: { snippet?: { description?: string } } }[] }>(
      result.stdout,
    )[0];
    assert.equal(body?.requests[0]?.body?.snippet?.description, 'a\\nb');
  });
});
