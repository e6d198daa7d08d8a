// This file turns Vimeo's error answers ({error, developer_message, error_code, invalid_parameters}: api.yaml
// components/schemas/error) and any other failure of a Vimeo call into a VuploadError with vupload's exit codes.
import { ExitCode, isVuploadError, unexpectedError, VuploadError } from '../../errors.js';
import { asProxyError } from '../../net/proxy-errors.js';
import { HttpError } from '../../upload/errors.js';
import { vimeoLoginHint } from './token-store.js';

/** What Vimeo's error body says (any field may be missing; OAuth's endpoints answer {error, error_description}). */
export interface VimeoErrorInfo {
  error?: string;
  developerMessage?: string;
  errorCode?: number;
  invalid: Array<{ field: string; error: string }>;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

export function parseVimeoError(body: string): VimeoErrorInfo {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return { invalid: [] };
  }
  if (typeof json !== 'object' || json === null) return { invalid: [] };
  const list = Array.isArray(json.invalid_parameters) ? json.invalid_parameters : [];
  const invalid = list.flatMap((p) => {
    const item = (p ?? {}) as Record<string, unknown>;
    const field = text(item.field);
    const why = text(item.error) ?? text(item.developer_message);
    return field ? [{ field, error: why ?? 'invalid' }] : [];
  });
  const code = Number(json.error_code);
  return {
    ...(text(json.error) ? { error: text(json.error) } : {}),
    ...(text(json.developer_message) || text(json.error_description)
      ? { developerMessage: text(json.developer_message) ?? text(json.error_description) }
      : {}),
    ...(Number.isInteger(code) && code > 0 ? { errorCode: code } : {}),
    invalid,
  };
}

/** `"The user's maximum disk space has been reached." (error_code 4101)`: Vimeo's words, quoted. */
export function quoteVimeo(info: VimeoErrorInfo, status: number): string {
  const words = [info.error, info.developerMessage].filter(
    (w, i, all): w is string => w !== undefined && all.indexOf(w) === i,
  );
  const said = words.length ? words.map((w) => `"${w}"`).join(' — ') : `HTTP ${status}`;
  const fields = info.invalid.length
    ? ` [${info.invalid.map((p) => `${p.field}: ${p.error}`).join('; ')}]`
    : '';
  return `${said}${info.errorCode ? ` (error_code ${info.errorCode})` : ''}${fields}`;
}

/** Upload quota (api.yaml upload_video_alt1: 4101 disk space, 4102 the period's quota; 4100s are quota codes). */
const isQuotaCode = (code: number | undefined) => code !== undefined && code >= 4100 && code < 4200;

/**
 * The error for Vimeo's answer `status` with `body` to what was being done (`action` completes "Could not …").
 * 401 is the login (exit 3); a quota code (exit 4); a refused parameter (exit 2); 429 and 5xx a failure that a
 * later run may not meet (exit 5); the rest exit 1.
 */
export function vimeoHttpError(
  status: number,
  body: string,
  where: { method: string; path: string; action: string; profile?: string },
): VuploadError {
  const info = parseVimeoError(body);
  const http = { method: where.method, url: where.path, status, reason: info.errorCode?.toString() };
  const said = `Vimeo refused to ${where.action}: ${quoteVimeo(info, status)}.`;
  const profile = where.profile ?? 'default';
  if (status === 401)
    return new VuploadError('notLoggedIn', ExitCode.auth, said, { hint: vimeoLoginHint(profile), http });
  if (isQuotaCode(info.errorCode) || (status === 403 && /quota|space/i.test(info.developerMessage ?? '')))
    return new VuploadError('quotaExceeded', ExitCode.quota, said, {
      hint: 'See `vupload quota --provider vimeo`; free space on Vimeo, or wait for the weekly allowance.',
      http,
    });
  if (status === 403 && /scope/i.test(`${info.error} ${info.developerMessage}`))
    return new VuploadError('missingScope', ExitCode.auth, said, {
      hint: `The login lacks a permission this needs; ${vimeoLoginHint(profile)}`,
      http,
    });
  if (status === 400 || (status === 403 && info.invalid.length > 0))
    return new VuploadError('invalidParameters', ExitCode.usage, said, {
      hint: 'Check the values given (vupload checks what it can before sending; Vimeo has the last word).',
      http,
    });
  if (status === 429 || status >= 500)
    return new VuploadError(status === 429 ? 'rateLimited' : 'vimeoUnavailable', ExitCode.network, said, {
      hint: 're-running the same command goes on where this one stopped',
      http,
    });
  return new VuploadError(status === 404 ? 'notFound' : 'vimeo', ExitCode.api, said, { http });
}

/** Any failure of a Vimeo call (the engine's HttpError, a network error, ours) as a VuploadError. */
export function mapVimeoError(error: unknown, action: string, profile?: string): VuploadError {
  if (error instanceof HttpError)
    return vimeoHttpError(error.status, error.bodyText, {
      method: error.method,
      // The upload link is a capability (anyone holding it can write the video): never in a message.
      path: error.method === 'POST' ? new URL(error.url).pathname : '<upload link>',
      action,
      ...(profile ? { profile } : {}),
    });
  if (isVuploadError(error)) return error;
  return asProxyError(error) ?? unexpectedError(error, action);
}
