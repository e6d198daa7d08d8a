// This file reads Youku's error bodies and turns them into VuploadErrors with vupload's exit codes.
import { ExitCode, type ExitCodeValue, VuploadError } from '../../errors.js';
import { redactUrl } from '../../upload/index.js';

/** Youku error codes the client acts on (API-NOTES §10). */
export const YoukuCode = {
  serviceUnavailable: 1001,
  serviceException: 1002,
  invalidClientId: 1005,
  accessTokenExpired: 1009,
  missingParameter: 1012,
  invalidParameter: 1013,
  uploadTokenExpired: 120010223,
  sliceHashMismatch: 120010225,
  videoNotFound: 120020001,
} as const;

export interface YoukuErrorInfo {
  code: number;
  type?: string;
  description?: string;
}

/** `{"error":{"code":N,"type":"…","description":"…"}}` → its fields; undefined when the body is no such error. */
export function parseYoukuError(body: unknown): YoukuErrorInfo | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as Record<string, unknown>;
  const code = typeof e.code === 'number' ? e.code : Number(e.code);
  if (!Number.isFinite(code)) return undefined;
  return {
    code,
    type: typeof e.type === 'string' ? e.type : undefined,
    description: typeof e.description === 'string' ? e.description : undefined,
  };
}

function exitFor(code: number | undefined, status: number): ExitCodeValue {
  switch (code) {
    case YoukuCode.invalidClientId:
    case YoukuCode.accessTokenExpired:
      return ExitCode.auth;
    case YoukuCode.missingParameter:
    case YoukuCode.invalidParameter:
      return ExitCode.usage;
    case YoukuCode.serviceUnavailable:
    case YoukuCode.serviceException:
      return ExitCode.network;
    default:
      return code === undefined && status >= 500 ? ExitCode.network : ExitCode.api;
  }
}

/** An error answer from Youku (an error body, whatever the HTTP status, or a bare HTTP error). */
export class YoukuApiError extends VuploadError {
  readonly youkuCode?: number;
  readonly status: number;

  constructor(method: string, url: string, status: number, info: YoukuErrorInfo | undefined) {
    const safeUrl = redactUrl(url);
    const path = new URL(safeUrl).pathname;
    const why = info ? `${info.code}${info.description ? ` ${info.description}` : ''}` : `HTTP ${status}`;
    super('youku', exitFor(info?.code, status), `Youku refused ${method} ${path} (${status}): ${why}`, {
      http: { method, url: safeUrl, status, reason: info ? String(info.code) : undefined },
    });
    this.name = 'YoukuApiError';
    this.youkuCode = info?.code;
    this.status = status;
  }
}

/** Worth another try after a backoff: 5xx without a code, 1001 and 1002 (API-NOTES §10). */
export function isTransientYoukuError(error: unknown): boolean {
  if (!(error instanceof YoukuApiError)) return false;
  if (error.youkuCode === undefined)
    return error.status >= 500 || error.status === 429 || error.status === 408;
  return error.youkuCode === YoukuCode.serviceUnavailable || error.youkuCode === YoukuCode.serviceException;
}

export const hasYoukuCode = (error: unknown, code: number): boolean =>
  error instanceof YoukuApiError && error.youkuCode === code;
