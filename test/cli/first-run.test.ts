// This file tests a first run's credentials errors: they come first, and point at what exists here (issue 27, item 8).
import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertSecretsHint } from '../auth/helpers.js';
import { fixture } from '../helpers/paths.js';
import { type CliEnv, cliEnv, type YoukuCliEnv, youkuCliEnv } from './env.js';

describe('a first upload without credentials', () => {
  let t: CliEnv;
  let elsewhere: string;
  before(async () => {
    t = await cliEnv();
    // cliEnv's folder holds a client_secrets.json: this one holds only the video.
    elsewhere = join(t.dir, 'elsewhere');
    await mkdir(elsewhere);
    await copyFile(fixture('sample.mp4'), join(elsewhere, 'talk.mp4'));
  });
  after(() => t.close());

  test('without client_secrets.json: the error comes first, names the docs on this machine and the sandbox', async () => {
    const mark = t.sb.requests.length;
    const result = await t.run(['upload', 'talk.mp4', '--title', 'Talk'], {
      cwd: elsewhere,
      env: { VUPLOAD_CLIENT_SECRETS: '' },
    });
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /^vupload: no client secrets found/);
    assert.doesNotMatch(result.stderr, /Connecting/);
    assert.doesNotMatch(result.stderr, /README\.md#/);
    const hint = result.stderr.split('\n')[1];
    assertSecretsHint(hint);
    assert.equal(t.since(mark).length, 0, 'nothing was sent');
  });

  test('not logged in: the error comes first; once logged in, the upload says it is connecting', async () => {
    const missing = await t.run(['upload', 'talk.mp4', '--title', 'Talk'], { cwd: elsewhere });
    assert.equal(missing.code, 3, missing.stderr);
    assert.match(missing.stderr, /^vupload: not logged in \(profile "default"\)/);
    assert.doesNotMatch(missing.stderr, /Connecting/);
    await t.login();
    const upload = await t.run(['upload', 'talk.mp4', '--title', 'Talk'], { cwd: elsewhere });
    assert.equal(upload.code, 0, upload.stderr);
    assert.match(upload.stderr, /^Connecting to upload talk\.mp4 \(/m);
  });
});

describe('a first Youku upload without a login', () => {
  let y: YoukuCliEnv;
  before(async () => {
    y = await youkuCliEnv();
    await copyFile(fixture('sample.mp4'), join(y.dir, 'talk.mp4'));
  });
  after(() => y.close());

  test('the missing login is what it says, not "Connecting" first', async () => {
    const result = await y.run([
      'upload',
      'talk.mp4',
      '--provider',
      'youku',
      '--title',
      'Talk',
      '--tags',
      'a',
    ]);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /^vupload: not logged in to Youku/);
    assert.doesNotMatch(result.stderr, /Connecting/);
  });
});
