// This file maps a failed PeerTube call to vupload's error contract: PeerTube's `detail` quoted, and the exit code
// (2 a request PeerTube found invalid, 3 the login, 4 the quota or size limit, 5 network or server, 1 otherwise).
import { ExitCode, VuploadError } from '../../errors.js';
import { localFileError } from '../../fs-errors.js';
import { asProxyError } from '../../net/proxy-errors.js';
import { HttpError } from '../../upload/errors.js';
import { isRetryableNetworkError } from '../../upload/retry.js';
import { PeerTubeApiError, type Problem, parseProblem } from './http.js';
import { peertubeLoginHint } from './tokens.js';

/** PeerTube's codes for an upload over the user's quota, or over the instance's size limit. */
const QUOTA_CODES = new Set(['quota_reached', 'max_file_size_reached']);
/** OAuth and account refusals of a login (lib/auth/oauth-handlers.ts, @node-oauth/oauth2-server). */
const LOGIN_CODES = new Set(['invalid_grant', 'invalid_client', 'account_blocked', 'invalid_two_factor']);

export interface PeerTubeErrorContext {
  /** What was being done, for the message: "upload clip.mp4 to PeerTube". */
  action: string;
  /** For the login command a 401 names. */
  profile?: string;
  instance?: string;
}

/** What PeerTube said: its detail and, for a validation failure, each field's message. */
export function describeProblem(problem: Problem): string {
  const fields = Object.entries(problem.invalidParams ?? {}).map(([field, msg]) => `${field}: ${msg}`);
  const detail = problem.detail ?? problem.title;
  const quoted = detail ? `"${detail}"` : '';
  return [quoted, ...fields].filter(Boolean).join('; ');
}

function failureOf(
  error: unknown,
): { method: string; url: string; status: number; problem: Problem } | undefined {
  if (error instanceof PeerTubeApiError) return error;
  if (error instanceof HttpError)
    return {
      method: error.method,
      url: error.url,
      status: error.status,
      problem: parseProblem(error.bodyText),
    };
  return undefined;
}

/** Any failure of a PeerTube call as a VuploadError; messages carry no token, password or upload id. */
export function mapPeerTubeError(error: unknown, c: PeerTubeErrorContext): VuploadError {
  if (error instanceof VuploadError && error.code !== 'http') return error;
  const proxy = asProxyError(error);
  if (proxy) return proxy;
  const failure = failureOf(error);
  if (!failure) {
    const local = localFileError(error);
    if (local) return local;
    const message = error instanceof Error ? error.message : String(error);
    if (isRetryableNetworkError(error) || /ENOTFOUND|EAI_AGAIN|ECONNREFUSED/.test(message)) {
      const code = (error as { code?: string }).code ?? message;
      return new VuploadError(
        'network',
        ExitCode.network,
        `Could not ${c.action}: the instance cannot be reached (${code}).`,
        {
          hint: 'Check the connection and the instance address; running the command again is safe.',
        },
      );
    }
    return new VuploadError('unexpected', ExitCode.api, `Could not ${c.action}: ${message}.`);
  }
  const { status, problem } = failure;
  const said = describeProblem(problem);
  const code = problem.code;
  const http = { method: failure.method, url: failure.url, status, ...(code ? { reason: code } : {}) };
  const text = `Could not ${c.action}: PeerTube answered ${status}${said ? ` ${said}` : ''}${code ? ` (${code})` : ''}.`;
  const make = (name: string, exit: (typeof ExitCode)[keyof typeof ExitCode], hint?: string) =>
    new VuploadError(name, exit, text, { ...(hint ? { hint } : {}), http });
  const login = peertubeLoginHint(c.profile ?? 'default', c.instance);
  if (status === 401)
    return make('unauthorized', ExitCode.auth, `The login was refused; log in again: ${login}`);
  if (code && LOGIN_CODES.has(code)) return make(code, ExitCode.auth, `Log in again: ${login}`);
  if ((status === 403 || status === 413) && code && QUOTA_CODES.has(code))
    return make(code, ExitCode.quota, 'See what is used and left: vupload quota --provider peertube');
  if (status === 400 || status === 415)
    return make(code ?? 'invalid', ExitCode.usage, 'Fix the value PeerTube names and run again.');
  if (status === 408 || status === 429 || status >= 500)
    return make(code ?? `http${status}`, ExitCode.network, 'Running the same command again is safe.');
  if (status === 404) return make('notFound', ExitCode.api);
  return make(code ?? `http${status}`, ExitCode.api);
}
