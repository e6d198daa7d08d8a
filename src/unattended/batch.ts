// This file runs one upload per entry, one after another or N at a time, and sums the run up in one exit code.
import { ExitCode, type ExitCodeValue, interruptedError, isVuploadError, usageError } from '../errors.js';

/**
 * Which exit code a whole run reports when its files ended differently, worst first:
 *   143 / 130  interrupted: the run as a whole did not finish (re-running resumes); a shell's usual signal status
 *   3 auth     nothing more can work until a person logs in again
 *   4 quota    nothing more can work until the quota resets (cron can simply try again later)
 *   5 network  the next run will probably get through and resumes where this one stopped
 *   1 api      YouTube refused one file (something was sent; that file needs a look)
 *   2 usage    one entry was invalid and nothing was sent for it
 *   0 ok
 * The run-wide conditions rank above the per-file ones because they tell a cron wrapper what to do next, and among
 * them the one that needs a person ranks first. Codes outside this list count as 1.
 */
export const EXIT_SEVERITY: readonly ExitCodeValue[] = [
  ExitCode.sigterm,
  ExitCode.sigint,
  ExitCode.auth,
  ExitCode.quota,
  ExitCode.network,
  ExitCode.api,
  ExitCode.usage,
  ExitCode.ok,
];

/** The worst of `codes` by EXIT_SEVERITY; 0 for none. */
export function worstExitCode(codes: Iterable<number>): ExitCodeValue {
  let worst: ExitCodeValue = ExitCode.ok;
  const rank = (code: ExitCodeValue) => EXIT_SEVERITY.indexOf(code);
  for (const code of codes) {
    const known = (EXIT_SEVERITY as readonly number[]).includes(code)
      ? (code as ExitCodeValue)
      : ExitCode.api;
    if (rank(known) < rank(worst)) worst = known;
  }
  return worst;
}

/** A failure's exit code: a VuploadError's own; an abort is an interruption (130); anything else 1. */
export function exitCodeOf(error: unknown): ExitCodeValue {
  if (isVuploadError(error)) return error.exitCode;
  if (error instanceof Error && error.name === 'AbortError') return ExitCode.sigint;
  return ExitCode.api;
}

export type BatchResult<E, R> =
  | { index: number; entry: E; status: 'ok'; value: R; exitCode: 0 }
  | { index: number; entry: E; status: 'failed'; error: unknown; exitCode: ExitCodeValue }
  /** Never started: the run was interrupted first. */
  | { index: number; entry: E; status: 'skipped'; exitCode: ExitCodeValue };

export interface BatchOptions<E, R> {
  /** How many uploads run at once (default 1: one after another). */
  concurrency?: number;
  /** Does one entry; `index` is 0-based (the `{index}` template placeholder is index + 1). */
  uploadOne: (entry: E, index: number, signal: AbortSignal) => Promise<R>;
  /** Aborting it stops starting new entries; running ones get the signal and decide how to stop. */
  signal?: AbortSignal;
  exitCodeOf?: (error: unknown) => ExitCodeValue;
  onStart?: (entry: E, index: number) => void;
  /** Called as each entry ends (in completion order), e.g. to print its `--json` line. */
  onSettled?: (result: BatchResult<E, R>) => void;
}

/**
 * Runs `uploadOne` for every entry; a failure is recorded and the others go on. Returns the results in input
 * order and the run's exit code (worstExitCode of all of them).
 */
export async function runBatch<E, R>(
  entries: readonly E[],
  options: BatchOptions<E, R>,
): Promise<{ results: BatchResult<E, R>[]; exitCode: ExitCodeValue }> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw usageError(`--concurrency must be a whole number of at least 1 (got ${concurrency}).`);
  }
  const signal = options.signal ?? new AbortController().signal;
  const codeOf = options.exitCodeOf ?? exitCodeOf;
  const results: BatchResult<E, R>[] = new Array(entries.length);
  let callbackError: { error: unknown } | undefined;
  let next = 0;

  const settle = (result: BatchResult<E, R>) => {
    results[result.index] = result;
    try {
      options.onSettled?.(result);
    } catch (error) {
      callbackError ??= { error };
    }
  };

  const worker = async () => {
    while (next < entries.length) {
      const index = next++;
      const entry = entries[index]!;
      if (signal.aborted) {
        settle({ index, entry, status: 'skipped', exitCode: interruptedError(signal).exitCode });
        continue;
      }
      try {
        options.onStart?.(entry, index);
        const value = await options.uploadOne(entry, index, signal);
        settle({ index, entry, status: 'ok', value, exitCode: ExitCode.ok });
      } catch (error) {
        const code =
          signal.aborted && !isVuploadError(error) ? interruptedError(signal).exitCode : codeOf(error);
        settle({ index, entry, status: 'failed', error, exitCode: code });
      }
    }
  };

  await Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker));
  if (callbackError) throw callbackError.error;
  return { results, exitCode: worstExitCode(results.map((r) => r.exitCode)) };
}
