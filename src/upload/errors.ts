// This file builds the errors the upload engine throws: HTTP refusals with Google's reason, and the engine's own stops.
import { ExitCode, VuploadError } from '../errors.js';
import { asProxyError } from '../net/proxy-errors.js';

/** Query parameters that may carry a credential or a session capability; their values never reach a message. */
const SECRET_PARAMS = new Set([
  'access_token',
  'refresh_token',
  'token',
  'key',
  'code',
  'client_secret',
  'upload_id',
  'upload_token',
]);

/** The URL with the values of credential-like query parameters replaced, safe for messages and logs. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/([?&][^=&]*(?:token|key|secret|code|upload_id)[^=&]*=)[^&]*/gi, '$1REDACTED');
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMS.has(name.toLowerCase())) parsed.searchParams.set(name, 'REDACTED');
  }
  return parsed.toString();
}

export interface GoogleErrorInfo {
  /** The machine reason: `errors[0].reason` of a Data API error, or the OAuth `error` string. */
  reason?: string;
  /** Google's human message, if any. */
  message?: string;
}

/**
 * Reads Google's two error shapes: `{"error":{"code","message","errors":[{"reason"}]}}` (API-NOTES §2)
 * and OAuth's `{"error":"invalid_grant","error_description":"…"}` (API-NOTES §8). Anything else gives {}.
 */
export function parseGoogleError(bodyText: string): GoogleErrorInfo {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return {};
  }
  if (!isObject(body)) return {};
  const error = body.error;
  if (typeof error === 'string') {
    const description = body.error_description;
    return { reason: error, message: typeof description === 'string' ? description : undefined };
  }
  if (!isObject(error)) return {};
  const first = Array.isArray(error.errors) ? error.errors[0] : undefined;
  const reason = isObject(first) && typeof first.reason === 'string' ? first.reason : undefined;
  const fallbackReason = typeof error.status === 'string' ? error.status : undefined;
  const message = typeof error.message === 'string' ? error.message : undefined;
  return { reason: reason ?? fallbackReason, message };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A non-retryable HTTP answer. Exit 1 by default; the YouTube layer maps `reason` (quotaExceeded,
 * uploadLimitExceeded, invalidTitle …) to its own message and exit code.
 */
export class HttpError extends VuploadError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly bodyText: string;
  readonly reason?: string;
  readonly googleMessage?: string;
  readonly method: string;
  readonly url: string;

  constructor(
    method: string,
    url: string,
    status: number,
    headers: Readonly<Record<string, string | undefined>>,
    bodyText: string,
  ) {
    const info = parseGoogleError(bodyText);
    const safeUrl = redactUrl(url);
    const why = info.reason ? `${info.reason}${info.message ? `: ${info.message}` : ''}` : `HTTP ${status}`;
    super(
      'http',
      ExitCode.api,
      `the server refused ${method} ${new URL(safeUrl).pathname} (${status}): ${why}`,
      {
        http: {
          method,
          url: safeUrl,
          status,
          reason: info.reason,
          requestId: headers['x-guploader-uploadid'],
        },
      },
    );
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
    this.bodyText = bodyText;
    this.reason = info.reason;
    this.googleMessage = info.message;
    this.method = method;
    this.url = safeUrl;
  }
}

const RESUME_HINT = 're-running the same command resumes the upload where the server left it';

/** Retries or the time budget ran out (exit 5); the session is kept so a re-run resumes. */
export function networkError(message: string, cause?: unknown): VuploadError {
  return new VuploadError('network', ExitCode.network, message, { hint: RESUME_HINT, cause });
}

/**
 * Retries ran out (exit 5): `how` (e.g. "gave up after 2 retries") and the last failure's `reason`. When that failure
 * was the proxy's, the message names the proxy and what to check instead.
 */
export function gaveUpError(how: string, reason: string, error?: unknown): VuploadError {
  // The last failure stays as the cause: what it proves (a connection never made: upload/retry.ts neverConnected).
  return asProxyError(error, how) ?? networkError(`${how}: ${reason}`, error);
}

/** The caller aborted (Ctrl-C → 130, SIGTERM → 143); the session is kept so a re-run resumes. */
export function interruptedError(reason: unknown): VuploadError {
  const exitCode = reason === 'SIGTERM' ? ExitCode.sigterm : ExitCode.sigint;
  return new VuploadError('interrupted', exitCode, 'upload interrupted; the session is kept', {
    hint: RESUME_HINT,
  });
}

/** The file is not the one the session was started with, or it changed while being sent (exit 2). */
export function fileChangedError(path: string, what: string): VuploadError {
  return new VuploadError('fileChanged', ExitCode.usage, `${path} changed (${what}); nothing more was sent`, {
    hint: 'if the change is intended, run again with --restart to upload the new file from the beginning',
  });
}

/** The server said something the protocol does not allow; we stop instead of guessing (exit 1). */
export function protocolError(message: string): VuploadError {
  return new VuploadError('protocol', ExitCode.api, message, { hint: RESUME_HINT });
}

/** The server named a session URL the caller does not trust with the auth headers (exit 1); nothing went there. */
export function untrustedSessionError(uri: string): VuploadError {
  return new VuploadError(
    'protocol',
    ExitCode.api,
    `the server named an upload session at ${new URL(uri).origin}, which is neither the API's host nor a known ` +
      'upload host; nothing was sent there',
    { hint: 'check the API address; a session kept from an earlier run is discarded with --restart' },
  );
}
