// This file asks the server what became of a session an earlier run saved but cannot continue (an upload from a pipe,
// whose bytes are gone): it finished (here is the video), it holds part of the bytes, or it is gone.
import { FinalAnswers, RefreshOnce, retryStep, tryStep } from './answers.js';
import { Backoff } from './backoff.js';
import { type Clock, systemClock } from './clock.js';
import { HttpError, untrustedSessionError } from './errors.js';
import type { UploadOptions } from './options.js';
import { ProgressTracker } from './progress.js';
import { queryStatus } from './protocol.js';
import { parseRange } from './range.js';
import { classifyStatus } from './retry.js';
import { createHttpTransport, type Transport } from './transport.js';

export type SessionFate =
  | { kind: 'finished'; response: unknown }
  | { kind: 'incomplete'; stored: number }
  | { kind: 'expired' };

export type AskSessionOptions = Pick<
  UploadOptions,
  'auth' | 'sessionUrlAllowed' | 'retries' | 'maxDelayMs' | 'timeBudgetMs' | 'random' | 'signal' | 'onRetry'
> & {
  uri: string;
  transport?: Transport;
  clock?: Clock;
};

/**
 * One status query, `Content-Range: bytes *\/*` (API-NOTES §1): without the total, it can never complete an upload
 * the way `bytes *\/TOTAL` does when every byte is stored, so asking changes nothing. A finished session answers
 * with its final response again. Transient failures are retried as the engines retry (then exit 5: the caller keeps
 * what it saved and asks again next time); a 401 refreshes the token once.
 */
export async function askSession(options: AskSessionOptions): Promise<SessionFate> {
  const { uri } = options;
  if (options.sessionUrlAllowed?.(uri) === false) throw untrustedSessionError(uri);
  const own = options.transport ? undefined : createHttpTransport();
  const transport = options.transport ?? own!;
  const clock = options.clock ?? systemClock;
  const progress = new ProgressTracker(0, clock, Number.POSITIVE_INFINITY);
  const backoff = new Backoff(options, clock, clock.now(), () => progress);
  const refresh = new RefreshOnce(options.auth);
  const finals = new FinalAnswers();
  const ctx = { transport, auth: options.auth, signal: options.signal };
  try {
    for (;;) {
      const step = await tryStep(
        async () => {
          const res = await queryStatus(ctx, uri, '*');
          const kind = classifyStatus(res.status, res.headers['x-http-status-code-override']);
          if (kind === 'unauthorized') {
            await refresh.unauthorized('PUT', uri, res);
            return { kind: 'again' as const };
          }
          refresh.answered();
          if (kind === 'done') {
            // A final answer cut short is asked again, as the engines do (issue 28).
            const final = finals.read(res);
            return final.kind === 'retry' ? final : { kind: 'finished' as const, response: final.response };
          }
          if (kind === 'incomplete')
            return { kind: 'incomplete' as const, stored: parseRange(res.headers.range) };
          if (kind === 'expired') return { kind: 'expired' as const };
          if (kind === 'retry') return retryStep(res, clock.now());
          throw new HttpError('PUT', uri, res.status, res.headers, res.body.toString('utf8'));
        },
        options.signal,
        () => {},
      );
      if (step.kind === 'retry') await backoff.wait(step.reason, step.afterMs);
      else if (step.kind !== 'again') return step;
    }
  } finally {
    own?.close();
  }
}
