// This file checks where the Vimeo app's id and secret come from: the environment, else <config>/vimeo-client.json;
// anything missing is a usage error (exit 2) that says what to write where, and a personal access token needs no app.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadVimeoClient, vimeoClientFile } from '../../../src/providers/vimeo/credentials.js';

test('the app comes from VUPLOAD_VIMEO_CLIENT_ID/SECRET, else vimeo-client.json; missing parts are exit 2', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-vimeo-client-'));
  try {
    assert.deepEqual(
      await loadVimeoClient({ VUPLOAD_VIMEO_CLIENT_ID: 'id', VUPLOAD_VIMEO_CLIENT_SECRET: 's' }, dir),
      { clientId: 'id', clientSecret: 's' },
    );
    await assert.rejects(
      loadVimeoClient({ VUPLOAD_VIMEO_CLIENT_ID: 'id' }, dir),
      (e: Error & { exitCode: number }) => {
        assert.equal(e.exitCode, 2);
        assert.match(e.message, /VUPLOAD_VIMEO_CLIENT_SECRET is not/);
        return true;
      },
    );
    await assert.rejects(loadVimeoClient({}, dir), (e: Error & { exitCode: number; hint?: string }) => {
      assert.equal(e.exitCode, 2);
      assert.match(e.hint ?? '', /vimeo-client\.json.*--token-file/s);
      return true;
    });
    await writeFile(vimeoClientFile(dir), '{"client_id":"file-id"}');
    await assert.rejects(loadVimeoClient({}, dir), /needs both "client_id" and "client_secret"/);
    await writeFile(vimeoClientFile(dir), '{"client_id":"file-id","client_secret":"file-secret"}');
    assert.deepEqual(await loadVimeoClient({}, dir), { clientId: 'file-id', clientSecret: 'file-secret' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
