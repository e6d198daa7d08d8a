// This file tests the one-shot loopback listener and the parsing of redirect addresses.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRedirect, startLoopback } from '../../src/auth/loopback.js';
import { VuploadError } from '../../src/errors.js';

const STATE = 'state-abc_123';
const q = (s: string) => new URLSearchParams(s);

describe('parseRedirect', () => {
  test('a code with the right state is accepted, with the granted scope', () => {
    assert.deepEqual(parseRedirect(q(`state=${STATE}&code=4/xyz&scope=a%20b`), STATE), {
      kind: 'code',
      code: '4/xyz',
      scope: 'a b',
    });
  });

  test('a missing, wrong or longer state is foreign, even when it carries an error', () => {
    assert.deepEqual(parseRedirect(q('code=1'), STATE), { kind: 'foreign' });
    assert.deepEqual(parseRedirect(q('state=other&code=1'), STATE), { kind: 'foreign' });
    assert.deepEqual(parseRedirect(q(`state=${STATE}x&code=1`), STATE), { kind: 'foreign' });
    assert.deepEqual(parseRedirect(q('state=other&error=access_denied'), STATE), { kind: 'foreign' });
  });

  test('an error with the right state is final; odd error texts are not echoed', () => {
    assert.deepEqual(parseRedirect(q(`state=${STATE}&error=access_denied`), STATE), {
      kind: 'error',
      error: 'access_denied',
    });
    assert.deepEqual(parseRedirect(q(`state=${STATE}&error=%3Cscript%3E`), STATE), {
      kind: 'error',
      error: 'unknown_error',
    });
    assert.deepEqual(parseRedirect(q(`state=${STATE}`), STATE), { kind: 'invalid' });
  });
});

describe('startLoopback', () => {
  test('refuses wrong-state requests with 400 and keeps waiting, then takes the right one and can be closed', async () => {
    let refused = 0;
    const listener = await startLoopback({ state: STATE, onRefused: () => refused++ });
    try {
      assert.match(listener.redirectUri, /^http:\/\/127\.0\.0\.1:\d+$/);
      let settled = false;
      listener.result.then(() => {
        settled = true;
      });
      const forged = await fetch(`${listener.redirectUri}/?state=forged&code=evil`);
      assert.equal(forged.status, 400);
      assert.match(await forged.text(), /does not belong/);
      const missing = await fetch(`${listener.redirectUri}/?code=evil`);
      assert.equal(missing.status, 400);
      await missing.text();
      const favicon = await fetch(`${listener.redirectUri}/favicon.ico`);
      assert.equal(favicon.status, 404);
      await favicon.text();
      assert.equal(refused, 2);
      assert.equal(settled, false);

      const good = fetch(`${listener.redirectUri}/?state=${STATE}&code=the-code`);
      assert.deepEqual(await listener.result, { kind: 'code', code: 'the-code' });
      await listener.answer({ ok: true, detail: 'profile "x"' });
      const page = await good;
      assert.equal(page.status, 200);
      assert.match(await page.text(), /logged in \(profile &#34;x&#34;\)\. You can close this tab/);
    } finally {
      await listener.close();
    }
    await assert.rejects(fetch(`${listener.redirectUri}/?state=${STATE}&code=x`), TypeError);
  });

  test('the browser waits for the outcome: a failure shows its reason (escaped), never "logged in"', async () => {
    const listener = await startLoopback({ state: STATE });
    try {
      const pending = fetch(`${listener.redirectUri}/?state=${STATE}&code=bad`);
      await listener.result;
      await listener.answer({ ok: false, reason: 'the token endpoint said <invalid_grant>' });
      await listener.answer({ ok: true }); // only the first answer counts
      const page = await pending;
      const text = await page.text();
      assert.equal(page.status, 400);
      assert.match(text, /not completed: the token endpoint said &#60;invalid_grant&#62;/);
      assert.doesNotMatch(text, /logged in/);
    } finally {
      await listener.close();
    }
  });

  test('closing while the browser still waits answers it with "not completed"', async () => {
    const listener = await startLoopback({ state: STATE });
    const pending = fetch(`${listener.redirectUri}/?state=${STATE}&code=c`);
    await listener.result;
    await listener.close();
    const page = await pending;
    assert.equal(page.status, 400);
    assert.match(await page.text(), /not completed/);
  });

  test('a busy fixed port is a usage error naming the port', async () => {
    const first = await startLoopback({ state: STATE });
    try {
      await assert.rejects(
        startLoopback({ state: STATE, port: first.port }),
        (e: unknown) =>
          e instanceof VuploadError && e.exitCode === 2 && e.message.includes(String(first.port)),
      );
    } finally {
      await first.close();
    }
  });
});
