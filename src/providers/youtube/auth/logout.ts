// This file forgets a profile's login and, when asked, revokes its grant at the token issuer first.

import { deleteToken, readToken, type StoredToken, validateProfile } from '../../../auth/token-store.js';
import { checkCredentialUrl } from '../../../credential-url.js';
import { isVuploadError } from '../../../errors.js';
import { asProxyError } from '../../../net/proxy-errors.js';
import { type ClientSecrets, revokeUriFor, sameTokenIssuer } from './client-secrets.js';

/**
 * - notRequested: no revoke asked for; revoked: the issuer confirmed; alreadyInvalid: the issuer says the token
 *   was already revoked or expired; failed: see revokeError; nothingToRevoke: there was no readable login.
 */
export type RevokeOutcome = 'notRequested' | 'revoked' | 'alreadyInvalid' | 'failed' | 'nothingToRevoke';

export interface LogoutOptions {
  profile: string;
  configDir: string;
  revoke: boolean;
  /** Its revoke URL is used when it belongs to the login's issuer; otherwise one derived from the stored token_uri. */
  secrets?: ClientSecrets;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
}

export interface LogoutResult {
  profile: string;
  /** A local token file existed and was removed. */
  removed: boolean;
  revoke: RevokeOutcome;
  /** Why revocation failed, for display (never holds the token). */
  revokeError?: string;
  /** The revoke endpoint used, without the token. */
  revokeUri?: string;
}

async function revokeAt(
  uri: string,
  token: string,
  fetchImpl: typeof globalThis.fetch,
  timeoutMs: number,
): Promise<Pick<LogoutResult, 'revoke' | 'revokeError'>> {
  const url = new URL(uri);
  url.searchParams.set('token', token);
  let response: Response;
  try {
    // Google documents the token in the query of a form POST (API-NOTES §8: revoke?token=…).
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    // Only the error's code is kept: messages could quote the URL, which holds the token. A proxy's own failure
    // names the proxy (its message holds the proxy and the target's host, never the token).
    const proxy = asProxyError(error);
    if (proxy) return { revoke: 'failed', revokeError: proxy.message.replace(/\.$/, '') };
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : (error as Error).name;
    return { revoke: 'failed', revokeError: `network error (${code})` };
  }
  const body = await response.text().catch(() => '');
  if (response.ok) return { revoke: 'revoked' };
  if (response.status === 400 && /"invalid_token"/.test(body)) return { revoke: 'alreadyInvalid' };
  return { revoke: 'failed', revokeError: `the revoke endpoint answered HTTP ${response.status}` };
}

/** Removes the local login (always, even if revocation fails), revoking its refresh token first when asked. */
export async function logout(options: LogoutOptions): Promise<LogoutResult> {
  const profile = validateProfile(options.profile);
  let stored: StoredToken | undefined;
  let unreadable = false;
  try {
    stored = await readToken(options.configDir, profile);
  } catch (error) {
    // A corrupt file is still removed; it just holds nothing to revoke.
    if (!isVuploadError(error)) throw error;
    unreadable = true;
  }
  let result: Pick<LogoutResult, 'revoke' | 'revokeError' | 'revokeUri'> = { revoke: 'notRequested' };
  if (options.revoke && stored) {
    const { secrets } = options;
    const revokeUri =
      secrets && sameTokenIssuer(stored.token_uri, secrets.tokenUri)
        ? secrets.revokeUri
        : revokeUriFor(stored.token_uri);
    // The refresh token goes there: refused (exit 2) before anything is sent or removed.
    checkCredentialUrl(revokeUri, 'the revoke endpoint');
    // Through vupload's own transport, so a configured proxy is used (Node's fetch would connect directly).
    const fetchImpl = options.fetch ?? (await import('../../../net/fetch.js')).agentFetch;
    result = {
      revokeUri,
      ...(await revokeAt(revokeUri, stored.refresh_token, fetchImpl, options.timeoutMs ?? 15000)),
    };
  } else if (options.revoke) {
    result = unreadable
      ? { revoke: 'failed', revokeError: 'the token file was unreadable, so there was no token to revoke' }
      : { revoke: 'nothingToRevoke' };
  }
  const removed = await deleteToken(options.configDir, profile);
  return { profile, removed, ...result };
}
