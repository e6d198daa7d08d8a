// This file decides where OAuth credentials may go: over HTTPS anywhere, over plain HTTP only when every hop (the
// target, and the proxy on the way if any) is this machine.
import { usageError } from './errors.js';
import { type ProxyChoice, proxyOf } from './net/agents.js';

/**
 * Hosts an upload session may live on besides the API's own: Google answers a resumable initiation with a session
 * URL on its API host (`https://www.googleapis.com/upload/youtube/v3/videos?…&upload_id=…`, API-NOTES §1), and the
 * discovery document also names `youtube.googleapis.com` as a root.
 */
export const GOOGLE_UPLOAD_HOSTS: readonly string[] = ['www.googleapis.com', 'youtube.googleapis.com'];

/** 127.0.0.0/8, ::1 and `localhost`, as WHATWG URL spells a hostname (IPv4 normalised, IPv6 in brackets). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Why credentials must not be sent to `url`, or undefined when they may: over HTTPS anywhere (a proxy on the way
 * sees only a tunnel of encrypted bytes), over plain HTTP only when every hop is this machine: a loopback target
 * reached directly, or through a proxy whose host is loopback too (by its address or the name `localhost`, never by
 * what a name resolves to). `route` gives the proxy a request to `url` would go through (by default this run's
 * choice: --proxy, *_PROXY, NO_PROXY).
 */
export function credentialUrlProblem(url: string, route: ProxyChoice = proxyOf): string | undefined {
  return credentialUrlRefusal(url, route)?.problem;
}

interface Refusal {
  problem: string;
  hint: string;
}

const HTTPS_HINT =
  'Use an https:// address (plain http:// only for a server on this machine, such as `vupload sandbox`).';

function credentialUrlRefusal(url: string, route: ProxyChoice): Refusal | undefined {
  if (!URL.canParse(url)) return { problem: 'is not a URL', hint: HTTPS_HINT };
  const parsed = new URL(url);
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol !== 'http:')
    return { problem: `uses ${parsed.protocol.slice(0, -1)}, not https`, hint: HTTPS_HINT };
  if (!isLoopbackHost(parsed.hostname))
    return { problem: `is plain HTTP to ${parsed.host}, which is not this machine`, hint: HTTPS_HINT };
  const proxy = route(parsed);
  if (proxy === undefined || isLoopbackHost(proxy.url.hostname)) return undefined;
  const bypass = `NO_PROXY=${parsed.hostname.replace(/^\[|\]$/g, '')}${proxy.source === '--proxy' ? ', or no --proxy' : ''}`;
  return {
    problem:
      `is plain HTTP, and ${proxy.source} would send it through the proxy ${proxy.url.protocol}//${proxy.url.host}, ` +
      'which is not this machine (the proxy would read the credentials, and its own 127.0.0.1 is not this one)',
    hint: `Let requests to this machine bypass the proxy (${bypass}), use a proxy on this machine, or an https:// address.`,
  };
}

/**
 * Returns `url` when OAuth credentials (bearer tokens, client secret, refresh token, authorization code) may be
 * sent there; otherwise a usage error (exit 2) naming where the URL came from, before any request is made.
 */
export function checkCredentialUrl(url: string, source: string): string {
  const refusal = credentialUrlRefusal(url, proxyOf);
  if (refusal === undefined) return url;
  throw usageError(
    `${source} ${url} ${refusal.problem}: vupload sends OAuth credentials only over HTTPS, or over plain HTTP when ` +
      'every hop is this machine (127.0.0.0/8, ::1, localhost); nothing was sent.',
    refusal.hint,
  );
}

/**
 * The rule for resumable session URLs of an upload started at `apiUrl`: credentials may go there (above), and the
 * session is on the API's own origin or on one of Google's upload hosts over HTTPS. Anything else is a server (or a
 * man in the middle) steering the bearer token elsewhere.
 */
export function sessionUrlRule(apiUrl: string): (url: string) => boolean {
  const origin = new URL(apiUrl).origin;
  const allowed = (url: string): boolean => {
    if (credentialUrlProblem(url) !== undefined) return false;
    const parsed = new URL(url);
    if (parsed.origin === origin) return true;
    return (
      parsed.protocol === 'https:' && parsed.port === '' && GOOGLE_UPLOAD_HOSTS.includes(parsed.hostname)
    );
  };
  // The engine asks before every request on its session, with the same URL (~50 µs per parse here).
  let lastAllowed: string | undefined;
  return (url) => {
    if (url === lastAllowed) return true;
    if (!allowed(url)) return false;
    lastAllowed = url;
    return true;
  };
}
