// This file runs the loopback login: state + PKCE, browser or pasted redirect, code exchange, token saved per profile.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CodeChallengeMethod, type Credentials } from 'google-auth-library';
import { readmeSection } from '../docs.js';
import { authError, ExitCode, VuploadError } from '../errors.js';
import type { ClientSecrets } from './client-secrets.js';
import { type FinalOutcome, failureReason, startLoopback } from './loopback.js';
import { createOAuthClient } from './oauth-client.js';
import { readPastedRedirect } from './paste.js';
import { DEFAULT_SCOPES, missingScopes, parseScopes } from './scopes.js';
import { tokenEndpointError } from './token-errors.js';
import { readToken, type StoredToken, validateProfile, writeToken } from './token-store.js';

export const DEFAULT_LOGIN_TIMEOUT_MS = 5 * 60 * 1000;

export interface LoginOptions {
  secrets: ClientSecrets;
  profile: string;
  configDir: string;
  /** Defaults to DEFAULT_SCOPES. */
  scopes?: readonly string[];
  /** Listener port; 0 or absent picks a free one. */
  port?: number;
  timeoutMs?: number;
  /** Do not open a browser: log the URL and also accept the redirect address pasted on `input`. */
  noBrowser?: boolean;
  openBrowser(url: string): Promise<void> | void;
  /**
   * Consents without a person (a local sandbox: local-consent.ts) instead of opening the browser; when it fails,
   * the URL is printed and a pasted address accepted, as with noBrowser.
   */
  automaticConsent?: (authUrl: string, redirectUri: string) => Promise<void>;
  input?: Readable;
  /** Human messages (stderr in the CLI). Never receives a token or a code. */
  log(line: string): void;
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

function duration(ms: number): string {
  return ms % 60000 === 0 ? `${ms / 60000} min` : `${Math.round(ms / 100) / 10} s`;
}

function interrupted(signal: AbortSignal): VuploadError {
  const term = signal.reason === 'SIGTERM';
  return new VuploadError('interrupted', term ? ExitCode.sigterm : ExitCode.sigint, 'login interrupted');
}

/** Waits for the first of: listener redirect, pasted address, timeout, abort. */
function waitForRedirect(
  sources: Promise<FinalOutcome>[],
  timeoutMs: number,
  profile: string,
  signal?: AbortSignal,
): Promise<FinalOutcome> {
  return new Promise<FinalOutcome>((resolve, reject) => {
    if (signal?.aborted) return reject(interrupted(signal));
    // Whichever ends the wait first clears the others, so no timer or listener outlives the login.
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const timer = setTimeout(() => {
      const error = authError(
        'loginTimeout',
        `no answer from the browser within ${duration(timeoutMs)}; login cancelled`,
        // As commands: a login another command started (upload on a terminal) has no --timeout of its own.
        `To wait longer: vupload auth login --profile ${profile} --timeout 600; to paste the address ` +
          `instead of a browser answering: vupload auth login --profile ${profile} --no-browser`,
      );
      finish(() => reject(error));
    }, timeoutMs);
    const onAbort = () => finish(() => reject(interrupted(signal as AbortSignal)));
    signal?.addEventListener('abort', onAbort, { once: true });
    Promise.race(sources).then(
      (outcome) => finish(() => resolve(outcome)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
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
    `see ${readmeSection('Logging in')}`,
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
  // The paste flow starts at once with noBrowser, or later when the browser cannot be opened.
  let paste: ReturnType<typeof readPastedRedirect> | undefined;
  let onPasted: (outcome: FinalOutcome) => void = () => {};
  const pasted = new Promise<FinalOutcome>((resolve) => {
    onPasted = resolve;
  });
  const startPaste = (): boolean => {
    if (!options.input) return false;
    paste ??= readPastedRedirect({ input: options.input, state, redirectUri: listener.redirectUri, log });
    paste.result.then(onPasted);
    return true;
  };
  let opening: Promise<void> | undefined;
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
      log('clients. If the browser shows redirect_uri_mismatch, create a Desktop app client (see README).');
    }
    const waiting = waitForRedirect([listener.result, pasted], timeoutMs, profile, options.signal);
    waiting.catch(() => {}); // handled below; keeps an early timeout from being "unhandled" while the opener runs
    const askToPaste = () => {
      if (startPaste())
        log(
          `Waiting on ${listener.redirectUri}. If that browser is on another machine, paste here the address it ends on:`,
        );
    };
    if (options.noBrowser) {
      log('Open this address in a browser and allow access:');
      log(authUrl);
      askToPaste();
    } else if (options.automaticConsent) {
      log('The authorization server is on this machine (the sandbox): consenting without a browser.');
      const consent = options.automaticConsent;
      // Not awaited either: the loopback page it fetches answers only once the login is over.
      opening = Promise.resolve()
        .then(() => consent(authUrl, listener.redirectUri))
        .catch((error: unknown) => {
          log(
            `That did not work (${(error as Error).message}). Open this address in a browser and allow access:`,
          );
          log(authUrl);
          askToPaste();
        });
    } else {
      log('Opening the browser to log in. If it does not open, visit:');
      log(authUrl);
      // Not awaited before the wait: an opener may wait for the page, which shows only once the login is over.
      opening = Promise.resolve()
        .then(() => options.openBrowser(authUrl))
        .catch((error: unknown) => {
          log(
            `Could not open a browser (${(error as Error).message}); open the address above in a browser anywhere.`,
          );
          askToPaste();
        });
    }
    const outcome = await waiting;
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
    paste?.close();
    // The browser learns the outcome only now: success once the code was exchanged and the login saved.
    await listener.answer(
      failure === undefined
        ? { ok: true, detail: `profile "${profile}"` }
        : { ok: false, reason: failureReason(failure) },
    );
    await listener.close();
    await opening;
  }
}
