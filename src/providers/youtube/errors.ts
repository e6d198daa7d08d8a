// This file turns any failure of a YouTube call (gaxios error, upload HttpError, network error) into a VuploadError.
import { ExitCode, type HttpDetails, VuploadError } from '../../errors.js';
import { fileSystemFailure, localFileError } from '../../fs-errors.js';
import { asProxyError } from '../../net/proxy-errors.js';
import { quotaResetText } from '../../unattended/quota-day.js';
import { type ApiOperation, REQUIRED_SCOPE } from './quota.js';
import { OPERATION_REASONS, REASONS, type ReasonInfo, STATUS_REASONS, statusInfo } from './reasons.js';

/** What vupload could learn about a failed request; `url` has its secrets removed. */
export interface HttpFailure {
  status?: number;
  reason?: string;
  apiMessage?: string;
  method?: string;
  url?: string;
  retryAfterMs?: number;
  requestId?: string;
  /** `ECONNREFUSED`, `ETIMEDOUT`, … when no answer arrived. */
  networkCode?: string;
}

export interface MapContext {
  operation?: ApiOperation;
  /** What was being done, completing "Could not …", e.g. `update video abc123`. */
  action?: string;
  /** How many attempts were made (mentioned when more than one). */
  attempts?: number;
  now?: Date;
  /** For the quota reset time in the user's zone; the system zone by default. */
  timeZone?: string;
}

