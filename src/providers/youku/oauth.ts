// This file is Youku's OAuth 2 code flow (loopback redirect) and refresh, and the YoukuAuth built on stored tokens.
import { randomBytes } from 'node:crypto';
import { type ConsentOptions, endConsent, seekConsent, waitForRedirect } from '../../auth/consent.js';
import { startLoopback } from '../../auth/loopback.js';
import { checkCredentialUrl } from '../../credential-url.js';
import { authError, VuploadError } from '../../errors.js';
import { asProxyError } from '../../net/proxy-errors.js';
import { type Clock, createHttpTransport, systemClock, type Transport } from '../../upload/index.js';
import { youkuCall } from './http.js';
import { YOUKU_API_URL, type YoukuAuth } from './options.js';
import {
  readYoukuToken,
  writeYoukuToken,
  type YoukuStoredToken,
  youkuLoginHint,
  youkuTokenPath,
} from './token-store.js';

/** The authorization-code endpoints live on the older host (API-NOTES §10); refresh goes to the API host. */
export const YOUKU_OAUTH_URL = 'https://openapi.youku.com/v2';

export interface YoukuTokenAnswer {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  token_type?: string;
}

export function youkuAuthorizeUrl(o: {
  oauthUrl?: string;
  clientId: string;
  redirectUri: string;
  state: string;
}): string {
  const url = new URL(`${(o.oauthUrl ?? YOUKU_OAUTH_URL).replace(/\/+$/, '')}/oauth2/authorize`);
  url.searchParams.set('client_id', o.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', o.redirectUri);
  url.searchParams.set('state', o.state);
  return url.toString();
}

function tokenAnswer(a: Record<string, unknown>): YoukuTokenAnswer {
  if (typeof a.access_token !== 'string' || a.access_token === '') {
    throw authError('youkuTokenRefused', 'Youku answered without an access token');
  }
  return {
    access_token: a.access_token,
    refresh_token: typeof a.refresh_token === 'string' ? a.refresh_token : undefined,
    expires_in: typeof a.expires_in === 'number' ? a.expires_in : Number(a.expires_in) || undefined,
    token_type: typeof a.token_type === 'string' ? a.token_type : undefined,
  };
}

/** Any refusal of the token endpoint is an auth problem (exit 3); the body's code is kept, never the secrets. */
async function tokenCall(transport: Transport, url: string, params: Record<string, string>, what: string) {
  checkCredentialUrl(url, "Youku's token endpoint");
  try {
    return tokenAnswer(await youkuCall(transport, { method: 'POST', url, params }));
  } catch (error) {
    if (error instanceof VuploadError && error.code === 'youku') {
      throw authError('youkuTokenRefused', `Youku refused the ${what}: ${error.message}`, undefined, error);
    }
    throw asProxyError(error) ?? error;
  }
}

export function exchangeYoukuCode(o: {
  oauthUrl?: string;
  clientId: string;
  clientSecret: string;
  code: string;
  redirectUri: string;
  transport: Transport;
}): Promise<YoukuTokenAnswer> {
  const url = `${(o.oauthUrl ?? YOUKU_OAUTH_URL).replace(/\/+$/, '')}/oauth2/token`;
  const params = {
    client_id: o.clientId,
    client_secret: o.clientSecret,
    grant_type: 'authorization_code',
    code: o.code,
    redirect_uri: o.redirectUri,
  };
  return tokenCall(o.transport, url, params, 'authorization code');
}

/** POST <apiUrl>/oauth2/token.json, form client_id, grant_type=refresh_token, refresh_token (API-NOTES §10). */
export function refreshYoukuToken(o: {
  apiUrl?: string;
  clientId: string;
  refreshToken: string;
  transport: Transport;
}): Promise<YoukuTokenAnswer> {
  const url = `${(o.apiUrl ?? YOUKU_API_URL).replace(/\/+$/, '')}/oauth2/token.json`;
  const params = { client_id: o.clientId, grant_type: 'refresh_token', refresh_token: o.refreshToken };
  return tokenCall(o.transport, url, params, 'token refresh');
}

/** The consent part (browser, sandbox, paste) is the one every provider's login shares: src/auth/consent.ts. */
export interface YoukuLoginOptions extends Omit<ConsentOptions, 'log'> {
  clientId: string;
  clientSecret: string;
  configDir: string;
  profile: string;
  /** Default https://openapi.youku.com/v2 (authorize + code exchange); the emulator's url in tests. */
  oauthUrl?: string;
  /** Default https://api.youku.com; stored so refreshes go there. */
  apiUrl?: string;
  /** Human messages (stderr in the CLI); none by default. */
  log?: (line: string) => void;
  port?: number;
  /** Default 5 minutes. */
  timeoutMs?: number;
  /** Aborting ends the login (reason 'SIGTERM' → exit 143, anything else → 130). */
  signal?: AbortSignal;
  transport?: Transport;
  clock?: Clock;
}

/** Authorization-code login through a one-shot 127.0.0.1 listener; the tokens go to the profile's 0600 file. */
export async function youkuLogin(
  o: YoukuLoginOptions,
): Promise<{ profile: string; file: string; expiresAt: number | null }> {
  const clock = o.clock ?? systemClock;
  // Checked before the browser is sent anywhere: the code exchange and later refreshes carry secrets there.
  checkCredentialUrl(o.oauthUrl ?? YOUKU_OAUTH_URL, 'the Youku OAuth URL (VUPLOAD_YOUKU_OAUTH_URL)');
  checkCredentialUrl(o.apiUrl ?? YOUKU_API_URL, 'the Youku API URL');
  const state = randomBytes(24).toString('base64url');
  const listener = await startLoopback({ state, port: o.port });
  const own = o.transport ? undefined : createHttpTransport();
  const authUrl = youkuAuthorizeUrl({ ...o, redirectUri: listener.redirectUri, state });
  const consent = seekConsent(
    authUrl,
    { redirectUri: listener.redirectUri, state },
    { ...o, log: o.log ?? (() => {}) },
  );
  let failure: unknown;
  try {
    const outcome = await waitForRedirect(
      [listener.result, consent.pasted],
      o.timeoutMs ?? 5 * 60_000,
      `--provider youku --profile ${o.profile}`,
      o.signal,
    );
    if (outcome.kind === 'error')
      throw authError('loginDenied', `Youku login was not granted (${outcome.error})`);
    const answer = await exchangeYoukuCode({
      ...o,
      code: outcome.code,
      redirectUri: listener.redirectUri,
      transport: o.transport ?? own!,
    });
    if (!answer.refresh_token) throw authError('youkuTokenRefused', 'Youku gave no refresh token');
    const now = clock.now();
    const token: YoukuStoredToken = {
      version: 1,
      provider: 'youku',
      profile: o.profile,
      client_id: o.clientId,
      access_token: answer.access_token,
      refresh_token: answer.refresh_token,
      expiry_date: answer.expires_in ? now + answer.expires_in * 1000 : null,
      token_type: answer.token_type ?? 'bearer',
      api_url: (o.apiUrl ?? YOUKU_API_URL).replace(/\/+$/, ''),
      created_at: new Date(now).toISOString(),
    };
    return {
      profile: o.profile,
      file: await writeYoukuToken(o.configDir, token),
      expiresAt: token.expiry_date,
    };
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    own?.close();
    await endConsent(consent, listener, failure, `Youku, profile "${o.profile}"`);
  }
}

/** Refresh this long before the stored expiry, so a token does not die between two requests. */
const EARLY_MS = 60_000;

/** A YoukuAuth over the profile's stored login: refreshes when expired (or told to) and writes the new tokens back. */
export function createYoukuAuth(o: {
  configDir: string;
  profile: string;
  transport?: Transport;
  clock?: Clock;
  /** The refreshed login could not be saved: told with the file and the error, and the run goes on in memory. */
  onSaveError?: (file: string, error: unknown) => void;
}): YoukuAuth {
  let kept: YoukuStoredToken | undefined;
  const clock = o.clock ?? systemClock;
  const load = async (): Promise<YoukuStoredToken> => {
    // A refresh that could not be saved lives on in memory for this run.
    if (kept) return kept;
    const t = await readYoukuToken(o.configDir, o.profile);
    if (!t)
      throw authError(
        'notLoggedIn',
        `not logged in to Youku (profile "${o.profile}")`,
        youkuLoginHint(o.profile),
      );
    return t;
  };
  const refresh = async (): Promise<YoukuStoredToken> => {
    const t = await load();
    const own = o.transport ? undefined : createHttpTransport();
    try {
      checkCredentialUrl(t.api_url, `the api_url of ${youkuTokenPath(o.configDir, o.profile)}`);
      const a = await refreshYoukuToken({
        apiUrl: t.api_url,
        clientId: t.client_id,
        refreshToken: t.refresh_token,
        transport: o.transport ?? own!,
      });
      const now = clock.now();
      // Youku may or may not rotate the refresh token; keep the old one when none comes back.
      const next: YoukuStoredToken = {
        ...t,
        access_token: a.access_token,
        refresh_token: a.refresh_token ?? t.refresh_token,
        expiry_date: a.expires_in ? now + a.expires_in * 1000 : null,
        updated_at: new Date(now).toISOString(),
      };
      try {
        await writeYoukuToken(o.configDir, next);
        kept = undefined;
      } catch (error) {
        if (!o.onSaveError) throw error;
        if (!kept) o.onSaveError(youkuTokenPath(o.configDir, o.profile), error);
        kept = next;
      }
      return next;
    } finally {
      own?.close();
    }
  };
  return {
    async accessToken() {
      let t = await load();
      if (!t.access_token || t.expiry_date === null || t.expiry_date - EARLY_MS <= clock.now())
        t = await refresh();
      return t.access_token;
    },
    async refresh() {
      await refresh();
    },
  };
}
