// This file decides which proxy a request goes through (--proxy, HTTPS_PROXY/HTTP_PROXY/ALL_PROXY, NO_PROXY, as curl
// reads them); src/net/proxy-agents.ts builds the agents that connect through it.
import { BlockList, isIP } from 'node:net';
import { usageError } from '../errors.js';
import type { Env } from '../paths.js';
import type { ChosenProxy } from './agents.js';

export interface ProxySettings {
  /** `--proxy URL`: every request, unless NO_PROXY names its host ('' turns proxies off). */
  flag?: string;
  env: Env;
}

const SCHEMES = new Set(['http:', 'https:', 'socks:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:']);

/** First set variable of `names` (curl reads the lower-case form first). */
function fromEnv(env: Env, ...names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    for (const key of [name.toLowerCase(), name.toUpperCase()]) {
      const value = env[key];
      if (value !== undefined && value.trim() !== '') return { name: key, value: value.trim() };
    }
  }
  return undefined;
}

/** The proxy URL with its credentials replaced, for every message that names it. */
export function redactProxy(url: string): string {
  return url.replace(/^([a-z0-9+.-]+:\/\/)[^@/?#]*@/i, '$1***@');
}

/** Parses a proxy setting (`host:port` means http://); exit 2 naming where it came from, credentials hidden. */
export function parseProxyUrl(value: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw usageError(`${source}: "${redactProxy(value)}" is not a proxy URL.`, PROXY_HINT);
  }
  if (!SCHEMES.has(url.protocol) || url.hostname === '') {
    throw usageError(`${source}: "${redactProxy(value)}" is not a proxy URL vupload can use.`, PROXY_HINT);
  }
  return url;
}

const PROXY_HINT = 'Use http://HOST:PORT, https://HOST:PORT or socks5://HOST:PORT (user:password@ allowed).';

/** True when NO_PROXY exempts `url`: `*`, a host or domain (`.example.com` too), `host:port`, an IP or a CIDR. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const { name, port: entryPort } = splitEntry(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    const bare = name.replace(/^\*?\./, '');
    const [base = '', bits] = bare.split('/');
    if (bits !== undefined && isIP(base) !== 0) {
      if (isIP(host) !== isIP(base)) continue;
      const family = isIP(base) === 6 ? 'ipv6' : 'ipv4';
      const list = new BlockList();
      list.addSubnet(base, Number(bits), family);
      if (list.check(host, family)) return true;
      continue;
    }
    if (host === bare || host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

/** `[::1]:8080` → ::1 and 8080; `host:80`; a bare IPv6 address (several colons) has no port. */
function splitEntry(entry: string): { name: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1]!, ...(bracketed[2] ? { port: Number(bracketed[2]) } : {}) };
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  return withPort ? { name: withPort[1]!, port: Number(withPort[2]) } : { name: entry };
}

/** The proxy for a request to `url` and where it was set, or undefined for a direct connection. */
export function chooseProxy(url: URL, settings: ProxySettings): ChosenProxy | undefined {
  const noProxy = fromEnv(settings.env, 'no_proxy')?.value;
  if (bypassesProxy(url, noProxy)) return undefined;
  if (settings.flag !== undefined) {
    if (settings.flag === '') return undefined;
    return { url: parseProxyUrl(settings.flag, '--proxy'), source: '--proxy' };
  }
  const scheme = url.protocol === 'https:' ? 'https_proxy' : 'http_proxy';
  const found = fromEnv(settings.env, scheme, 'all_proxy');
  return found ? { url: parseProxyUrl(found.value, found.name), source: found.name } : undefined;
}

/** The proxy for a request to `url`, or undefined for a direct connection. */
export function proxyFor(url: URL, settings: ProxySettings): URL | undefined {
  return chooseProxy(url, settings)?.url;
}

/** Checks every configured proxy URL (exit 2 before anything is sent); true when any proxy is set at all. */
export function checkProxySettings(settings: ProxySettings): boolean {
  if (settings.flag !== undefined) {
    if (settings.flag !== '') parseProxyUrl(settings.flag, '--proxy');
    return settings.flag !== '';
  }
  let any = false;
  for (const name of ['https_proxy', 'http_proxy', 'all_proxy']) {
    const found = fromEnv(settings.env, name);
    if (found) {
      parseProxyUrl(found.value, found.name);
      any = true;
    }
  }
  return any;
}
