// This file decides where OAuth credentials may go: over HTTPS anywhere, over plain HTTP only to this machine.
import { usageError } from './errors.js';

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

/** Why credentials must not be sent to `url` (pure), or undefined when they may. */
export function credentialUrlProblem(url: string): string | undefined {
  if (!URL.canParse(url)) return 'is not a URL';
  const parsed = new URL(url);
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol !== 'http:') return `uses ${parsed.protocol.slice(0, -1)}, not https`;
  if (isLoopbackHost(parsed.hostname)) return undefined;
  return `is plain HTTP to ${parsed.host}, which is not this machine`;
}

/**
 * Returns `url` when OAuth credentials (bearer tokens, client secret, refresh token, authorization code) may be
 * sent there; otherwise a usage error (exit 2) naming where the URL came from, before any request is made.
 */
export function checkCredentialUrl(url: string, source: string): string {
  const problem = credentialUrlProblem(url);
  if (problem === undefined) return url;
  throw usageError(
    `${source} ${url} ${problem}: vupload sends OAuth credentials only over HTTPS, or over plain HTTP to this ` +
      'machine (127.0.0.0/8, ::1, localhost); nothing was sent.',
    'Use an https:// address (plain http:// only for a server on this machine, such as `vupload sandbox`).',
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
