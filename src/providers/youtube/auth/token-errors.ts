// This file turns failures of the token endpoint (code exchange, refresh) into VuploadErrors without any secret in them.

import { loginHint } from '../../../auth/token-store.js';
import { ExitCode, isVuploadError, VuploadError } from '../../../errors.js';
import { asProxyError } from '../../../net/proxy-errors.js';
import { secretsHint } from './client-secrets.js';

export interface TokenErrorContext {
  phase: 'exchange' | 'refresh';
  profile: string;
  tokenUri: string;
  /** When the refresh token was due to end (ms since the epoch), if the token endpoint said so at login. */
  refreshTokenExpiry?: number | null;
  now?: number;
}

/** The fields of a gaxios error we read; duck-typed because gaxios is not a direct dependency. */
interface HttpishError {
  status?: number;
  code?: string | number;
  response?: { status?: number; data?: unknown };
}

function oauthReason(data: unknown): string | undefined {
  if (typeof data === 'object' && data !== null && typeof (data as { error?: unknown }).error === 'string') {
    const reason = (data as { error: string }).error;
    // Only a machine code is echoed back into messages: [a-z_] keeps anything else out.
    return /^[A-Za-z_.-]{1,64}$/.test(reason) ? reason : undefined;
  }
  return undefined;
}

/** True when `error` is the token endpoint saying `invalid_grant` (revoked/expired grant or used code). */
export function isInvalidGrant(error: unknown): boolean {
  if (isVuploadError(error)) return error.code === 'invalidGrant';
  const e = error as HttpishError | null;
  return oauthReason(e?.response?.data) === 'invalid_grant';
}

/**
 * Maps an error thrown by OAuth2Client.getToken / refreshAccessToken / getAccessToken.
 * The original error is deliberately not kept as `cause`: gaxios errors carry the request body (code, refresh token).
 */
export function tokenEndpointError(error: unknown, ctx: TokenErrorContext): VuploadError {
  if (isVuploadError(error)) return error;
  const proxy = asProxyError(error);
  if (proxy) return proxy;
  const e = (error ?? {}) as HttpishError;
  const status = e.response?.status ?? e.status;
  const reason = oauthReason(e.response?.data);
  const http = { method: 'POST', url: ctx.tokenUri, status, reason };
  const relogin = loginHint(ctx.profile);
  if (status === undefined) {
    const code = typeof e.code === 'string' ? ` (${e.code})` : '';
    return new VuploadError(
      'network',
      ExitCode.network,
      `cannot reach the token endpoint ${ctx.tokenUri}${code}`,
      {
        hint: 'check the network connection and try again',
        http,
      },
    );
  }
  const ended = ctx.refreshTokenExpiry ?? undefined;
  if (
    reason === 'invalid_grant' &&
    ctx.phase === 'refresh' &&
    ended !== undefined &&
    ended <= (ctx.now ?? Date.now())
  ) {
    return new VuploadError(
      'invalidGrant',
      ExitCode.auth,
      `the saved login for profile "${ctx.profile}" ended on ${new Date(ended).toISOString()} (invalid_grant): its ` +
        'refresh token was issued for a limited time, as Google does (7 days) for apps whose OAuth consent screen ' +
        'is in "Testing". Publish the app (OAuth consent screen → Publish app) to get lasting logins',
      { hint: relogin, http },
    );
  }
  if (reason === 'invalid_grant' && ctx.phase === 'refresh') {
    return new VuploadError(
      'invalidGrant',
      ExitCode.auth,
      `the saved login for profile "${ctx.profile}" no longer works: the token endpoint answered invalid_grant, ` +
        'so the grant was revoked or has expired. Apps whose OAuth consent screen is in "Testing" get refresh ' +
        'tokens that expire after 7 days',
      { hint: relogin, http },
    );
  }
  if (reason === 'invalid_grant') {
    return new VuploadError(
      'invalidGrant',
      ExitCode.auth,
      'the authorization code was refused (invalid_grant): it expired, was already used, or the PKCE check failed',
      { hint: 'log in again', http },
    );
  }
  if (reason === 'invalid_client' || reason === 'unauthorized_client' || reason === 'deleted_client') {
    return new VuploadError(
      'invalidClient',
      ExitCode.auth,
      `the token endpoint does not accept this OAuth client (${reason}); check client_secrets.json`,
      { hint: secretsHint(), http },
    );
  }
  if (status >= 500 || status === 429 || status === 408) {
    return new VuploadError('network', ExitCode.network, `the token endpoint failed (HTTP ${status})`, {
      hint: 'try again later',
      http,
    });
  }
  const what = ctx.phase === 'refresh' ? 'refreshing the access token' : 'exchanging the authorization code';
  const detail = `HTTP ${status}${reason ? `, ${reason}` : ''}`;
  return new VuploadError('tokenRefused', ExitCode.auth, `the token endpoint refused ${what} (${detail})`, {
    hint: relogin,
    http,
  });
}
