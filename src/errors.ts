// This file defines vupload's one error type and the exit codes scripts rely on (documented in docs/output.md
// "Output contract (for scripts)").

export const ExitCode = {
  ok: 0,
  /** The API refused, or something unexpected happened. */
  api: 1,
  /** Bad usage or invalid input; nothing was sent. */
  usage: 2,
  /** Authentication needed or rejected. */
  auth: 3,
  /** Quota or upload limit exceeded; try later. */
  quota: 4,
  /** Network or server failure after all retries; re-running resumes. */
  network: 5,
  sigint: 130,
  sigterm: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface HttpDetails {
  method?: string;
  /** URL with every token and secret removed. */
  url?: string;
  status?: number;
  /** The API's machine reason (e.g. `invalidTitle`, `quotaExceeded`). */
  reason?: string;
  requestId?: string;
}

export interface VuploadErrorOptions {
  /** What to do next, one line for a human. */
  hint?: string;
  http?: HttpDetails;
  cause?: unknown;
}

/** The one error type: a machine code, an exit status, a human message and optional HTTP details. */
export class VuploadError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly hint?: string;
  readonly http?: HttpDetails;

  constructor(code: string, exitCode: ExitCodeValue, message: string, options: VuploadErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VuploadError';
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options.hint;
    this.http = options.http;
  }
}

/** Bad usage or invalid input, found before anything was sent (exit 2). */
export function usageError(message: string, hint?: string): VuploadError {
  return new VuploadError('usage', ExitCode.usage, message, { hint });
}

/** Authentication is missing, expired or refused (exit 3). */
export function authError(code: string, message: string, hint?: string, cause?: unknown): VuploadError {
  return new VuploadError(code, ExitCode.auth, message, { hint, cause });
}

export function isVuploadError(error: unknown): error is VuploadError {
  return error instanceof VuploadError;
}

/** The error for a call cut short by Ctrl-C or SIGTERM (the signal's reason is 'SIGINT' or 'SIGTERM'). */
export function interruptedError(signal: AbortSignal): VuploadError {
  const term = signal.reason === 'SIGTERM';
  return new VuploadError('interrupted', term ? ExitCode.sigterm : ExitCode.sigint, 'Interrupted.');
}

/** A failure that is not a VuploadError yet (a provider without a mapping of its own): exit 1, its message kept. */
export function unexpectedError(error: unknown, action: string): VuploadError {
  if (isVuploadError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new VuploadError('unexpected', ExitCode.api, `Could not ${action}: ${message}.`, { cause: error });
}

/** How an error appears in --json output, the same for every command (docs/output.md "JSON output"). */
export interface ErrorJson {
  code: string;
  message: string;
  exitCode: number;
  hint?: string;
}

export function errorJson(error: unknown): ErrorJson {
  if (!isVuploadError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return { code: 'unexpected', message, exitCode: ExitCode.api };
  }
  return {
    code: error.code,
    message: error.message,
    exitCode: error.exitCode,
    ...(error.hint ? { hint: error.hint } : {}),
  };
}
