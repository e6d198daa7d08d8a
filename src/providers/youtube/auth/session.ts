// This file opens a saved login for use: a still-valid cached access token is used as it is; refreshing it (and any
// googleapis call) goes through google-auth-library's OAuth2Client, loaded only then, and refreshed tokens are saved.
import type { Credentials, OAuth2Client } from 'google-auth-library';
import {
  loginHint,
  notLoggedInError,
  readToken,
  type StoredToken,
  tokenPath,
  validateProfile,
  writeToken,
} from '../../../auth/token-store.js';
import { authError } from '../../../errors.js';
import { configDir as defaultConfigDir, type Env } from '../../../paths.js';
import { type ClientSecrets, sameTokenIssuer } from './client-secrets.js';
import { parseScopes } from './scopes.js';
import { tokenEndpointError } from './token-errors.js';

/**
 * A cached access token is used only while it has at least this long left: google-auth-library's own default
 * (`eagerRefreshThresholdMillis`), so the cached path and the library's agree on when a token needs refreshing.
 */
export const EAGER_REFRESH_MS = 5 * 60 * 1000;

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
  /**
   * The OAuth2Client for googleapis services (`auth: await session.client()`); its refreshes are saved back too.
   * Loads google-auth-library on the first call: an upload with a valid cached token never needs it.
   */
  client(): Promise<OAuth2Client>;
  profile: string;
  /** Granted scopes as last known (empty when unknown, e.g. an imported Go token before its first refresh). */
  readonly scopes: string[];
  /** Access token expiry (ms since the epoch) as last known. */
  readonly expiryDate: number | null;
  /**
   * `{ Authorization: 'Bearer …' }`: the cached access token while it is valid for EAGER_REFRESH_MS more, else one
   * refreshed by the library first.
   */
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
  // Fires on every refresh, including those googleapis triggers through the client. Refreshed answers usually
  // lack refresh_token, so they are merged into the stored copy rather than replacing it (API-NOTES §9).
  const onTokens = (tokens: Credentials): void => {
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
  };
  let client: Promise<OAuth2Client> | undefined;
  const loadClient = (): Promise<OAuth2Client> => {
    client ??= import('./oauth-client.js').then(({ createOAuthClient }) => {
      const created = createOAuthClient(secrets);
      created.setCredentials({
        access_token: current.access_token || null,
        refresh_token: current.refresh_token,
        // Unknown expiry: 1 ms past the epoch makes the library refresh at first use (it treats null as "never").
        expiry_date: current.expiry_date ?? 1,
        token_type: bearer(current.token_type),
        ...(current.scope ? { scope: current.scope } : {}),
      });
      created.on('tokens', onTokens);
      return created;
    });
    return client;
  };
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

  const cachedToken = (): string | undefined =>
    current.access_token && current.expiry_date !== null && current.expiry_date - now() > EAGER_REFRESH_MS
      ? current.access_token
      : undefined;

  return {
    client: loadClient,
    profile,
    get scopes() {
      return parseScopes(current.scope);
    },
    get expiryDate() {
      return current.expiry_date;
    },
    async headers() {
      let token: string | null | undefined = cachedToken();
      if (!token) {
        try {
          ({ token } = await (await loadClient()).getAccessToken());
        } catch (error) {
          throw tokenEndpointError(error, ctx());
        }
      }
      await flush();
      if (!token)
        throw authError('noAccessToken', 'the token endpoint gave no access token', loginHint(profile));
      return { Authorization: `${bearer(current.token_type)} ${token}` };
    },
    async refresh() {
      try {
        await (await loadClient()).refreshAccessToken();
      } catch (error) {
        throw tokenEndpointError(error, ctx());
      }
      await flush();
    },
  };
}
