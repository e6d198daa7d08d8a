// This file keeps the ledger of quota units vupload spent per account and Pacific-time day, and guards the budget.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, interruptedError, usageError, VuploadError } from '../errors.js';
import { writePrivateJson } from '../fsutil.js';
import { type Clock, systemClock } from '../upload/clock.js';
import { type LedgerData, parseLedger, type QuotaDay } from './ledger-file.js';
import { withLock } from './lock.js';
import { nextQuotaReset, pacificDay, quotaResetText } from './quota-day.js';

export { pacificDay, parseLedger, type QuotaDay };

/** YouTube's default daily quota per project (API-NOTES §2); `--quota` overrides it. */
export const DEFAULT_DAILY_BUDGET = 10_000;
export const LEDGER_FILE = 'quota.json';
/** Days kept in the ledger; older ones are dropped on the next write. */
const KEEP_DAYS = 8;

export type QuotaCheck =
  | {
      ok: true;
      spent: number;
      remaining: number;
      /** YouTube had answered quotaExceeded today, and the run asks again because it was given --quota. */
      askingAgain?: true;
    }
  | {
      ok: false;
      exceeded: true;
      spent: number;
      budget: number;
      cost: number;
      exhausted: boolean;
      resetAt: Date;
    };

export interface CheckRequest {
  account: string;
  cost: number;
  budget?: number;
  /**
   * The budget was given with `--quota` for this run (not a default or VUPLOAD_QUOTA): the user says the project has
   * that much, so today's quotaExceeded mark does not stop it; YouTube's answer decides (issue 27, item 1).
   */
  budgetGiven?: boolean;
  now?: Date;
}

/**
 * The ledger `<state>/quota.json`. Every read-modify-write holds a lock (src/unattended/lock.ts), so concurrent
 * runs add up instead of overwriting each other; the file itself is replaced atomically (writePrivateJson).
 * A corrupt entry (or file) is reported through `onWarning`, naming the file, and counts as unknown: see parseLedger.
 */
export class QuotaLedger {
  readonly file: string;
  private readonly lockDir: string;
  private readonly clock: Clock;
  private readonly onWarning: (message: string) => void;
  private readonly warned = new Set<string>();

  constructor(options: {
    file: string;
    lockDir: string;
    clock?: Clock;
    onWarning?: (message: string) => void;
  }) {
    this.file = options.file;
    this.lockDir = options.lockDir;
    this.clock = options.clock ?? systemClock;
    this.onWarning = options.onWarning ?? (() => {});
  }

  static inStateDir(stateDir: string, clock?: Clock, onWarning?: (message: string) => void): QuotaLedger {
    return new QuotaLedger({
      file: join(stateDir, LEDGER_FILE),
      lockDir: join(stateDir, 'locks'),
      clock,
      onWarning,
    });
  }

  /** Today's usage (Pacific day of `now`). */
  async today(account: string, now = new Date(this.clock.now())): Promise<QuotaDay> {
    const data = await this.read();
    return data.accounts[account]?.[pacificDay(now)] ?? { spent: 0 };
  }

  /** Every account the ledger knows, with today's usage (Pacific day of `now`), sorted by name. */
  async allToday(now = new Date(this.clock.now())): Promise<Array<{ account: string; day: QuotaDay }>> {
    const { accounts } = await this.read();
    const key = pacificDay(now);
    return Object.keys(accounts)
      .sort()
      .map((account) => ({ account, day: accounts[account]?.[key] ?? { spent: 0 } }));
  }

  /** Adds `units` to today's total (negative: reserved but not spent; never below 0) and returns the new total. */
  async spend(account: string, units: number): Promise<number> {
    return (await this.update(account, (day) => ({ ...day, spent: Math.max(0, day.spent + units) }))).spent;
  }

  /** Records a quotaExceeded answer: nothing more is attempted for this account until the reset. */
  async markExhausted(account: string): Promise<void> {
    await this.update(account, (day) => ({ ...day, exhausted: true }));
  }

  /**
   * Forgets today's quotaExceeded mark (`vupload quota reset`); the units counted stay. Returns the day as it was
   * when there was a mark to forget; an account without one is left untouched (no entry is made for it).
   */
  async forgetExhausted(account: string, now = new Date(this.clock.now())): Promise<QuotaDay | undefined> {
    if ((await this.today(account, now)).exhausted !== true) return undefined;
    let forgotten: QuotaDay | undefined;
    await this.update(
      account,
      (day) => {
        if (day.exhausted === true) forgotten = day;
        return { spent: day.spent };
      },
      now,
    );
    return forgotten;
  }

  /** Whether `cost` more units fit in today's `budget` (read only). */
  async check(request: CheckRequest): Promise<QuotaCheck> {
    const now = request.now ?? new Date(this.clock.now());
    return judgeQuota(await this.today(request.account, now), request, now);
  }

  /** Checks and, when the cost fits, spends it in one locked step, so two runs cannot both take the last units. */
  async reserve(request: CheckRequest): Promise<QuotaCheck> {
    const now = request.now ?? new Date(this.clock.now());
    let result: QuotaCheck | undefined;
    await this.update(
      request.account,
      (day) => {
        result = judgeQuota(day, request, now);
        return result.ok ? { ...day, spent: day.spent + request.cost } : day;
      },
      now,
    );
    return result!;
  }

