// This file tests how a login ends without an answer: timeout and interruption, with the listener closed each time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VuploadError } from '../../../../src/errors.js';
import { login } from '../../../../src/providers/youtube/auth/login.js';
import { offlineSecrets, tempDir } from '../../../auth/helpers.js';

/** Runs a login whose browser never answers; returns the error and the listener address from the logged URL. */
async function loginWithoutAnswer(extra: { timeoutMs?: number; signal?: AbortSignal }) {
  const lines: string[] = [];
  let opened: string | undefined;
  const error = await login({
    secrets: offlineSecrets(),
    profile: 'default',
    configDir: await tempDir(),
    openBrowser: (url) => {
      opened = url;
    },
    log: (line) => lines.push(line),
    ...extra,
  }).then(
    () => assert.fail('login should not succeed'),
    (e: unknown) => e,
  );
  assert.ok(opened, 'the browser opener was called');
  const redirectUri = new URL(opened).searchParams.get('redirect_uri');
  assert.match(redirectUri ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  return { error, redirectUri: redirectUri as string, lines };
}

describe('login without an answer', () => {
  test('times out with exit 3 and a hint, and the listener is closed', async () => {
    const { error, redirectUri, lines } = await loginWithoutAnswer({ timeoutMs: 60 });
    assert.ok(error instanceof VuploadError);
    assert.equal(error.code, 'loginTimeout');
    assert.equal(error.exitCode, 3);
    assert.match(error.message, /no answer from the browser within 0\.1 s/);
    assert.match(error.hint ?? '', /--timeout/);
    assert.ok(
      lines.some((l) => l.startsWith('http://127.0.0.1:9/auth?')),
      'the URL is logged for the user',
    );
    await assert.rejects(fetch(`${redirectUri}/?state=x&code=y`), TypeError);
  });

  test('an abort (Ctrl-C) ends it with exit 130, SIGTERM with 143, and the listener is closed', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort('SIGINT'), 20);
    const int = await loginWithoutAnswer({ signal: controller.signal, timeoutMs: 10_000 });
    assert.ok(int.error instanceof VuploadError);
    assert.equal(int.error.exitCode, 130);
    await assert.rejects(fetch(`${int.redirectUri}/`), TypeError);

    const term = new AbortController();
    setTimeout(() => term.abort('SIGTERM'), 20);
    const t = await loginWithoutAnswer({ signal: term.signal, timeoutMs: 10_000 });
    assert.equal((t.error as VuploadError).exitCode, 143);
  });
});
