// This file finds and validates the OAuth client's client_secrets.json (API-NOTES §8, docs/login.md
// "Getting a client_secrets.json").
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CredentialFiles } from '../../../credential-files.js';
import { checkCredentialUrl } from '../../../credential-url.js';
import { docsSection } from '../../../docs.js';
import { authError, type VuploadError } from '../../../errors.js';
import { assertPrivateDir } from '../../../fsutil.js';
import { configDir, type Env } from '../../../paths.js';

export const GOOGLE_AUTH_URI = 'https://accounts.google.com/o/oauth2/v2/auth';
export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
export const GOOGLE_REVOKE_URI = 'https://oauth2.googleapis.com/revoke';
/** How to get client secrets, from the docs on this machine; and how to try vupload without them. */
export function secretsHint(): string {
  return (
    `How to get one: ${docsSection('docs/login.md', 'Getting a client_secrets.json')}. ` +
    'To try vupload offline first, without a Google account: vupload sandbox'
  );
}

/** Hosts whose token endpoints are Google's (old and new spellings), so the revoke URL is Google's too. */
const GOOGLE_TOKEN_HOSTS = new Set(['oauth2.googleapis.com', 'accounts.google.com', 'www.googleapis.com']);

export interface ClientSecrets {
  clientId: string;
  clientSecret: string;
  authUri: string;
  tokenUri: string;
  revokeUri: string;
  redirectUris: string[];
  shape: 'installed' | 'web';
  /** The file they were read from (absolute). */
  path: string;
}

export interface LoadClientSecretsOptions {
  /** `--client-secrets FILE`. */
  flag?: string;
  env: Env;
  cwd: string;
  configDir: string;
}

function secretsError(file: string, what: string, cause?: unknown): VuploadError {
  return authError('clientSecrets', `client secrets ${file}: ${what}`, secretsHint(), cause);
}

/**
 * Finds client secrets in this order: `--client-secrets FILE`, `$VUPLOAD_CLIENT_SECRETS`,
 * `./client_secrets.json` (where Google's classic sample looks), `<configDir>/client_secrets.json`.
 * A file named by the flag or the variable must exist; there is no falling through past it.
 */
export async function loadClientSecrets(options: LoadClientSecretsOptions): Promise<ClientSecrets> {
  const { named, candidates } = clientSecretsCandidates(options);
  if (named) {
    const text = await readIfExists(named);
    if (text === undefined) throw secretsError(named, 'file not found');
    return parseClientSecrets(text, named);
  }
  for (const file of candidates) {
    // Another user who can write the config directory must not be able to plant the OAuth client.
    if (file === candidates[1]) await assertPrivateDir(options.configDir, 'config directory');
    const text = await readIfExists(file);
    if (text !== undefined) return parseClientSecrets(text, file);
  }
  throw authError(
    'clientSecrets',
    `no client secrets found: neither ${candidates.join(' nor ')} exists, and neither --client-secrets nor VUPLOAD_CLIENT_SECRETS is set`,
    secretsHint(),
  );
}

/**
 * Where loadClientSecrets looks: the file the flag or the variable names (absolute), else the two default places in
 * order. The credential-file rule (src/credential-files.ts) uses the same answer, so what is read as the client
 * secrets is never read as content.
 */
export function clientSecretsCandidates(options: LoadClientSecretsOptions): {
  named?: string;
  candidates: string[];
} {
  const named = options.flag ?? options.env.VUPLOAD_CLIENT_SECRETS;
  if (named) return { named: resolve(options.cwd, named), candidates: [] };
  return {
    candidates: [
      join(resolve(options.cwd), CLIENT_SECRETS_FILE),
      join(options.configDir, CLIENT_SECRETS_FILE),
    ],
  };
}

/** The name Google's sample and vupload look for. */
export const CLIENT_SECRETS_FILE = 'client_secrets.json';

/** The file's text, or undefined when it does not exist; any other failure names the file. */
async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw secretsError(file, `cannot be read (${code ?? 'unknown error'})`);
  }
}

/** Placeholder texts from Google's sample and from client_secrets.example.json that mean "not filled in". */
function isPlaceholder(value: string): boolean {
  return /\[\[.*\]\]/.test(value) || /^YOUR_CLIENT_(ID|SECRET)\b/i.test(value);
}

