// This file checks how a proxy is chosen for a URL: the flag, the *_PROXY variables and NO_PROXY, as curl reads them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bypassesProxy, parseProxyUrl, proxyFor, redactProxy } from '../../src/net/proxy.js';

const u = (s: string) => new URL(s);

describe('proxy choice', () => {
  test('NO_PROXY: *, hosts and their subdomains, .domain, host:port, IPv4 and IPv6 CIDR, [::1]', () => {
    const cases: Array<[string, string, boolean]> = [
      ['https://www.googleapis.com/x', '*', true],
      ['https://www.googleapis.com/x', 'googleapis.com', true],
      ['https://www.googleapis.com/x', '.googleapis.com', true],
      ['https://www.googleapis.com/x', '*.googleapis.com', true],
      ['https://notgoogleapis.com/x', 'googleapis.com', false],
      ['http://127.0.0.1:8080/', '127.0.0.1:8080', true],
      ['http://127.0.0.1:8081/', '127.0.0.1:8080', false],
      ['http://127.0.0.1:9/', '127.0.0.0/8', true],
      ['http://10.1.2.3/', '127.0.0.0/8, 10.0.0.0/8', true],
      ['http://192.168.1.1/', '10.0.0.0/8', false],
      ['http://[::1]:9/', '::1', true],
      ['http://[::1]:9/', '[::1]:9', true],
      ['http://[fd00::5]/', 'fd00::/8', true],
      ['http://127.0.0.1/', '', false],
    ];
    for (const [url, noProxy, bypass] of cases)
      assert.equal(bypassesProxy(u(url), noProxy), bypass, `${url} ${noProxy}`);
  });

  test('the flag beats the variables; lower-case variables beat upper-case; the scheme picks the variable', () => {
    const env = {
      HTTPS_PROXY: 'http://upper:1',
      https_proxy: 'http://lower:2',
      HTTP_PROXY: 'socks5://plain:3',
    };
    assert.equal(proxyFor(u('https://a.test/'), { env })?.host, 'lower:2');
    assert.equal(proxyFor(u('http://a.test/'), { env })?.href, 'socks5://plain:3');
    assert.equal(
      proxyFor(u('http://a.test/'), { env: { ALL_PROXY: 'proxy:3128' } })?.href,
      'http://proxy:3128/',
    );
    assert.equal(proxyFor(u('https://a.test/'), { env, flag: 'http://flag:4' })?.host, 'flag:4');
    assert.equal(
      proxyFor(u('https://a.test/'), { env, flag: '' }),
      undefined,
      '--proxy "" turns proxies off',
    );
    assert.equal(
      proxyFor(u('https://a.test/'), { env: { ...env, NO_PROXY: 'a.test' }, flag: 'http://f:1' }),
      undefined,
    );
  });

  test('a proxy URL vupload cannot use is exit 2, naming where it came from, never its password', () => {
    assert.throws(
      () => parseProxyUrl('ftp://me:hunter2@proxy:21', 'HTTPS_PROXY'),
      (e: Error & { exitCode?: number }) =>
        e.exitCode === 2 && /HTTPS_PROXY/.test(e.message) && !/hunter2/.test(e.message),
    );
    assert.equal(redactProxy('socks5://me:hunter2@h:1080'), 'socks5://***@h:1080');
    assert.equal(redactProxy('http://h:3128'), 'http://h:3128');
  });
});
