// This file takes over logins saved by other tools: oauth2client Storage JSON (Google's Python sample) and Go oauth2 tokens.
import { readFile } from 'node:fs/promises';
import { readToken, type StoredToken, validateProfile, writeToken } from '../../../auth/token-store.js';
import { checkCredentialUrl } from '../../../credential-url.js';
import { ExitCode, VuploadError } from '../../../errors.js';
import { type ClientSecrets, GOOGLE_TOKEN_URI, sameTokenIssuer } from './client-secrets.js';
import { parseScopes } from './scopes.js';

export type ForeignFormat = 'oauth2client' | 'go-oauth2';

/** The parts of a foreign credentials file that vupload keeps. */
export interface ForeignCredentials {
  format: ForeignFormat;
  /** Absent in Go token files: they do not name their client. */
  clientId?: string;
  tokenUri?: string;
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiryDate: number | null;
  scopes: string[];
}

export interface ImportOptions {
  file: string;
  profile: string;
  configDir: string;
  /** The client the login will be used with; required for Go tokens, checked against oauth2client files. */
  secrets?: ClientSecrets;
  now?: () => number;
}

export interface ImportResult {
  profile: string;
  format: ForeignFormat;
  clientId: string;
  scopes: string[];
  expiryDate: number | null;
  tokenFile: string;
  /** True when the profile already had a login, now replaced. */
  replaced: boolean;
}

function importError(file: string, what: string, hint?: string): VuploadError {
  return new VuploadError('importInvalid', ExitCode.usage, `cannot import ${file}: ${what}`, { hint });
}

const KNOWN_FORMATS =
  'expected the JSON saved by Google\'s Python sample (oauth2client Storage, "_class": "OAuth2Credentials") ' +
  "or a Go oauth2 token file (youtubeuploader's request.token)";

/** A time string to epoch ms; Go's zero time and unparsable values mean "unknown" (then the first use refreshes). */
function parseExpiry(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  // oauth2client writes UTC without a zone on some versions; without one Date.parse would use local time.
  const text = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Recognises the file's format from its keys; `file` is only used in messages, which never quote token values. */
export function parseForeignCredentials(text: string, file: string): ForeignCredentials {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw importError(file, 'not valid JSON', KNOWN_FORMATS);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw importError(file, 'not a JSON object', KNOWN_FORMATS);
  }
  const j = json as Record<string, unknown>;
  let creds: ForeignCredentials;
  if (j._class === 'OAuth2Credentials' || ('token_expiry' in j && 'client_id' in j)) {
    const response =
      typeof j.token_response === 'object' && j.token_response !== null ? j.token_response : {};
    const scopes = Array.isArray(j.scopes)
      ? parseScopes(j.scopes.filter((s): s is string => typeof s === 'string'))
      : parseScopes(str((response as Record<string, unknown>).scope));
    creds = {
      format: 'oauth2client',
      clientId: str(j.client_id) || undefined,
      tokenUri: str(j.token_uri) || undefined,
      accessToken: str(j.access_token),
      refreshToken: str(j.refresh_token),
      tokenType: 'Bearer',
      expiryDate: parseExpiry(j.token_expiry),
      scopes,
    };
    if (!creds.clientId) throw importError(file, 'the oauth2client credentials have no client_id');
  } else if ('access_token' in j && ('expiry' in j || 'token_type' in j) && !('_class' in j)) {
    creds = {
      format: 'go-oauth2',
      accessToken: str(j.access_token),
      refreshToken: str(j.refresh_token),
      tokenType: str(j.token_type) || 'Bearer',
      expiryDate: parseExpiry(j.expiry),
      scopes: parseScopes(str(j.scope)),
    };
  } else {
    throw importError(file, 'unknown credentials format', KNOWN_FORMATS);
  }
  if (!creds.refreshToken) {
    throw importError(
      file,
      'it has no refresh_token, so the login would stop working within an hour',
      'log in with: vupload auth login',
    );
  }
  return creds;
}

/** Reads a foreign credentials file and saves it as `profile`'s login. */
export async function importCredentials(options: ImportOptions): Promise<ImportResult> {
  const profile = validateProfile(options.profile);
  const { file, secrets } = options;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw importError(file, code === 'ENOENT' ? 'file not found' : `cannot be read (${code})`);
  }
  const creds = parseForeignCredentials(text, file);
  const clientId = creds.clientId ?? secrets?.clientId;
  if (!clientId) {
    throw importError(
      file,
      'a Go oauth2 token does not say which OAuth client issued it',
      'pass the client_secrets.json it was made with (--client-secrets FILE)',
    );
  }
  if (secrets && clientId !== secrets.clientId) {
    throw importError(
      file,
      `it was issued to another OAuth client than the one in ${secrets.path}; a refresh token only works with its own client`,
      'use --client-secrets with the client_secrets.json of the tool that made it, or run: vupload auth login',
    );
  }
  // The saved token_uri decides where `auth logout --revoke` sends the refresh token.
  const tokenUri = checkCredentialUrl(
    creds.tokenUri ?? secrets?.tokenUri ?? GOOGLE_TOKEN_URI,
    `the token_uri of ${file}`,
  );
  if (secrets && !sameTokenIssuer(tokenUri, secrets.tokenUri)) {
    throw importError(file, `its token endpoint (${tokenUri}) is not the one in ${secrets.path}`);
  }
  const replaced = (await readToken(options.configDir, profile).catch(() => undefined)) !== undefined;
  const now = new Date((options.now ?? Date.now)()).toISOString();
  const token: StoredToken = {
    version: 1,
    profile,
    client_id: clientId,
    access_token: creds.accessToken,
    refresh_token: creds.refreshToken,
    expiry_date: creds.expiryDate,
    scope: creds.scopes.join(' '),
    token_type: creds.tokenType,
    token_uri: tokenUri,
    created_at: now,
    source: `import:${creds.format}`,
  };
  const tokenFile = await writeToken(options.configDir, token);
  return {
    profile,
    format: creds.format,
    clientId,
    scopes: creds.scopes,
    expiryDate: creds.expiryDate,
    tokenFile,
    replaced,
  };
}
