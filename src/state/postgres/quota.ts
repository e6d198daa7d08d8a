// This file is the quota ledger in PostgreSQL: units spent per account and Pacific day, reserved atomically.
import {
  type CheckRequest,
  DEFAULT_DAILY_BUDGET,
  judgeQuota,
  pacificDay,
  type QuotaCheck,
  type QuotaDay,
} from '../../unattended/quota.js';
import { type Clock, systemClock } from '../../upload/clock.js';
import type { Database } from './database.js';

/** Units are a bigint (--quota goes up to 10^12); read as float8, which pg gives as a number, exact below 2^53. */
const SPENT = 'spent::float8 AS spent';

interface DayRow {
  spent: number;
  exhausted: boolean;
}

/**
 * The same methods and answers as the file store's QuotaLedger (src/unattended/quota.ts), shared by every machine
 * using the database. reserve() is one statement: an INSERT … ON CONFLICT DO UPDATE whose WHERE only lets the
 * update through while the cost still fits. Concurrent reservations queue on the day's row lock and each one
 * re-checks the row as the previous one left it, so the budget is never overspent, without any lock of ours.
 */
export class PostgresQuotaLedger {
  private readonly db: Database;
  private readonly clock: Clock;

  constructor(db: Database, options: { clock?: Clock } = {}) {
    this.db = db;
    this.clock = options.clock ?? systemClock;
  }

  private get table(): string {
    return this.db.table('quota');
  }

  /** Today's usage (Pacific day of `now`). */
  async today(account: string, now = new Date(this.clock.now())): Promise<QuotaDay> {
    const [row] = await this.db.query<DayRow>(
      `SELECT ${SPENT}, exhausted FROM ${this.table} WHERE account = $1 AND day = $2`,
      [account, pacificDay(now)],
    );
    return dayOf(row);
  }

  /** Every account the ledger knows, with today's usage (Pacific day of `now`), sorted by name: as the file's. */
  async allToday(now = new Date(this.clock.now())): Promise<Array<{ account: string; day: QuotaDay }>> {
    const rows = await this.db.query<{ account: string; spent: number | null; exhausted: boolean | null }>(
      `SELECT a.account, q.spent::float8 AS spent, q.exhausted FROM (SELECT DISTINCT account FROM ${this.table}) a
         LEFT JOIN ${this.table} q ON q.account = a.account AND q.day = $1
        ORDER BY a.account COLLATE "C"`,
      [pacificDay(now)],
    );
    return rows.map((row) => ({
      account: row.account,
      day: dayOf(row.spent === null ? undefined : { spent: row.spent, exhausted: row.exhausted === true }),
    }));
  }

  /** Adds `units` to today's total (negative: reserved but not spent; never below 0) and returns the new total. */
  async spend(account: string, units: number): Promise<number> {
    const [row] = await this.db.query<DayRow>(
      `INSERT INTO ${this.table} AS q (account, day, spent) VALUES ($1, $2, greatest(0, $3::bigint))
       ON CONFLICT (account, day) DO UPDATE SET spent = greatest(0, q.spent + $3::bigint), updated_at = now()
       RETURNING ${SPENT}, exhausted`,
      [account, pacificDay(new Date(this.clock.now())), units],
    );
    return row!.spent;
  }

  /** Records a quotaExceeded answer: no machine attempts more for this account until the reset. */
  async markExhausted(account: string): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.table} AS q (account, day, exhausted) VALUES ($1, $2, true)
       ON CONFLICT (account, day) DO UPDATE SET exhausted = true, updated_at = now()`,
      [account, pacificDay(new Date(this.clock.now()))],
    );
  }

  /** As the file ledger's: forgets today's quotaExceeded mark for every machine; the day as it was, if it had one. */
  async forgetExhausted(account: string, now = new Date(this.clock.now())): Promise<QuotaDay | undefined> {
    const [row] = await this.db.query<DayRow>(
      `UPDATE ${this.table} SET exhausted = false, updated_at = now()
        WHERE account = $1 AND day = $2 AND exhausted RETURNING ${SPENT}, true AS exhausted`,
      [account, pacificDay(now)],
    );
    return row ? dayOf(row) : undefined;
  }

  /** Whether `cost` more units fit in today's `budget` (read only). */
  async check(request: CheckRequest): Promise<QuotaCheck> {
    const now = request.now ?? new Date(this.clock.now());
    return judgeQuota(await this.today(request.account, now), request, now);
  }

  /**
   * Merges days of a file ledger (an import): the larger spend and either exhausted mark win, so importing the
   * same ledger twice, or into a fleet that already spent units today, never lowers a day's count.
   */
  async mergeDay(account: string, day: string, usage: QuotaDay): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.table} AS q (account, day, spent, exhausted) VALUES ($1, $2, $3, $4)
       ON CONFLICT (account, day) DO UPDATE SET spent = greatest(q.spent, EXCLUDED.spent),
         exhausted = q.exhausted OR EXCLUDED.exhausted, updated_at = now()`,
      [account, day, usage.spent, usage.exhausted === true],
    );
  }

  /** Checks and, when the cost fits, spends it in one statement: two machines cannot both take the last units. */
  async reserve(request: CheckRequest): Promise<QuotaCheck> {
    const now = request.now ?? new Date(this.clock.now());
    const budget = request.budget ?? DEFAULT_DAILY_BUDGET;
    const day = pacificDay(now);
    const [taken] = await this.db.query<DayRow>(
      `INSERT INTO ${this.table} AS q (account, day, spent)
       SELECT $1::text, $2::date, $3::bigint WHERE $3::bigint <= $4::bigint
       ON CONFLICT (account, day) DO UPDATE SET spent = q.spent + EXCLUDED.spent, updated_at = now()
         WHERE (NOT q.exhausted OR $5::boolean) AND q.spent + EXCLUDED.spent <= $4::bigint
       RETURNING ${SPENT}, exhausted`,
      [request.account, day, request.cost, budget, request.budgetGiven === true],
    );
    if (taken) {
      const before = taken.spent - request.cost;
      const askingAgain = taken.exhausted ? { askingAgain: true as const } : {};
      return { ok: true, spent: before, remaining: budget - before, ...askingAgain };
    }
    return judgeQuota(await this.today(request.account, now), { ...request, budget }, now);
  }
}

function dayOf(row: DayRow | undefined): QuotaDay {
  if (!row) return { spent: 0 };
  return row.exhausted ? { spent: row.spent, exhausted: true } : { spent: row.spent };
}
