// This file runs the loopback login: state + PKCE, browser or pasted redirect, code exchange, token saved per profile.
import { randomBytes } from 'node:crypto';
import { CodeChallengeMethod, type Credentials } from 'google-auth-library';
import {
  type Consent,
  type ConsentOptions,
  endConsent,
  seekConsent,
  waitForRedirect,
} from '../../../auth/consent.js';
import { startLoopback } from '../../../auth/loopback.js';
import { readToken, type StoredToken, validateProfile, writeToken } from '../../../auth/token-store.js';
import { docsSection } from '../../../docs.js';
import { authError, type VuploadError } from '../../../errors.js';
import type { ClientSecrets } from './client-secrets.js';
import { createOAuthClient } from './oauth-client.js';
import { DEFAULT_SCOPES, missingScopes, parseScopes } from './scopes.js';
import { tokenEndpointError } from './token-errors.js';

export const DEFAULT_LOGIN_TIMEOUT_MS = 5 * 60 * 1000;

/** The consent part (browser, sandbox, paste) is the one every provider's login shares: src/auth/consent.ts. */
export interface LoginOptions extends ConsentOptions {
  secrets: ClientSecrets;
  profile: string;
  configDir: string;
  /** Defaults to DEFAULT_SCOPES. */
  scopes?: readonly string[];
  /** Listener port; 0 or absent picks a free one. */
  port?: number;
  timeoutMs?: number;
  /** Aborting ends the login (reason 'SIGTERM' → exit 143, anything else → 130). */
  signal?: AbortSignal;
  loginHint?: string;
  now?: () => number;
}

export interface LoginResult {
  profile: string;
  /** The scopes granted, which may be fewer than requested (API-NOTES §8). */
  scopes: string[];
  requestedScopes: string[];
  missingScopes: string[];
  /** Access token expiry, ms since the epoch. */
  expiryDate: number | null;
  tokenFile: string;
  /** True when the profile already had a login, now replaced. */
  replaced: boolean;
}

function refusedError(error: string): VuploadError {
  if (error === 'access_denied') {
    return authError(
      'accessDenied',
      'login refused: consent was denied in the browser (access_denied)',
      'run the login again and allow access',
    );
  }
  return authError(
    'authorizationFailed',
    `the authorization server refused the login (${error})`,
    `see ${docsSection('docs/login.md', 'Logging in')}`,
  );
}

/** The interactive login. Never prints: every human line goes to `log`. */
export async function login(options: LoginOptions): Promise<LoginResult> {
  const profile = validateProfile(options.profile);
  const requested = [...(options.scopes ?? DEFAULT_SCOPES)];
  const timeoutMs = options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
  const { secrets, log } = options;
  const state = randomBytes(32).toString('base64url');
  const listener = await startLoopback({
    port: options.port ?? 0,
    state,
    onRefused: () => log('Refused a request to the login listener that does not carry this login’s state.'),
  });
  let consent: Consent | undefined;
  let failure: unknown;
  try {
    const client = createOAuthClient(secrets, listener.redirectUri);
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const authUrl = client.generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: requested,
      state,
      code_challenge: codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
      redirect_uri: listener.redirectUri,
      ...(options.loginHint ? { login_hint: options.loginHint } : {}),
    });
    if (secrets.shape === 'web') {
      // Google shows redirect_uri_mismatch in the browser and never redirects back, so say it before waiting.
      log(
        'Note: these client secrets are a "web" client; Google accepts 127.0.0.1 redirects only from "Desktop app"',
      );
      log(
        'clients. If the browser shows redirect_uri_mismatch, create a Desktop app client: ' +
          `${docsSection('docs/login.md', 'Getting a client_secrets.json')}.`,
      );
    }
    consent = seekConsent(authUrl, { redirectUri: listener.redirectUri, state }, options);
    const outcome = await waitForRedirect(
      [listener.result, consent.pasted],
      timeoutMs,
      `--profile ${profile}`,
      options.signal,
    );
    if (outcome.kind === 'error') throw refusedError(outcome.error);
    let tokens: Credentials;
    try {
      ({ tokens } = await client.getToken({
        code: outcome.code,
        codeVerifier,
        redirect_uri: listener.redirectUri,
      }));
    } catch (error) {
      throw tokenEndpointError(error, { phase: 'exchange', profile, tokenUri: secrets.tokenUri });
    }
    if (!tokens.access_token || !tokens.refresh_token) {
      throw authError(
        'noRefreshToken',
        'the token endpoint answered without an access token and a refresh token, so the login cannot be kept',
        'remove vupload at https://myaccount.google.com/permissions and log in again',
      );
    }
    // The user may untick scopes on the consent page; the answer's `scope` is the truth (API-NOTES §8).
    const granted = parseScopes(tokens.scope || outcome.scope || requested);
    const missing = missingScopes(requested, granted);
    const replaced = (await readToken(options.configDir, profile).catch(() => undefined)) !== undefined;
    const now = (options.now ?? Date.now)();
    // Not in google-auth-library's Credentials type, but passed through from the answer.
    const refreshIn = (tokens as { refresh_token_expires_in?: unknown }).refresh_token_expires_in;
    const stored: StoredToken = {
      version: 1,
      profile,
      client_id: secrets.clientId,
      access_token: tokens.access_token,
      refresh_token: tokens.refresh_token,
      expiry_date: tokens.expiry_date ?? null,
      ...(typeof refreshIn === 'number' && Number.isFinite(refreshIn)
        ? { refresh_token_expiry: now + refreshIn * 1000 }
        : {}),
      scope: granted.join(' '),
      token_type: tokens.token_type || 'Bearer',
      token_uri: secrets.tokenUri,
      created_at: new Date(now).toISOString(),
      source: 'login',
    };
    const tokenFile = await writeToken(options.configDir, stored);
    return {
      profile,
      scopes: granted,
      requestedScopes: requested,
      missingScopes: missing,
      expiryDate: stored.expiry_date,
      tokenFile,
      replaced,
    };
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    // The browser learns the outcome only now: success once the code was exchanged and the login saved.
    await endConsent(consent, listener, failure, `profile "${profile}"`);
  }
}
