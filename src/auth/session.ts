// This file opens a saved login for use: an OAuth2Client that refreshes when needed and saves refreshed tokens back.
import type { Credentials, OAuth2Client } from 'google-auth-library';
import { authError } from '../errors.js';
import { configDir as defaultConfigDir, type Env } from '../paths.js';
import { type ClientSecrets, sameTokenIssuer } from './client-secrets.js';
import { createOAuthClient } from './oauth-client.js';
import { parseScopes } from './scopes.js';
import { tokenEndpointError } from './token-errors.js';
import {
  loginHint,
  notLoggedInError,
  readToken,
  type StoredToken,
  tokenPath,
  validateProfile,
  writeToken,
} from './token-store.js';

export interface GetAuthOptions {
  secrets: ClientSecrets;
  profile: string;
  /** Defaults to the config directory derived from `env` (paths.ts). */
  configDir?: string;
  env?: Env;
  now?: () => number;
  /**
   * A refreshed token could not be saved (read-only config dir, disk full): told once, with the token file and the
   * error, and the session goes on with the token in memory; the next run refreshes again. Without it, the next
   * headers()/refresh() throws the error.
   */
  onSaveError?: (file: string, error: unknown) => void;
}

export interface AuthSession {
  /** For googleapis services (`auth: session.client`); its refreshes are saved back too. */
  client: OAuth2Client;
  profile: string;
  /** Granted scopes as last known (empty when unknown, e.g. an imported Go token before its first refresh). */
  readonly scopes: string[];
  /** Access token expiry (ms since the epoch) as last known. */
  readonly expiryDate: number | null;
  /** `{ Authorization: 'Bearer …' }`, refreshed first when the access token has expired or is about to. */
  headers(): Promise<Record<string, string>>;
  /** Forces a refresh, e.g. after the API answered 401. */
  refresh(): Promise<void>;
}

function bearer(tokenType: string): string {
  return !tokenType || tokenType.toLowerCase() === 'bearer' ? 'Bearer' : tokenType;
}

/** Opens `profile`'s login. Fails with exit 3 when there is none, or when it belongs to another OAuth client. */
export async function getAuth(options: GetAuthOptions): Promise<AuthSession> {
  const profile = validateProfile(options.profile);
  const { secrets } = options;
  const dir = options.configDir ?? defaultConfigDir(options.env);
  const now = options.now ?? Date.now;
  const stored = await readToken(dir, profile);
  if (!stored) throw notLoggedInError(profile);
  if (stored.client_id !== secrets.clientId) {
    throw authError(
      'clientMismatch',
      `the login of profile "${profile}" was made with another OAuth client than the one in ${secrets.path}; ` +
        'a refresh token only works with the client that obtained it',
      `${loginHint(profile)} (or pass --client-secrets with the file the login was made with)`,
    );
  }
  if (!sameTokenIssuer(stored.token_uri, secrets.tokenUri)) {
    throw authError(
      'endpointMismatch',
      `the login of profile "${profile}" comes from ${stored.token_uri}, but ${secrets.path} uses ${secrets.tokenUri}`,
      loginHint(profile),
    );
  }

  const client = createOAuthClient(secrets);
  client.setCredentials({
    access_token: stored.access_token || null,
    refresh_token: stored.refresh_token,
    // Unknown expiry: 1 ms past the epoch makes the library refresh at first use (it treats null as "never").
    expiry_date: stored.expiry_date ?? 1,
    token_type: bearer(stored.token_type),
    ...(stored.scope ? { scope: stored.scope } : {}),
  });

  let current: StoredToken = stored;
  let saving: Promise<void> = Promise.resolve();
  let saveError: unknown;
  let saveErrorTold = false;
  const failedSave = (error: unknown) => {
    if (!options.onSaveError) {
      saveError = error;
      return;
    }
    // A failed cache write must not fail the command: the token in memory is good until it expires.
    if (saveErrorTold) return;
    saveErrorTold = true;
    options.onSaveError(tokenPath(dir, profile), error);
  };
  // Fires on every refresh, including those googleapis triggers through `client`. Refreshed answers usually
  // lack refresh_token, so they are merged into the stored copy rather than replacing it (API-NOTES §9).
  client.on('tokens', (tokens: Credentials) => {
    current = {
      ...current,
      access_token: tokens.access_token ?? current.access_token,
      refresh_token: tokens.refresh_token || current.refresh_token,
      expiry_date: tokens.expiry_date ?? current.expiry_date,
      scope: tokens.scope ? parseScopes(tokens.scope).join(' ') : current.scope,
      token_type: tokens.token_type || current.token_type,
      updated_at: new Date(now()).toISOString(),
    };
    const snapshot = current;
    // `saving` never rejects: a failed save is reported to onSaveError, or kept and thrown by the next headers().
    saving = saving.then(() => writeToken(dir, snapshot)).then(() => undefined, failedSave);
  });
  const flush = async () => {
    await saving;
    if (saveError !== undefined) {
      const error = saveError;
      saveError = undefined;
      throw error;
    }
  };
  const ctx = () => ({
    phase: 'refresh' as const,
    profile,
    tokenUri: secrets.tokenUri,
    refreshTokenExpiry: current.refresh_token_expiry ?? null,
    now: now(),
  });

  return {
    client,
    profile,
    get scopes() {
      return parseScopes(current.scope);
    },
    get expiryDate() {
      return current.expiry_date;
    },
    async headers() {
      let token: string | null | undefined;
      try {
        ({ token } = await client.getAccessToken());
      } catch (error) {
        throw tokenEndpointError(error, ctx());
      }
      await flush();
      if (!token)
        throw authError('noAccessToken', 'the token endpoint gave no access token', loginHint(profile));
      return { Authorization: `${bearer(current.token_type)} ${token}` };
    },
    async refresh() {
      try {
        await client.refreshAccessToken();
      } catch (error) {
        throw tokenEndpointError(error, ctx());
      }
      await flush();
    },
  };
}
