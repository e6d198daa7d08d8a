// This file counts an upload job's quota: units reserved for the upload and its steps, carried over, corrected.
import type { VuploadError } from '../../errors.js';
import type { Provider, ProviderSession, UploadPlan } from '../../providers/contract.js';
import type { StateStore } from '../../state/store.js';
import type { ConfirmedPrevious } from '../../unattended/journal.js';
import type { QuotaReservation } from '../../upload/journal.js';
import type { SessionStore } from '../../upload/session-store.js';
import type { CliContext, GlobalOptions } from '../context.js';
import type { Output } from '../output.js';
import type { JobOptions } from './job-options.js';

/** What the count needs of its job. */
export interface QuotaOf {
  plan: UploadPlan;
  provider: Provider;
  ctx: CliContext;
  globals: GlobalOptions;
  out: Output;
  options: JobOptions;
  store: StateStore;
  /** Whose quota it is (the journal's account). */
  account: string;
  label: string;
  login(): Promise<ProviderSession>;
}

export class JobQuota {
  /** The ledger, for a provider that counts units in vupload's own (YouTube). */
  private readonly ledger: StateStore['quota'] | undefined;
  /** The quota this run counted for the upload and its steps (beforeNew). */
  private reservation: QuotaReservation | undefined;
  /** A session was saved with it: the video may exist, so its units stay counted. */
  private reservationSaved = false;
  /** What was counted when a kept session was started, as its record says (keepingReservation). */
  private keptReservation: QuotaReservation | undefined;
  /** Said once per job: the quota was marked spent today, and --quota makes this run ask YouTube again. */
  private askedAgain = false;

  constructor(private readonly of: QuotaOf) {
    if (of.provider.quota.kind === 'units') this.ledger = of.store.quota;
  }

  /** Units are counted in the ledger (a provider with a `units` quota). */
  get counting(): boolean {
    return this.ledger !== undefined;
  }

  /**
   * Before a new video is created (Job.beforeNew): the upload and its steps reserved, after logging in so that a
   * missing login spends nothing; or the platform asked, for one that keeps the count.
   */
  async beforeNew(): Promise<void> {
    const { plan, provider, ctx, globals, out } = this.of;
    const { quota } = provider;
    if (quota.kind === 'units') {
      const steps = provider.steps.wanted(plan);
      const day = await this.reserve(quota.cost({ insert: true, steps, fresh: true }));
      this.reservation = { day, steps };
    } else if (quota.kind === 'server') {
      // The platform keeps the count: asked before anything is created (exit 4 with its numbers).
      await quota.check(plan, { ctx, globals, out, session: () => this.of.login() });
    }
  }

  /**
   * The upload's sessions, each saved with the quota counted for it (beforeNew counts before a session starts), and
   * the count a kept session was saved with noted as it is loaded: a run killed after counting leaves it there.
   */
  keepingReservation(sessions: SessionStore): SessionStore {
    return {
      load: async (key) => {
        const record = await sessions.load(key);
        if (isReservation(record?.quotaReserved)) this.keptReservation = record.quotaReserved;
        return record;
      },
      save: (key, record) => {
        if (this.reservation) this.reservationSaved = true;
        return sessions.save(key, this.reservation ? { ...record, quotaReserved: this.reservation } : record);
      },
      remove: (key) => sessions.remove(key),
    };
  }

  /** What was counted for this upload, journaled with it: a run killed before its steps leaves it for the next. */
  forJournal(): QuotaReservation | undefined {
    return this.ledger ? (this.reservation ?? this.keptReservation) : undefined;
  }

  /**
   * What today's count already holds of the steps: this run's reservation, or else the one the journal line of an
   * upload found there carries, or the one a resumed session was saved with.
   */
  counted(
    skipped: Exclude<ConfirmedPrevious, { kind: 'none' }> | undefined,
    resumed: boolean,
  ): QuotaReservation | undefined {
    const recorded = skipped?.previous.entry.quotaReserved;
    return (
      this.reservation ??
      (skipped
        ? isReservation(recorded)
          ? recorded
          : undefined
        : resumed
          ? this.keptReservation
          : undefined)
    );
  }