  private async read(): Promise<LedgerData> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, accounts: {} };
      throw error;
    }
    const { data, problems } = parseLedger(text);
    for (const problem of problems) {
      if (this.warned.has(problem)) continue;
      this.warned.add(problem);
      this.onWarning(
        `the quota ledger ${this.file} is corrupt (${problem}); that counts as unknown: 0 units spent and not ` +
          "exhausted (YouTube's own quotaExceeded answer still stops uploads). The next update rewrites it.",
      );
    }
    return data;
  }

  private async update(
    account: string,
    change: (day: QuotaDay) => QuotaDay,
    now = new Date(this.clock.now()),
  ): Promise<QuotaDay> {
    const lock = {
      dir: this.lockDir,
      key: `quota-ledger:${this.file}`,
      label: this.file,
      wait: true,
      pollMs: 20,
    };
    return withLock({ ...lock, clock: this.clock }, async () => {
      const data = await this.read();
      const key = pacificDay(now);
      const oldest = pacificDay(new Date(now.getTime() - KEEP_DAYS * 86_400_000));
      const days = data.accounts[account] ?? {};
      const next = change(days[key] ?? { spent: 0 });
      days[key] = next;
      data.accounts[account] = Object.fromEntries(Object.entries(days).filter(([day]) => day >= oldest));
      await writePrivateJson(this.file, data);
      return next;
    });
  }
}

/** The verdict on a day's usage for `request`: the one rule every ledger (file or database) applies. */
export function judgeQuota(day: QuotaDay, request: CheckRequest, now: Date): QuotaCheck {
  const budget = request.budget ?? DEFAULT_DAILY_BUDGET;
  const exhausted = day.exhausted === true && request.budgetGiven !== true;
  if (!exhausted && day.spent + request.cost <= budget) {
    const askingAgain = day.exhausted === true ? { askingAgain: true as const } : {};
    return { ok: true, spent: day.spent, remaining: budget - day.spent, ...askingAgain };
  }
  return {
    ok: false,
    exceeded: true,
    spent: day.spent,
    budget,
    cost: request.cost,
    exhausted,
    resetAt: nextQuotaReset(now),
  };
}

/**
 * Refuses a cost larger than the whole daily budget (exit 2, before anything is sent): no reset can make room for
 * it, so neither failing with "try later" (exit 4) nor `--on-quota wait` would help.
 */
export function checkCostFitsBudget(input: { cost: number; budget: number; action: string }): void {
  if (input.cost <= input.budget) return;
  throw usageError(
    `Not starting to ${input.action}: it needs ${input.cost} quota units, more than the whole daily budget of ` +
      `${input.budget} (--quota or VUPLOAD_QUOTA), so no quota reset can make room for it.`,
    "Give --quota your project's daily quota (YouTube's default is 10000).",
  );
}

/** The error (code quotaExceeded, exit 4) for a check that failed, saying when the quota resets. */
export function quotaExceededError(input: {
  account: string;
  check: Extract<QuotaCheck, { ok: false }>;
  now: Date;
  /** What was about to be done, e.g. `upload talk.mp4`. */
  action?: string;
  timeZone?: string;
}): VuploadError {
  const { check } = input;
  const what = input.action ? `Not starting to ${input.action}: ` : '';
  const why = check.exhausted
    ? `YouTube answered quotaExceeded earlier today for ${input.account}`
    : `it needs ${check.cost} quota units, and ${input.account} has spent ${check.spent} of today's budget of ${check.budget}`;
  const sentence = what ? `${what}${why}` : why[0]!.toUpperCase() + why.slice(1);
  // Each way out named here works (issue 27, item 1): --quota N asks YouTube again, and `quota reset` forgets its answer.
  const hint = check.exhausted
    ? `Use --on-quota wait to wait for the reset, --quota N (your project's daily quota, more than the ${check.spent} ` +
      `units counted today) to ask YouTube again, or \`vupload quota reset${input.account === 'default' ? '' : ` --profile ${input.account}`}\` to forget its answer.`
    : 'Use --on-quota wait to wait for the reset instead, or --quota N if your project has a larger quota.';
  return new VuploadError(
    'quotaExceeded',
    ExitCode.quota,
    `${sentence}. ${quotaResetText(input.now, input.timeZone)}`,
    { hint, http: { reason: 'quotaExceeded' } },
  );
}

/**
 * For `--on-quota wait`: sleeps until `marginMs` (default 1 minute, as YouTube's reset is not to the second) past
 * `resetAt`, in slices of at most 10 minutes so a suspended machine does not oversleep. Abort → interrupted error.
 */
export async function waitForReset(input: {
  resetAt: Date;
  now: () => number;
  sleep: Clock['sleep'];
  signal?: AbortSignal;
  marginMs?: number;
}): Promise<void> {
  const until = input.resetAt.getTime() + (input.marginMs ?? 60_000);
  for (let left = until - input.now(); left > 0; left = until - input.now()) {
    try {
      await input.sleep(Math.min(left, 10 * 60_000), input.signal);
    } catch (error) {
      if (input.signal?.aborted) throw interruptedError(input.signal);
      throw error;
    }
  }
  if (input.signal?.aborted) throw interruptedError(input.signal);
}
