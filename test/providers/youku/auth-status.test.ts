// This file checks Youku login (code flow through the loopback), refresh, the token file, and videos/show.json.
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  createYoukuAuth,
  loadYoukuClient,
  readYoukuToken,
  uploadToYouku,
  youkuLogin,
  youkuTokenPath,
  youkuVideoStatus,
} from '../../../src/providers/youku/index.js';
import { world } from './helpers.js';

/** Plays the browser: GET the authorize URL, then follow its redirect to the loopback listener. */
function browser(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      res.resume();
      const location = res.headers.location;
      if (!location) return reject(new Error(`no redirect (${res.statusCode})`));
      request(location, (back) => {
        back.resume();
        back.on('end', () => resolve());
      })
        .on('error', reject)
        .end();
    })
      .on('error', reject)
      .end();
  });
}

describe('Youku login, refresh and status', () => {
  test('logs in with the code flow, stores the tokens 0600 per profile, and refreshes on 1009', async () => {
    const w = await world(10 * 1024);
    try {
      const configDir = join(w.dir, 'config');
      const opened: string[] = [];
      const login = await youkuLogin({
        clientId: 'youku-sandbox-client',
        clientSecret: 'youku-sandbox-secret',
        configDir,
        profile: 'work',
        oauthUrl: w.sb.url,
        apiUrl: w.sb.url,
        openBrowser: (url) => {
          opened.push(url);
          void browser(url);
        },
      });
      assert.equal(login.file, youkuTokenPath(configDir, 'work'));
      assert.equal(login.file, join(configDir, 'youku-tokens', 'work.json'));
      assert.equal((await stat(login.file)).mode & 0o777, 0o600);
      const authorize = new URL(opened[0]!);
      assert.equal(authorize.pathname, '/oauth2/authorize');
      assert.equal(authorize.searchParams.get('response_type'), 'code');
      const exchange = w.sb.requests.find((r) => r.kind === 'token')!;
      assert.equal(exchange.path, '/oauth2/token');
      assert.equal(exchange.form?.grant_type, 'authorization_code');
      assert.equal(exchange.form?.client_secret, '***');
      const stored = (await readYoukuToken(configDir, 'work'))!;

      // Youku says the access token expired: the upload refreshes via token.json, saves the new token, goes on.
      w.sb.faults.add({ on: 'create', error: 1009 });
      const auth = createYoukuAuth({ configDir, profile: 'work' });
      const result = await uploadToYouku(w.options({ auth }));
      assert.ok(result.videoId);
      const refresh = w.sb.requests.filter((r) => r.kind === 'token')[1]!;
      assert.equal(refresh.path, '/oauth2/token.json');
      assert.deepEqual(refresh.form, {
        client_id: 'youku-sandbox-client',
        grant_type: 'refresh_token',
        refresh_token: '***',
      });
      const after = (await readYoukuToken(configDir, 'work'))!;
      assert.notEqual(after.access_token, stored.access_token);
      assert.equal(after.refresh_token, stored.refresh_token);
      assert.doesNotMatch(await readFile(join(w.stateDir, 'history.jsonl'), 'utf8'), /yk-access|yk-refresh/);
    } finally {
      await w.close();
    }
  });

  test('a profile without a Youku login is an auth error (exit 3)', async () => {
    const w = await world(1024);
    try {
      const auth = createYoukuAuth({ configDir: join(w.dir, 'none'), profile: 'default' });
      await assert.rejects(uploadToYouku(w.options({ auth })), { exitCode: 3, code: 'notLoggedIn' });
    } finally {
      await w.close();
    }
  });

  test('status reads videos/show.json; an unknown id is not found (exit 1)', async () => {
    const w = await world(20 * 1024);
    try {
      const { videoId } = await uploadToYouku(w.options({ title: 'Status me' }));
      const status = await youkuVideoStatus({ apiUrl: w.sb.url, clientId: 'youku-sandbox-client', videoId });
      assert.equal(status.id, videoId);
      assert.equal(status.title, 'Status me');
      assert.equal(status.state, 'normal');
      assert.equal(status.link, `http://v.youku.com/v_show/id_${videoId}.html`);
      assert.equal(status.duration, 0);
      assert.ok(status.thumbnail);
      await assert.rejects(
        youkuVideoStatus({ apiUrl: w.sb.url, clientId: 'youku-sandbox-client', videoId: 'XNOPE' }),
        { exitCode: 1, code: 'notFound' },
      );
    } finally {
      await w.close();
    }
  });

  test('client credentials come from the environment, else youku-client.json, else a usage error', async () => {
    const w = await world(1024);
    try {
      const configDir = join(w.dir, 'cfg');
      assert.deepEqual(
        await loadYoukuClient({ VUPLOAD_YOUKU_CLIENT_ID: 'a', VUPLOAD_YOUKU_CLIENT_SECRET: 'b' }, configDir),
        { clientId: 'a', clientSecret: 'b' },
      );
      await assert.rejects(loadYoukuClient({}, configDir), { exitCode: 2 });
      const { writePrivateJson } = await import('../../../src/fsutil.js');
      await writePrivateJson(join(configDir, 'youku-client.json'), { client_id: 'c', client_secret: 'd' });
      assert.deepEqual(await loadYoukuClient({}, configDir), { clientId: 'c', clientSecret: 'd' });
    } finally {
      await w.close();
    }
  });
});
