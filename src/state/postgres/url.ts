// This file turns a postgres:// state URL plus the PG* environment into connection settings, and hides passwords.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { ConnectionOptions } from 'node:tls';
import { usageError } from '../../errors.js';

/** libpq's sslmode values (https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION). */
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
const SSL_MODES: readonly string[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** What a connection needs; the password is a non-enumerable property, so logging this object cannot show it. */
export interface ConnectionSettings {
  host: string;
  port: number;
  user: string;
  database: string;
  readonly password?: string;
  sslMode: SslMode;
  /** TLS options for the modes that use TLS; false for `disable`. */
  ssl: false | ConnectionOptions;
  applicationName: string;
  connectTimeoutMs: number;
  /** The URL with the password replaced, for messages: `postgres://user@host:port/db`. */
  display: string;
}

/** Query parameters understood in the URL; libpq's spelling. Anything else is refused, as libpq does. */
const PARAMS = [
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'application_name',
  'connect_timeout',
  'host',
  'port',
];

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`; also `password=…` parameters. Never throws. */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@]*):[^@/?#]*@/i, '$1:***@')
    .replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** Replaces every secret in `text` (raw and URL-encoded) with `***`. */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***');
  }
  return out;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/**
 * Settings from `url` (postgres:// or postgresql://), each missing part taken from the environment as libpq does:
 * PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, PGSSLROOTCERT, PGSSLCERT, PGSSLKEY, PGAPPNAME,
 * PGCONNECT_TIMEOUT. With no password anywhere, the driver reads PGPASSFILE / ~/.pgpass. Bad input → usage error
 * (exit 2) whose message never holds the password.
 */
export function parseStateUrl(url: string, env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(
      `The state URL ${redactUrl(url)} is not a valid URL.`,
      'Use postgres://USER:PASSWORD@HOST:PORT/DATABASE.',
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw usageError(`The state URL ${redactUrl(url)} must start with postgres:// or postgresql://.`);
  }
  const q = parsed.searchParams;
  for (const key of q.keys()) {
    if (!PARAMS.includes(key)) {
      throw usageError(
        `The state URL ${redactUrl(url)} has a parameter vupload does not know: ${key}.`,
        `Known parameters: ${PARAMS.join(', ')}.`,
      );
    }
  }
  const pick = (param: string, envName: string) => q.get(param) || env[envName] || undefined;
  const host =
    q.get('host') || decode(parsed.hostname).replace(/^\[(.*)\]$/, '$1') || env.PGHOST || 'localhost';
  const portText = q.get('port') || parsed.port || env.PGPORT || '5432';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw usageError(`The state URL ${redactUrl(url)} has an invalid port: ${portText}.`);
  }
  const user = decode(parsed.username) || env.PGUSER || userInfo().username;
  const database = decode(parsed.pathname.replace(/^\//, '')) || env.PGDATABASE || user;
  const password = decode(parsed.password) || env.PGPASSWORD || undefined;
  const sslMode = (pick('sslmode', 'PGSSLMODE') ?? 'prefer') as SslMode;
  if (!SSL_MODES.includes(sslMode)) {
    throw usageError(`Invalid sslmode ${JSON.stringify(sslMode)}: use one of ${SSL_MODES.join(', ')}.`);
  }
  const timeoutText = pick('connect_timeout', 'PGCONNECT_TIMEOUT') ?? '10';
  const timeoutSeconds = Number(timeoutText);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0) {
    throw usageError(`Invalid connect_timeout ${JSON.stringify(timeoutText)}: give seconds.`);
  }
  const ssl = tlsOptions(sslMode, {
    rootCert: pick('sslrootcert', 'PGSSLROOTCERT'),
    cert: pick('sslcert', 'PGSSLCERT'),
    key: pick('sslkey', 'PGSSLKEY'),
  });
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const settings: Omit<ConnectionSettings, 'password'> = {
    host,
    port,
    user,
    database,
    sslMode,
    ssl,
    applicationName: pick('application_name', 'PGAPPNAME') ?? 'vupload',
    // libpq: 0 means wait for ever; a state store that hangs for ever helps nobody, but the user asked for it.
    connectTimeoutMs: timeoutSeconds * 1000,
    display: `postgres://${encodeURIComponent(user)}@${hostPart}:${port}/${encodeURIComponent(database)}`,
  };
  Object.defineProperty(settings, 'password', { value: password, enumerable: false });
  return settings as ConnectionSettings;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw usageError(`Cannot read the ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? error}.`);
  }
}

/**
 * libpq's meaning of each mode: require encrypts without checking the certificate (unless a root certificate is
 * given: then it checks as verify-ca does); verify-ca checks the chain but not the host name; verify-full checks
 * both. allow and prefer try TLS and fall back to plain text (connect.ts), so they never check.
 */
function tlsOptions(
  mode: SslMode,
  files: { rootCert?: string; cert?: string; key?: string },
): false | ConnectionOptions {
  if (mode === 'disable') return false;
  const options: ConnectionOptions = {};
  if (files.rootCert) options.ca = readPem(files.rootCert, 'sslrootcert');
  if (files.cert) options.cert = readPem(files.cert, 'sslcert');
  if (files.key) options.key = readPem(files.key, 'sslkey');
  if (files.key) Object.defineProperty(options, 'key', { enumerable: false });
  const checkChainOnly = mode === 'verify-ca' || (mode === 'require' && files.rootCert !== undefined);
  if (checkChainOnly) {
    if (!options.ca)
      throw usageError('sslmode=verify-ca needs sslrootcert (or PGSSLROOTCERT): the CA to check against.');
    options.checkServerIdentity = () => undefined;
  } else if (mode !== 'verify-full') {
    options.rejectUnauthorized = false;
  }
  return options;
}
