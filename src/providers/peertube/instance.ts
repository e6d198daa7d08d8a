// This file decides which PeerTube instance a command talks to, and refuses an address credentials must not go to:
// not http(s), with a user name or password in it, or plain HTTP off this machine (exit 2, before anything is sent).
import { checkCredentialUrl } from '../../credential-url.js';
import { usageError } from '../../errors.js';

/**
 * The instance's canonical address: scheme, host and any path prefix, no trailing slash, no query or fragment
 * (`https://video.example.org`). `source` names where it came from in messages (`--instance`, VUPLOAD_PEERTUBE_URL).
 */
export function checkInstanceUrl(raw: string, source: string): string {
  const text = raw.trim();
  const hint = 'Give the instance as https://HOST (plain http:// only for a server on this machine).';
  if (!URL.canParse(text)) throw usageError(`${source} "${raw}" is not a URL; nothing was sent.`, hint);
  const url = new URL(text);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw usageError(
      `${source} "${raw}" uses ${url.protocol.slice(0, -1)}, not https; nothing was sent.`,
      hint,
    );
  if (url.username !== '' || url.password !== '') {
    // The address is not echoed: what stands before the @ may be a password.
    throw usageError(
      `${source}: the instance address holds a user name or password (user:password@host); nothing was sent.`,
      'Give the address without them; the account and its password are asked for at login.',
    );
  }
  if (url.search !== '' || url.hash !== '')
    throw usageError(`${source} "${raw}": an instance address has no query or fragment.`, hint);
  const canonical = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  return checkCredentialUrl(canonical, source);
}

/** The API root of an instance. */
export const apiRoot = (instance: string): string => `${instance}/api/v1`;

/** A video's page: INSTANCE/w/SHORTUUID (PeerTube's short links). */
export const watchUrl = (instance: string, shortUUID: string): string => `${instance}/w/${shortUUID}`;

/** The account's handle on the instance: `user@host`, as PeerTube (and the fediverse) name it. */
export const handleOf = (username: string, instance: string): string =>
  `${username}@${new URL(instance).host}`;
