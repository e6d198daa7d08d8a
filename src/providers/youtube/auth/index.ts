// This file is the auth layer's public face: client secrets, scopes, login, saved logins and their use.

export { parseRedirect, type RedirectOutcome } from '../../../auth/loopback.js';
export {
  listProfiles,
  loginHint,
  notLoggedInError,
  type StoredToken,
  tokenPath,
  validateProfile,
} from '../../../auth/token-store.js';
export {
  type ClientSecrets,
  GOOGLE_AUTH_URI,
  GOOGLE_REVOKE_URI,
  GOOGLE_TOKEN_URI,
  type LoadClientSecretsOptions,
  loadClientSecrets,
  parseClientSecrets,
  revokeUriFor,
  sameTokenIssuer,
  secretsHint,
} from './client-secrets.js';
export {
  type ForeignCredentials,
  type ForeignFormat,
  type ImportOptions,
  type ImportResult,
  importCredentials,
  parseForeignCredentials,
} from './import.js';
export { DEFAULT_LOGIN_TIMEOUT_MS, type LoginOptions, type LoginResult, login } from './login.js';
export { type LogoutOptions, type LogoutResult, logout, type RevokeOutcome } from './logout.js';
export { createOAuthClient } from './oauth-client.js';
export {
  type Capability,
  DEFAULT_SCOPES,
  missingScopes,
  parseScopes,
  SCOPES,
  type ScopeChoice,
  scopesAllow,
  scopesFor,
  shortScope,
  UPLOAD_ONLY_SCOPES,
} from './scopes.js';
export { type AuthSession, type GetAuthOptions, getAuth } from './session.js';
export { type AuthStatus, readAuthStatus } from './status.js';
export { isInvalidGrant, tokenEndpointError } from './token-errors.js';
