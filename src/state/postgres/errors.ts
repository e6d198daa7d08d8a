// This file maps driver and network failures of the state database to vupload's errors and exit codes.
import { ExitCode, VuploadError } from '../../errors.js';
import { scrubSecrets } from './url.js';

/** Node's errno codes that mean the database could not be reached or the connection broke. */
const NETWORK_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ENOENT', // a Unix-socket host whose socket file is missing: the server is not running there
]);

/** pg's own messages for a connection that failed without an errno. */
const NETWORK_MESSAGES =
  /Connection terminated|timeout expired|connection timeout|server does not support SSL|Client has encountered a connection error|socket hang up/i;

/**
 * SQLSTATE classes (https://www.postgresql.org/docs/current/errcodes-appendix.html): 08 connection exception,
 * 57P01-57P03 the server shutting down or starting, 53300 too many connections: all "try again later".
 */
function isTransientSqlState(code: string): boolean {
  return (
    code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300'
  );
}

/** The driver's error code: a 5-character SQLSTATE from the server or a Node errno. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The SQLSTATE of a server error, also when wrapped by stateError (as its cause). */
export function sqlState(error: unknown): string | undefined {
  const code = codeOf(error instanceof VuploadError ? error.cause : error);
  return code?.length === 5 ? code : undefined;
}

/** Whether `error` means the database is unreachable or went away (the caller may retry later). */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof VuploadError) return error.code === 'stateUnreachable';
  const code = codeOf(error);
  if (code && (NETWORK_ERRNO.has(code) || (code.length === 5 && isTransientSqlState(code)))) return true;
  if (code?.startsWith('ERR_TLS') || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code ?? '')) return true;
  return NETWORK_MESSAGES.test((error as Error)?.message ?? '');
}

/**
 * A VuploadError for a failure talking to the state database at `display` (the URL without its password).
 * Unreachable → code stateUnreachable, exit 5 (network); login refused → stateAuth, exit 3; unknown database →
 * stateConfig, exit 2; anything else → stateError, exit 1. Every message is scrubbed of `secrets`.
 */
export function stateError(
  error: unknown,
  display: string,
  secrets: readonly (string | undefined)[],
): VuploadError {
  if (error instanceof VuploadError) return error;
  const code = codeOf(error);
  const raw = scrubSecrets((error as Error)?.message ?? String(error), secrets);
  const detail = code && !raw.includes(code) ? `${raw} (${code})` : raw;
  // The driver's own error goes no further: `--verbose` prints a cause with its stack, which must hold no secret.
  const cause = Object.assign(new Error(raw), code ? { code } : {});
  if (isUnreachable(error)) {
    return new VuploadError(
      'stateUnreachable',
      ExitCode.network,
      `Could not reach the state database at ${display}: ${detail}.`,
      {
        hint: 'Check --state-url / VUPLOAD_STATE_URL and that the database is running; running the command again is safe.',
        cause,
      },
    );
  }
  if (code === '28P01' || code === '28000' || /password must be a string/.test(raw)) {
    return new VuploadError(
      'stateAuth',
      ExitCode.auth,
      `The state database at ${display} refused the login: ${detail}.`,
      {
        hint: 'Check the user and password (URL, PGPASSWORD, or ~/.pgpass with mode 0600).',
        cause,
      },
    );
  }
  if (code === '3D000') {
    return new VuploadError(
      'stateConfig',
      ExitCode.usage,
      `The state database at ${display} does not exist: ${detail}.`,
      {
        hint: 'Create it (createdb), or name an existing database in the URL.',
        cause,
      },
    );
  }
  return new VuploadError('stateError', ExitCode.api, `The state database at ${display} failed: ${detail}.`, {
    cause,
  });
}
