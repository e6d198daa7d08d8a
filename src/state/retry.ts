// This file retries a write to the state store while the store cannot be reached, with backoff, until it answers.

import { interruptedError } from '../errors.js';
import type { Clock } from '../upload/clock.js';
import type { StateStore } from './store.js';

/** How long a finished upload's record is retried before the run gives up (its kept session still finds it). */
export const RECORD_PATIENCE_MS = 60 * 60_000;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 15_000;

/**
 * Runs `write`; while it fails because the store cannot be reached (a database restarting, a network gone), waits
 * 0.5 s, 1 s, 2 s … (at most 15 s) and tries again, for up to `patienceMs`. Any other failure, the patience spent or
 * an interruption (`signal`) ends it with that error. `onWait` is told before each wait.
 */
export async function untilReachable<T>(
  store: Pick<StateStore, 'isUnreachable'>,
  write: () => Promise<T>,
  options: {
    clock: Clock;
    signal?: AbortSignal;
    patienceMs?: number;
    onWait?: (error: unknown, attempt: number) => void;
  },
): Promise<T> {
  const { clock, signal } = options;
  const giveUpAt = clock.now() + (options.patienceMs ?? RECORD_PATIENCE_MS);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!store.isUnreachable(error) || clock.now() >= giveUpAt) throw error;
      if (signal?.aborted) throw interruptedError(signal);
      options.onWait?.(error, attempt);
      const delayMs = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (attempt - 1), giveUpAt - clock.now());
      try {
        await clock.sleep(delayMs, signal);
      } catch (sleepError) {
        if (signal?.aborted) throw interruptedError(signal);
        throw sleepError;
      }
    }
  }
}