function optionalUrl(file: string, section: Record<string, unknown>, key: string, fallback: string): string {
  const value = section[key];
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string' || !/^https?:\/\/[^/]/.test(value) || !URL.canParse(value)) {
    throw secretsError(file, `"${key}" is not an http(s) URL`);
  }
  // The client secret, the authorization code and the refresh token go to these endpoints.
  return checkCredentialUrl(value, `client secrets ${file}: "${key}"`);
}

/** Google's revoke URL for Google's token endpoint, else `<origin of token_uri>/revoke` (e.g. the sandbox). */
export function revokeUriFor(tokenUri: string): string {
  const url = new URL(tokenUri);
  return GOOGLE_TOKEN_HOSTS.has(url.hostname) ? GOOGLE_REVOKE_URI : `${url.origin}/revoke`;
}

/** True when two token endpoints belong to the same issuer: Google's spellings count as one, others by origin. */
export function sameTokenIssuer(a: string, b: string): boolean {
  if (!URL.canParse(a) || !URL.canParse(b)) return a === b;
  const [ua, ub] = [new URL(a), new URL(b)];
  if (GOOGLE_TOKEN_HOSTS.has(ua.hostname) && GOOGLE_TOKEN_HOSTS.has(ub.hostname)) return true;
  return ua.origin === ub.origin;
}

/** Parses the text of a client_secrets.json; `file` is only used in messages. */
export function parseClientSecrets(text: string, file: string): ClientSecrets {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw secretsError(file, 'is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw secretsError(file, 'is not a JSON object');
  }
  const root = json as Record<string, unknown>;
  const shape = root.installed !== undefined ? 'installed' : root.web !== undefined ? 'web' : undefined;
  if (!shape) throw secretsError(file, 'has neither an "installed" nor a "web" section');
  const section = root[shape];
  if (typeof section !== 'object' || section === null) {
    throw secretsError(file, `"${shape}" is not an object`);
  }
  const s = section as Record<string, unknown>;
  const clientId = typeof s.client_id === 'string' ? s.client_id.trim() : '';
  if (!clientId) throw secretsError(file, `has no ${shape}.client_id`);
  if (isPlaceholder(clientId)) {
    throw secretsError(
      file,
      `${shape}.client_id is still the placeholder from the example; put your client's id in`,
    );
  }
  const clientSecret = typeof s.client_secret === 'string' ? s.client_secret.trim() : '';
  if (!clientSecret) throw secretsError(file, `has no ${shape}.client_secret`);
  if (isPlaceholder(clientSecret)) {
    throw secretsError(file, `${shape}.client_secret is still the placeholder from the example`);
  }
  const redirectUris = Array.isArray(s.redirect_uris)
    ? s.redirect_uris.filter((u): u is string => typeof u === 'string')
    : [];
  const authUri = optionalUrl(file, s, 'auth_uri', GOOGLE_AUTH_URI);
  const tokenUri = optionalUrl(file, s, 'token_uri', GOOGLE_TOKEN_URI);
  // `revoke_uri` is not part of Google's format; the sandbox and oauth2client-era files carry it.
  const revokeUri = optionalUrl(file, s, 'revoke_uri', revokeUriFor(tokenUri));
  return { clientId, clientSecret, authUri, tokenUri, revokeUri, redirectUris, shape, path: file };
}

/**
 * YouTube's credential files for the never-content rule: the client secrets the flag and the variable name, and the
 * two default places (the token files are in the config directory, refused as a whole), plus any file named like
 * Google's download (`client_secret_<id>.apps.googleusercontent.com.json`) or the sample's `client_secrets.json`.
 */
export const youtubeCredentialFiles: CredentialFiles = {
  files: ({ env, cwd, clientSecrets }) => {
    const config = configDir(env);
    const named = [
      ['--client-secrets', clientSecrets],
      ['VUPLOAD_CLIENT_SECRETS', env.VUPLOAD_CLIENT_SECRETS],
    ].flatMap(([source, file]) =>
      file ? [{ path: resolve(cwd, file), what: `the client secrets file (${source})` }] : [],
    );
    const defaults = clientSecretsCandidates({ env: {}, cwd, configDir: config }).candidates.map((path) => ({
      path,
      what: 'a client secrets file vupload reads',
    }));
    return [...named, ...defaults];
  },
  names: [
    { pattern: /^client_secrets?(?:[_.-].*)?\.json$/i, what: 'a client secrets file (client_secret*.json)' },
  ],
};