  /**
   * Counts the steps still to do, less what `counted` today holds of them already. A run stopped before its steps
   * (a resumed session) began none of them: they are covered whole. A run stopped during them (its upload found in
   * the journal) may have made any of their calls: only the inserts a re-run finds done by asking first (playlist
   * items, captions) are covered; its lookups and checks, and a thumbnail set again, are this run's own calls.
   */
  async reserveSteps(
    done: ReadonlySet<string>,
    fresh: boolean,
    counted: QuotaReservation | undefined,
  ): Promise<void> {
    const { quota } = this.of.provider;
    if (!this.ledger || quota.kind !== 'units') return;
    const today =
      counted?.day === quota.day(new Date(this.of.ctx.now())) ? new Set(counted.steps) : new Set();
    const pending = this.of.provider.steps.wanted(this.of.plan).filter((s) => !done.has(s));
    const covered = pending.filter((s) => today.has(s));
    const paid = fresh
      ? quota.cost({ insert: false, steps: covered, fresh: true })
      : quota.askedFirst(covered);
    const cost = quota.cost({ insert: false, steps: pending, fresh }) - paid;
    if (cost === 0) return;
    await this.reserve(cost);
  }

  /**
   * Reserves `cost` units, after logging in (a missing login spends nothing); more than the budget is refused.
   * Returns the Pacific day they were counted on.
   */
  async reserve(cost: number, action = `upload ${this.of.label}`): Promise<string> {
    const { checkCostFitsBudget, quotaExceededError, waitForReset } = await import(
      '../../unattended/quota.js'
    );
    const { ctx, out, options, account } = this.of;
    const { quota } = this.of.provider;
    if (quota.kind !== 'units') throw new Error('reserve(): the provider counts no units');
    checkCostFitsBudget({ cost, budget: options.quota, action });
    await this.of.login();
    for (;;) {
      const now = new Date(ctx.now());
      const check = await this.ledger!.reserve({
        account,
        cost,
        budget: options.quota,
        budgetGiven: options.quotaGiven === true,
        now,
      });
      if (check.ok && check.askingAgain && !this.askedAgain) {
        this.askedAgain = true;
        out.info(
          `YouTube answered quotaExceeded earlier today for ${account}; asking it again, as --quota ${options.quota} was given.`,
        );
      }
      if (check.ok) return quota.day(now);
      if (options.onQuota !== 'wait') throw quotaExceededError({ account, check, now, action });
      out.info(
        `The daily quota of ${account} is spent; waiting until it resets at ${check.resetAt.toISOString()}.`,
      );
      await waitForReset({
        resetAt: check.resetAt,
        now: ctx.now,
        sleep: ctx.sleep,
        signal: ctx.signal,
      });
    }
  }

  /** Corrects the ledger by `units` beyond what was reserved (negative: reserved but not spent). */
  async spent(units: number): Promise<void> {
    await this.ledger?.spend(this.of.account, units).catch((failure: unknown) => {
      if (!this.of.store.isUnreachable(failure)) throw failure;
      this.of.out.warn(`${units} quota units could not be counted: ${(failure as Error).message}`);
    });
  }

  /**
   * An upload that failed before its video could exist: no session was saved with this run's reservation, and the
   * failure proves the create never reached the platform (no connection: a network or proxy down). Its units are
   * given back, so that a cron job on a dead network does not count 1600 units a run that YouTube never charged and
   * park tomorrow's uploads. A kill before this leaves them counted: an over-count, the safe side.
   */
  async failedBeforeSending(error: unknown): Promise<void> {
    const { neverConnected } = await import('../../upload/retry.js');
    if (!this.ledger || !this.reservation || this.reservationSaved || !neverConnected(error)) return;
    const { quota } = this.of.provider;
    // Counted on another (Pacific) day than today's: nothing of today's count to give back.
    if (quota.kind !== 'units' || quota.day(new Date(this.of.ctx.now())) !== this.reservation.day) return;
    // What beforeNew reserved, from the same steps.
    const units = quota.cost({ insert: true, steps: this.reservation.steps, fresh: true });
    this.reservation = undefined;
    await this.spent(-units);
  }

  /** YouTube's own quotaExceeded answer (not our ledger's refusal) marks the day as spent for later runs. */
  async noteQuotaAnswer(error: VuploadError): Promise<void> {
    if (error.code === 'quotaExceeded' && error.http?.status !== undefined)
      await this.ledger?.markExhausted(this.of.account).catch((failure: unknown) => {
        if (!this.of.store.isUnreachable(failure)) throw failure;
        this.of.out.warn(`YouTube's quotaExceeded could not be noted: ${(failure as Error).message}`);
      });
  }
}

/** A reservation as a record read from disk or a database holds it (anything else counts as none). */
function isReservation(value: unknown): value is QuotaReservation {
  const r = value as QuotaReservation | undefined;
  return typeof r?.day === 'string' && Array.isArray(r.steps) && r.steps.every((s) => typeof s === 'string');
}