type Rec = Record<string, unknown>;
const rec = (value: unknown): Rec | undefined =>
  typeof value === 'object' && value !== null ? (value as Rec) : undefined;
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** Removes access/refresh tokens, bearer headers and secret query parameters from text meant for humans. */
export function redactSecrets(text: string): string {
  return text
    .replace(/ya29\.[\w.-]+/g, 'ya29.[redacted]')
    .replace(/\b1\/\/[\w.-]{20,}/g, '[redacted]')
    .replace(/(Bearer\s+)[^\s"',]+/gi, '$1[redacted]')
    .replace(
      /\b(access_token|refresh_token|id_token|client_secret|code|token|key|upload_id)=([^&\s"']+)/gi,
      '$1=[redacted]',
    );
}

function header(headers: unknown, name: string): string | undefined {
  const h = rec(headers);
  if (!h) return undefined;
  if (typeof h.get === 'function') return str((h.get as (n: string) => unknown).call(h, name) ?? undefined);
  const key = Object.keys(h).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : h[key];
  return str(Array.isArray(value) ? value[0] : value);
}

function parseBody(body: unknown): Rec | undefined {
  if (typeof body === 'string') {
    try {
      return rec(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  if (body instanceof Uint8Array) return parseBody(Buffer.from(body).toString('utf8'));
  return rec(body);
}

/** The code of a 2xx answer that is not the JSON it should be (cut short): retried like a lost connection. */
export const CUT_ANSWER = 'ECUTANSWER';

function networkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    const e = rec(current);
    const code = str(e?.code);
    if (code && /^(E[A-Z_]+|UND_ERR_\w+)$/.test(code)) return code;
    if (e?.name === 'TimeoutError') return 'ETIMEDOUT';
    current = e?.cause ?? e?.error;
  }
  return undefined;
}

/**
 * Reads status, reason, message and headers from a gaxios error (`err.response.{status,data,headers}`), the upload
 * engine's HttpError (`{status, headers, body, reason, method, url}`) or a plain `{status, body}`.
 */
export function httpFailure(err: unknown, now = Date.now()): HttpFailure {
  const e = rec(err) ?? {};
  const response = rec(e.response);
  const config = rec(e.config);
  const status = Number(response?.status ?? e.status) || undefined;
  const body = parseBody(response ? response.data : e.body);
  const error = body?.error;
  const items = rec(error)?.errors;
  const first = rec(Array.isArray(items) ? items[0] : undefined);
  const headers = response?.headers ?? e.headers;
  const failure: HttpFailure = {
    status,
    // The OAuth token endpoint answers {"error":"invalid_grant","error_description":"…"} (API-NOTES §8).
    reason: str(e.reason) ?? str(first?.reason) ?? str(error),
    apiMessage: str(first?.message) ?? str(rec(error)?.message) ?? str(body?.error_description),
    method: str(config?.method ?? e.method)?.toUpperCase(),
    url:
      config?.url !== undefined || e.url !== undefined
        ? redactSecrets(String(config?.url ?? e.url))
        : undefined,
    requestId: header(headers, 'x-request-id') ?? header(headers, 'x-guploader-uploadid'),
    // A failed file call (reading a thumbnail, writing a session) is local: no network code, so it is not retried.
    networkCode: status === undefined && !fileSystemFailure(err) ? networkCode(err) : undefined,
  };
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(seconds)) failure.retryAfterMs = Math.max(0, seconds * 1000);
    else if (Number.isFinite(at)) failure.retryAfterMs = Math.max(0, at - now);
  }
  return failure;
}

function sanitizedCause(err: unknown): Error | undefined {
  if (!(err instanceof Error)) return undefined;
  const original = err;
  const copy = new Error(redactSecrets(original.message));
  copy.name = original.name;
  if (original.stack) copy.stack = redactSecrets(original.stack);
  return copy;
}

/**
 * Maps a failed YouTube call to a VuploadError: a one-line message (what failed, the API's reason), a hint (what
 * to do next) and the exit code (1 refused, 3 auth, 4 quota, 5 network/server). The cause kept is a copy without
 * the request's headers, so no token can leak through --verbose. A failed file-system call (the video, a move after
 * the upload, the state directory) is local: exit 1 naming the path (src/fs-errors.ts), never "network".
 */
export function mapApiError(err: unknown, context: MapContext = {}): VuploadError {
  // Already mapped errors pass through; the upload engine's HttpError (code 'http') carries a raw API answer to map.
  if (err instanceof VuploadError && err.code !== 'http') return err;
  // The proxy's own failure (down, refusing the login) is not YouTube's: it is named, with what to check.
  const proxy = asProxyError(
    err,
    context.attempts && context.attempts > 1 ? `gave up after ${context.attempts} attempts` : undefined,
  );
  if (proxy) return proxy;
  const now = context.now ?? new Date();
  const failure = httpFailure(err, now.getTime());
  const action = context.action ?? 'complete the YouTube API request';
  const attempts =
    context.attempts && context.attempts > 1 ? ` Gave up after ${context.attempts} attempts.` : '';
  const http: HttpDetails = {
    method: failure.method,
    url: failure.url,
    status: failure.status,
    reason: failure.reason,
    requestId: failure.requestId,
  };
  const cause = sanitizedCause(err);
  if (failure.status === undefined && failure.reason === undefined) {
    const local = localFileError(err);
    if (local) return local;
    const message = err instanceof Error ? redactSecrets(err.message) : String(err);
    if (failure.networkCode === CUT_ANSWER)
      return new VuploadError(
        'network',
        ExitCode.network,
        `YouTube's answer to ${action} was cut short or is not JSON.${attempts}`,
        {
          hint: 'Running the same command again asks YouTube what was done before doing the rest.',
          http,
          cause,
        },
      );
    if (failure.networkCode || /fetch failed|socket hang up|network/i.test(message)) {
      return new VuploadError(
        'network',
        ExitCode.network,
        `Could not reach the YouTube API to ${action} (${failure.networkCode ?? message}).${attempts}`,
        {
          hint: 'Check the connection (and --api-url / VUPLOAD_API_URL); running the command again is safe.',
          http,
          cause,
        },
      );
    }
    return new VuploadError('unexpected', ExitCode.api, `Could not ${action}: ${message}`, { http, cause });
  }
  const reason = failure.reason;
  const known: ReasonInfo | undefined =
    reason === undefined
      ? undefined
      : (OPERATION_REASONS[`${context.operation}:${reason}`] ??
        STATUS_REASONS[`${failure.status}:${reason}`] ??
        REASONS[reason]);
  const info = known ?? statusInfo(failure.status ?? 0);
  const detail = !known && failure.apiMessage ? `: ${redactSecrets(failure.apiMessage)}` : '';
  let hint = info.hint;
  if (reason === 'quotaExceeded' || reason === 'dailyLimitExceeded')
    hint = quotaResetText(now, context.timeZone);
  if (reason === 'insufficientPermissions' && context.operation) {
    hint = `This needs the ${REQUIRED_SCOPE[context.operation]} scope: log in again with every scope and grant it: \`vupload auth login --scope all\`.`;
  }
  if (!hint && info.exit === ExitCode.network) hint = 'Running the same command again is safe.';
  const message = `Could not ${action}: ${info.text}${detail}${reason ? ` (${reason})` : ''}.${info.exit === ExitCode.network ? attempts : ''}`;
  const code = reason ?? `http${failure.status}`;
  return new VuploadError(code, info.exit, message, { hint, http, cause });
}

export { interruptedError } from '../../errors.js';
export { nextQuotaReset, quotaResetText } from '../../unattended/quota-day.js';
