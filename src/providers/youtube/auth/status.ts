// This file describes a profile's saved login (scopes, expiry, refresh token) without any network call.

import { readToken, tokenPath, validateProfile } from '../../../auth/token-store.js';
import { parseScopes } from './scopes.js';

export interface AuthStatus {
  profile: string;
  loggedIn: boolean;
  tokenFile: string;
  /** Granted scopes; empty when unknown (an imported Go token before its first refresh). */
  scopes: string[];
  /** Access token expiry, ms since the epoch; null when unknown. */
  expiryDate: number | null;
  /** When the refresh token ends, ms since the epoch; null when the issuer gave no end. */
  refreshTokenExpiry: number | null;
  /** The access token has expired (the next command refreshes it; that is normal). */
  accessTokenExpired: boolean;
  hasRefreshToken: boolean;
  clientId?: string;
  tokenUri?: string;
  createdAt?: string;
  updatedAt?: string;
  /** `login`, `import:oauth2client` or `import:go-oauth2`. */
  source?: string;
}

/** Reads `profile`'s saved login. A missing login is `loggedIn: false` (the CLI exits 3); a corrupt file throws. */
export async function readAuthStatus(options: {
  profile: string;
  configDir: string;
  now?: () => number;
}): Promise<AuthStatus> {
  const profile = validateProfile(options.profile);
  const tokenFile = tokenPath(options.configDir, profile);
  const stored = await readToken(options.configDir, profile);
  if (!stored) {
    return {
      profile,
      loggedIn: false,
      tokenFile,
      scopes: [],
      expiryDate: null,
      refreshTokenExpiry: null,
      accessTokenExpired: true,
      hasRefreshToken: false,
    };
  }
  const now = (options.now ?? Date.now)();
  return {
    profile,
    loggedIn: true,
    tokenFile,
    scopes: parseScopes(stored.scope),
    expiryDate: stored.expiry_date,
    refreshTokenExpiry: stored.refresh_token_expiry ?? null,
    accessTokenExpired: !stored.access_token || stored.expiry_date === null || stored.expiry_date <= now,
    hasRefreshToken: stored.refresh_token !== '',
    clientId: stored.client_id,
    tokenUri: stored.token_uri,
    ...(stored.created_at ? { createdAt: stored.created_at } : {}),
    ...(stored.updated_at ? { updatedAt: stored.updated_at } : {}),
    ...(stored.source ? { source: stored.source } : {}),
  };
}
