// This file counts retries of one upload and waits before each: Retry-After when the server gave one, else backoff.

import { asProxyError } from '../net/proxy-errors.js';
import type { Clock } from './clock.js';
import { gaveUpError, networkError } from './errors.js';
import { DEFAULT_RETRIES, DEFAULT_TIME_BUDGET_MS, type UploadOptions } from './options.js';
import type { ProgressTracker } from './progress.js';
import { DEFAULT_MAX_DELAY_MS, gaveUpAfter, retryDelay } from './retry.js';

type BackoffOptions = Pick<
  UploadOptions,
  'retries' | 'random' | 'maxDelayMs' | 'timeBudgetMs' | 'onRetry' | 'signal'
>;

/**
 * Retries in a row are limited (`retries`); the count starts again whenever the server's offset moved forward
 * (tus-js-client habit, STYLE.md). No retry starts once the time budget since `startedAt` is spent.
 */
export class Backoff {
  /** Retries in a row since the offset last moved. */
  attempt = 0;
  /** Retries in this upload. */
  retries = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly clock: Clock,
    private readonly startedAt: number,
    private readonly progress: () => ProgressTracker,
  ) {}

  /** The server's offset moved forward: the next failure is a first one again. */
  moved(): void {
    this.attempt = 0;
  }

  /**
   * Waits before the next try, or throws networkError (exit 5) when the retries or the time budget are spent;
   * `error` is the failure that asked for the retry (a proxy's is reported as the proxy's).
   */
  async wait(reason: string, afterMs: number | undefined, error?: unknown): Promise<void> {
    this.attempt++;
    const limit = this.options.retries ?? DEFAULT_RETRIES;
    if (this.attempt > limit) throw gaveUpError(gaveUpAfter(limit), reason, error);
    const random = this.options.random ?? Math.random;
    const delayMs =
      afterMs ?? retryDelay(this.attempt, random, this.options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
    const budget = this.options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
    if (this.clock.now() + delayMs - this.startedAt > budget) {
      const spent = `the time budget of ${Math.round(budget / 1000)} s is spent`;
      throw asProxyError(error, `gave up: ${spent}`) ?? networkError(`gave up: ${spent} (${reason})`);
    }
    this.retries++;
    const progress = this.progress();
    progress.retries = this.retries;
    this.options.onRetry?.({ attempt: this.attempt, delayMs, reason });
    progress.flush();
    await this.clock.sleep(delayMs, this.options.signal);
  }
}
