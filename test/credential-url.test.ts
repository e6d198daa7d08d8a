// This file tests where credentials may go: HTTPS anywhere, plain HTTP to this machine only, sessions on the API's host.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkCredentialUrl,
  credentialUrlProblem,
  isLoopbackHost,
  sessionUrlRule,
} from '../src/credential-url.js';
import { VuploadError } from '../src/errors.js';

describe('credential URLs', () => {
  test('loopback means 127.0.0.0/8, ::1 and localhost, as URL spells them', () => {
    for (const url of [
      'http://127.0.0.1:8080',
      'http://127.9.8.7/',
      'http://[::1]:5/',
      'http://LOCALHOST/',
    ]) {
      assert.ok(isLoopbackHost(new URL(url).hostname), url);
    }
    // The URL parser normalises other spellings of 127.0.0.1 before the check.
    assert.ok(isLoopbackHost(new URL('http://2130706433/').hostname));
    for (const url of [
      'http://128.0.0.1/',
      'http://localhost.example.com/',
      'http://127.0.0.1.nip.io/',
      'http://[::2]/',
      'http://10.0.0.1/',
    ]) {
      assert.ok(!isLoopbackHost(new URL(url).hostname), url);
    }
  });

  test('HTTPS anywhere and plain HTTP to this machine pass; plain HTTP elsewhere and other schemes do not', () => {
    assert.equal(credentialUrlProblem('https://www.googleapis.com'), undefined);
    assert.equal(credentialUrlProblem('https://proxy.corp.example:8443/yt'), undefined);
    assert.equal(credentialUrlProblem('http://127.0.0.1:4000'), undefined);
    assert.equal(credentialUrlProblem('http://localhost:4000/token'), undefined);
    assert.match(credentialUrlProblem('http://api.example.com') ?? '', /plain HTTP to api\.example\.com/);
    assert.match(credentialUrlProblem('ftp://127.0.0.1/') ?? '', /uses ftp/);
    assert.match(credentialUrlProblem('not a url') ?? '', /not a URL/);
  });

  test('a refused URL is a usage error (exit 2) naming where it came from', () => {
    assert.equal(checkCredentialUrl('https://x.example', 'VUPLOAD_API_URL'), 'https://x.example');
    assert.throws(
      () => checkCredentialUrl('http://x.example', 'VUPLOAD_API_URL'),
      (e: unknown) =>
        e instanceof VuploadError &&
        e.exitCode === 2 &&
        e.message.startsWith('VUPLOAD_API_URL http://x.example is plain HTTP') &&
        /nothing was sent/.test(e.message),
    );
  });

  test("a session URL must be on the API's origin or one of Google's upload hosts over HTTPS", () => {
    const google = sessionUrlRule('https://www.googleapis.com');
    assert.ok(google('https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&upload_id=x'));
    assert.ok(google('https://youtube.googleapis.com/upload/youtube/v3/videos?upload_id=x'));
    assert.ok(
      !google('http://www.googleapis.com/upload/youtube/v3/videos?upload_id=x'),
      'downgraded to HTTP',
    );
    assert.ok(!google('https://www.googleapis.com:8443/upload?upload_id=x'), 'another port');
    assert.ok(!google('https://uploads.example.com/upload?upload_id=x'));
    assert.ok(
      !google('https://storage.googleusercontent.com/upload?upload_id=x'),
      'not documented for YouTube',
    );

    const local = sessionUrlRule('http://127.0.0.1:4000');
    assert.ok(local('http://127.0.0.1:4000/upload/youtube/v3/videos?upload_id=x'));
    assert.ok(!local('http://127.0.0.1:4001/upload/youtube/v3/videos?upload_id=x'), 'another local server');
    assert.ok(!local('http://203.0.113.9/upload?upload_id=x'));
    assert.ok(local('https://www.googleapis.com/upload/youtube/v3/videos?upload_id=x'));
  });

  test('a session URL asked again gets the same answer (the rule remembers the last one it allowed)', () => {
    const rule = sessionUrlRule('https://www.googleapis.com');
    const session = 'https://www.googleapis.com/upload/youtube/v3/videos?upload_id=x';
    const elsewhere = 'https://uploads.example.com/upload?upload_id=x';
    const downgraded = 'http://www.googleapis.com/upload?upload_id=x';
    const asked = [session, session, elsewhere, elsewhere, session, downgraded];
    assert.deepEqual(asked.map(rule), [true, true, false, false, true, false]);
  });

  test('plain HTTP to this machine through a proxy passes only when the proxy is this machine too', () => {
    const through = (proxy: string) => () => ({ url: new URL(proxy), source: 'HTTP_PROXY' });
    for (const proxy of [
      'http://127.0.0.1:3128',
      'http://u:p@localhost:3128',
      'socks5://[::1]:1080',
      'socks5h://127.8.9.10:1080',
    ]) {
      assert.equal(credentialUrlProblem('http://127.0.0.1:4000', through(proxy)), undefined, proxy);
    }
    // Not this machine by name or address, whatever the name resolves to: 0.0.0.0 and this host's own LAN
    // address reach local listeners too, and a name may be made to point anywhere.
    for (const proxy of [
      'http://proxy.example:18080',
      'http://0.0.0.0:3128',
      'http://10.0.0.1:3128',
      'socks5://127.0.0.1.nip.io:1080',
      'socks5://localhost.example.com:1080',
    ]) {
      assert.match(
        credentialUrlProblem('http://127.0.0.1:4000', through(proxy)) ?? '',
        /HTTP_PROXY would send it through the proxy .*, which is not this machine/,
        proxy,
      );
    }
    // Over HTTPS a proxy only carries encrypted bytes: any proxy will do.
    assert.equal(
      credentialUrlProblem('https://www.googleapis.com', through('http://proxy.example:1')),
      undefined,
    );
    // No proxy for this URL (NO_PROXY, none set): as before.
    assert.equal(
      credentialUrlProblem('http://localhost:4000', () => undefined),
      undefined,
    );
  });
});
