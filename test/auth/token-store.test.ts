// This file tests the token store: private modes, atomic replacement, corrupt files and separate profiles.
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  deleteToken,
  listProfiles,
  readToken,
  type StoredToken,
  tokenPath,
  tokensDir,
  validateProfile,
  writeToken,
} from '../../src/auth/token-store.js';
import { VuploadError } from '../../src/errors.js';
import { tempDir } from './helpers.js';

function token(profile: string, access = 'at-1'): StoredToken {
  return {
    version: 1,
    profile,
    client_id: 'cid',
    access_token: access,
    refresh_token: `rt-${profile}`,
    expiry_date: 1_700_000_000_000,
    scope: 'https://www.googleapis.com/auth/youtube.upload',
    token_type: 'Bearer',
    token_uri: 'https://oauth2.googleapis.com/token',
    created_at: '2024-01-01T00:00:00.000Z',
    source: 'login',
  };
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('token store', () => {
  test('writes tokens/<profile>.json with mode 0600 in a 0700 directory and reads it back', async () => {
    const configDir = await tempDir();
    const file = await writeToken(configDir, token('default'));
    assert.equal(file, join(configDir, 'tokens', 'default.json'));
    assert.equal(await mode(file), 0o600);
    assert.equal(await mode(tokensDir(configDir)), 0o700);
    assert.deepEqual(await readToken(configDir, 'default'), token('default'));
  });

  test('an existing 0644 token file and 0755 directory are tightened, on write and on read', async () => {
    const configDir = await tempDir();
    const file = await writeToken(configDir, token('default'));
    await chmod(file, 0o644);
    await chmod(tokensDir(configDir), 0o755);
    await readToken(configDir, 'default');
    assert.equal(await mode(file), 0o600);
    assert.equal(await mode(tokensDir(configDir)), 0o700);

    await chmod(file, 0o644);
    await chmod(tokensDir(configDir), 0o755);
    await writeToken(configDir, token('default', 'at-2'));
    assert.equal(await mode(file), 0o600);
    assert.equal(await mode(tokensDir(configDir)), 0o700);
  });

  test('a rewrite replaces the file by rename and leaves no temp file behind', async () => {
    const configDir = await tempDir();
    const file = await writeToken(configDir, token('default', 'at-1'));
    // Each rewrite against the one before it: a file system may hand a freed inode number out again later.
    for (let i = 2; i <= 6; i++) {
      const before = (await stat(file)).ino;
      await writeToken(configDir, token('default', `at-${i}`));
      assert.notEqual(
        (await stat(file)).ino,
        before,
        'the file should be a new inode (temp + rename), not rewritten',
      );
    }
    assert.deepEqual(await readdir(tokensDir(configDir)), ['default.json']);
    assert.equal((await readToken(configDir, 'default'))?.access_token, 'at-6');
  });

  test('readers never see a half-written file while writes go on', async () => {
    const configDir = await tempDir();
    await writeToken(configDir, token('default'));
    const file = tokenPath(configDir, 'default');
    const big = (i: number) => ({ ...token('default', `at-${i}-${'x'.repeat(64 * 1024)}`) });
    let writing = true;
    const writes = (async () => {
      for (let i = 0; i < 15; i++) await writeToken(configDir, big(i));
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const text = await readFile(file, 'utf8');
      assert.doesNotThrow(() => JSON.parse(text), 'a read saw a partial file');
      reads++;
    }
    await writes;
    assert.ok(reads > 0);
  });

  test('a corrupt token file is an exit-3 error naming the file and the login command, not a SyntaxError', async () => {
    const configDir = await tempDir();
    await mkdir(tokensDir(configDir), { recursive: true });
    const file = tokenPath(configDir, 'work');
    for (const content of ['{"version":1,', '[]', '{"version":1}', '{"version":7,"client_id":"c"}']) {
      await writeFile(file, content);
      await assert.rejects(readToken(configDir, 'work'), (e: unknown) => {
        assert.ok(e instanceof VuploadError);
        assert.equal(e.exitCode, 3);
        assert.equal(e.code, 'tokenFileCorrupt');
        assert.ok(e.message.includes(file));
        assert.equal(e.hint, 'Run: vupload auth login --profile work');
        return true;
      });
    }
  });

  test('a missing login reads as undefined', async () => {
    assert.equal(await readToken(await tempDir(), 'default'), undefined);
  });

  test('profiles are separate files, listed sorted, deleted one at a time; temp leftovers are not profiles', async () => {
    const configDir = await tempDir();
    assert.deepEqual(await listProfiles(configDir), []);
    await writeToken(configDir, token('work'));
    await writeToken(configDir, token('default'));
    await writeFile(join(tokensDir(configDir), 'default.json.12345'), 'partial');
    assert.deepEqual(await listProfiles(configDir), ['default', 'work']);
    assert.equal((await readToken(configDir, 'work'))?.refresh_token, 'rt-work');
    assert.equal(await deleteToken(configDir, 'work'), true);
    assert.equal(await deleteToken(configDir, 'work'), false);
    assert.deepEqual(await listProfiles(configDir), ['default']);
    assert.equal((await readToken(configDir, 'default'))?.refresh_token, 'rt-default');
  });

  test('profile names outside [A-Za-z0-9._-] are a usage error, so no path can escape tokens/', () => {
    for (const name of ['', '../evil', 'a/b', 'x y', '..', 'naïve']) {
      assert.throws(
        () => validateProfile(name),
        (e: unknown) => e instanceof VuploadError && e.exitCode === 2,
        name,
      );
    }
    assert.equal(validateProfile('work-2.main_x'), 'work-2.main_x');
  });
});
