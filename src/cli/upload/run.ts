// This file performs one upload job for any provider: lock, kept session, "never twice", quota, upload, journal,
// steps, housekeeping; each durable step is written before the side effect that depends on it (STYLE.md).
import { basename } from 'node:path';
import { type ErrorJson, ExitCode, errorJson, isVuploadError, VuploadError } from '../../errors.js';
import type {
  Provider,
  ProviderResult,
  ProviderSession,
  RecordedUpload,
  StepOutcome,
  UploadPlan,
} from '../../providers/contract.js';
import type { JobLock } from '../../state/job-lock.js';
import type { StateStore } from '../../state/store.js';
import type { ConfirmedPrevious, PreviousUpload } from '../../unattended/journal.js';
import type { MetadataChange } from '../../unattended/recorded-metadata.js';
import { CONTENT_HASH_ALGORITHM } from '../../upload/content-hash.js';
import type { QuotaReservation, RecordedMetadata } from '../../upload/journal.js';
import type { SessionStore } from '../../upload/session-store.js';
import type { CliContext, GlobalOptions } from '../context.js';
import type { Output } from '../output.js';
import { stateStore } from '../state.js';
import type { Convergence, Differs } from './converge.js';
import type { PipeSessions } from './pipe-sessions.js';
import { STDIN_LABEL } from './stdin.js';
import { keepingYoungGeneration } from './young-generation.js';

/** What a busy lock's error says to do, in the words of the commands that upload (upload, batch, watch). */
export const HOW_TO_WAIT = 'run again with --wait-lock to wait for it';

export interface JobOptions {
  /** Upload even if the journal says this content was uploaded already. */
  force?: boolean;
  /** Wait for another vupload working on the same file instead of failing. */
  waitLock?: boolean;
  /** Daily quota budget in units (default 10000). */
  quota: number;
  /** The budget came from --quota: YouTube's quotaExceeded earlier today does not stop the run (it asks again). */
  quotaGiven?: boolean;
  onQuota: 'fail' | 'wait';
  moveTo?: string;
  deleteAfter?: boolean;
  /** False with --no-update: content uploaded before whose recorded metadata differs is only reported. */
  update?: boolean;
  log?: { write(message: string): Promise<void> };
  /**
   * Prints a result while the job still holds its lock (`vupload watch`). The job then records a `reported` step,
   * and its journal line says one is awaited: a later job on the same content prints a result that a run killed
   * before printing never did (HistoryEntry.awaitsReport), and no other.
   */
  report?: (outcome: UploadOutcome) => void;
}

export interface UploadOutcome extends StepOutcome {
  provider: string;
  id: string;
  url: string;
  /** Absent when not known (an upload found in the journal whose title was not recorded). */
  title?: string;
  /** What YouTube answered at the upload; absent when not known (already uploaded, Youku). */
  privacyStatus?: string;
  file: string;
  bytes: number;
  /** The content hash of the whole content (`xxh3-128:<hex>`), as journaled. */
  contentHash?: string;
  seconds: number;
  resumed: boolean;
  /** True when nothing was uploaded because the journal already had this content for this account. */
  alreadyUploaded: boolean;
  /** An earlier run finished this upload but was stopped before recording it; this run recorded it. */
  finishedEarlier: boolean;
  retries: number;
  sessionRestarts: number;
  bytesSent: number;
  /** Where the file went after a complete upload with --move-to, or 'deleted'. */
  housekeeping?: string;
  /** Fields of a video uploaded before that this run changed to what its command sets (before: as recorded). */
  updated?: MetadataChange[];
  /** Fields that differ but were left as they are (--no-update, or a provider that cannot update). */
  notUpdated?: MetadataChange[];
  /** A step after the upload failed: the video exists, its id is still the result. */
  error?: ErrorJson;
}

type JobResult = { outcome: UploadOutcome; failure?: VuploadError };

export function runUploadJob(...args: Parameters<typeof runJob>): Promise<JobResult> {
  return keepingYoungGeneration(() => runJob(...args));
}

async function runJob(
  plan: UploadPlan,
  provider: Provider,
  ctx: CliContext,
  globals: GlobalOptions,
  out: Output,
  job: JobOptions,
): Promise<JobResult> {
  const { fingerprintFile } = await import('../../upload/index.js');
  const { waitingText } = await import('../../unattended/lock.js');
  const { JobLock } = await import('../../state/job-lock.js');
  const store = await stateStore(ctx, globals, out);
  // Whose uploads the journal is asked about and appended to (the profile, unless the provider says otherwise).
  const account = (await provider.account?.({ ctx, globals })) ?? globals.profile;
  const pipes = await pipeSessionsOf(provider, ctx, globals, out, store, account);
  // A pipe is this process's alone: no content to lock, nothing to sample before its bytes pass; only its saved
  // session is locked, as this run's (pipe-sessions.ts).
  if (plan.stdin) {
    const { STREAM_FINGERPRINT } = await import('../../upload/index.js');
    await pipes?.claim();
    try {
      return await new Job(
        plan,
        provider,
        ctx,
        globals,
        out,
        job,
        STREAM_FINGERPRINT,
        store,
        account,
        undefined,
        pipes,
      ).run();
    } finally {
      await pipes?.release();
    }
  }
  const fingerprint = await fingerprintFile(plan.file);
  // Two overlapping runs on the same content (on any machine sharing the store) never upload it twice: the second
  // waits or stops here.
  const lock = new JobLock(store.locks, {
    key: fingerprint,
    label: plan.file,
    wait: job.waitLock,
    howToWait: HOW_TO_WAIT,
    signal: ctx.signal,
    clock: { now: ctx.now, sleep: ctx.sleep },
    onWait: (holder, sameProcess) => out.info(waitingText(plan.file, holder, sameProcess)),
  });
  await lock.take();
  try {
    return await new Job(
      plan,
      provider,
      ctx,
      globals,
      out,
      job,
      fingerprint,
      store,
      account,
      lock,
      pipes,
    ).run();
  } finally {
    await lock.release();
  }
}

/** The saved sessions of uploads from a pipe, for a provider that has pipes (pipe-sessions.ts). */
async function pipeSessionsOf(
  provider: Provider,
  ctx: CliContext,
  globals: GlobalOptions,
  out: Output,
  store: StateStore,
  account: string,
): Promise<PipeSessions | undefined> {
  const capability = provider.pipeSessions;
  if (!capability) return undefined;
  const { PipeSessions, pipeScope } = await import('./pipe-sessions.js');
  // Opened once, when a dead run's session is first asked (most runs find none).
  let auth: Promise<ProviderSession> | undefined;
  const session = () => {
    auth ??= provider.auth.open({ ctx, globals, out });
    return auth;
  };
  return new PipeSessions({
    store,
    scope: pipeScope({ account, provider: provider.name, apiRoot: capability.apiRoot({ ctx, globals }) }),
    account,
    provider: provider.name,
    ask: (record) => capability.ask(record, { ctx, globals, session }),
    now: ctx.now,
    info: (message) => out.info(message),
    signal: ctx.signal,
  });
}

class Job {
  private readonly account: string;
  private readonly label: string;
  private auth: Promise<ProviderSession> | undefined;
  private ledger: StateStore['quota'] | undefined;
  /** The whole content's hash per algorithm, computed at most once each (journal check, a fleet's session). */
  private readonly contentHashes = new Map<string, Promise<string>>();
  /** The lock was lost and taken again: another machine may have done steps meanwhile, so they ask first. */
  private relocked = false;
  /** What the journal said when a new upload was about to start. */
  private previous: ConfirmedPrevious = { kind: 'none' };
  /** The quota this run counted for the upload and its steps (beforeNew). */
  private reservation: QuotaReservation | undefined;
  /** What was counted when a kept session was started, as its record says (keepingReservation). */
  private keptReservation: QuotaReservation | undefined;
  /** Said once per job: the quota was marked spent today, and --quota makes this run ask YouTube again. */
  private askedAgain = false;
  /** What this run journaled the upload with (record). */
  private recordedMetadata: RecordedMetadata | undefined;

  constructor(
    private readonly plan: UploadPlan,
    private readonly provider: Provider,
    private readonly ctx: CliContext,
    private readonly globals: GlobalOptions,
    private readonly out: Output,
    private readonly job: JobOptions,
    private readonly fingerprint: string,
    private readonly store: StateStore,
    /** Whose uploads these are for the journal (Provider.account; the profile by default). */
    account: string,
    /** None for a pipe. */
    private readonly lock?: JobLock,
    /** Saved sessions of uploads from a pipe: this run's own (a pipe), and dead runs' to ask before a new video. */
    private readonly pipes?: PipeSessions,
  ) {
    this.account = account;
    this.label = plan.stdin ? STDIN_LABEL : basename(plan.file);
  }

  async run(): Promise<JobResult> {
    if (this.provider.quota.kind === 'units') this.ledger = this.store.quota;
    let result: ProviderResult;
    try {
      result = await this.provider.upload({
        plan: this.plan,
        ctx: this.ctx,
        globals: this.globals,
        out: this.out,
        session: () => this.login(),
        beforeNew: () => this.beforeNew(),
        record: (upload) => this.record(upload),
        sessions: this.keepingReservation(
          this.store.uploadSessions({
            account: this.account,
            file: this.plan.file,
            size: this.plan.size,
            fingerprint: this.fingerprint,
            hash: (like) => this.hash(like),
            onTakeOver: (kept) =>
              this.out.info(
                `Taking over the upload of ${this.label} that another machine started at ` +
                  `${new Date(kept.record.createdAt).toISOString()} (${kept.record.path}): same content.`,
              ),
          }),
        ),
        providerState: this.store.providerState(this.provider.name),
        ...(this.pipes?.key !== undefined
          ? {
              pipe: {
                sessions: this.keepingReservation(this.pipes.sessions),
                key: this.pipes.key,
                beforeFinal: (content) => this.beforeFinal(content),
              },
            }
          : {}),
      });
    } catch (error) {
      if (isVuploadError(error)) await this.noteQuotaAnswer(error);
      throw error;
    }
    const skipped = result.skipped !== undefined && this.previous.kind !== 'none' ? this.previous : undefined;
    // The video was not created with this command's metadata: compared with what the journal says it carries.
    const convergence =
      skipped || result.earlierMetadata !== undefined
        ? (await import('./converge.js')).compareWithRecorded(
            this.plan,
            skipped ? skipped.previous.metadata : this.recordedMetadata,
          )
        : undefined;
    const outcome = skipped
      ? this.alreadyUploaded(skipped, result, convergence)
      : this.uploaded(result, convergence);
    await this.job.log?.write(
      `${outcome.alreadyUploaded ? 'already uploaded' : 'uploaded'} ${this.plan.file} as ${outcome.id}`,
    );
    if (result.recordError !== undefined) {
      const unrecorded = this.unrecorded(outcome, result.recordError);
      // No journal line to mark: the run that records it later prints it again, with the same id.
      this.job.report?.(outcome);
      return unrecorded;
    }
    const done = skipped?.previous.completedSteps ?? new Set<string>();
    let failure: VuploadError | undefined;
    try {
      const recorded = skipped?.previous.entry.quotaReserved;
      const counted =
        this.reservation ??
        (skipped
          ? isReservation(recorded)
            ? recorded
            : undefined
          : result.resumed
            ? this.keptReservation
            : undefined);
      if (convergence?.kind === 'differs') await this.converge(outcome, convergence);
      await this.reserveSteps(done, !skipped, counted);
      await this.steps(outcome, done, !skipped);
      await this.housekeeping(outcome, skipped);
    } catch (error) {
      failure = isVuploadError(error)
        ? error
        : this.provider.mapError(error, { operation: 'steps', action: `finish ${outcome.id}` });
      await this.noteQuotaAnswer(failure);
      outcome.error = errorJson(failure);
      await this.job.log?.write(`step failed for ${outcome.id}: ${failure.message}`);
    }
    await this.reportIfOwed(outcome, skipped, done);
    return failure ? { outcome, failure } : { outcome };
  }

  /**
   * With `report` (watch): prints a new upload's result, or one a killed run recorded but never printed, then
   * records that it did. A kill between the two prints it again in a later run (the same id twice, never none); a
   * store that cannot take the record now is only warned about, with the same effect.
   */
  private async reportIfOwed(
    outcome: UploadOutcome,
    skipped: Exclude<ConfirmedPrevious, { kind: 'none' }> | undefined,
    done: ReadonlySet<string>,
  ): Promise<void> {
    if (!this.job.report) return;
    const { Step } = await import('../../unattended/journal.js');
    if (skipped && !(skipped.previous.entry.awaitsReport && !done.has(Step.reported))) return;
    this.job.report(outcome);
    await this.store.journal
      .recordStep({ videoId: outcome.id, step: Step.reported, ok: true, now: this.ctx.now })
      .catch((failure: unknown) => {
        if (!this.store.isUnreachable(failure)) throw failure;
        this.out.warn(`could not record that ${outcome.id} was reported: ${(failure as Error).message}`);
      });
  }

  /** YouTube's own quotaExceeded answer (not our ledger's refusal) marks the day as spent for later runs. */
  private async noteQuotaAnswer(error: VuploadError): Promise<void> {
    if (error.code === 'quotaExceeded' && error.http?.status !== undefined)
      await this.ledger?.markExhausted(this.account).catch((failure: unknown) => {
        if (!this.store.isUnreachable(failure)) throw failure;
        this.out.warn(`YouTube's quotaExceeded could not be noted: ${(failure as Error).message}`);
      });
  }

  /**
   * The whole file's hash, with the algorithm of `like` (a recorded hash) or else the current one, read from disk
   * once per algorithm and job (`note` is said when it is computed now).
   */
  private hash(like?: string, note?: string): Promise<string> {
    const algorithm = like?.includes(':') ? like.slice(0, like.indexOf(':')) : CONTENT_HASH_ALGORITHM;
    let hashed = this.contentHashes.get(algorithm);
    if (!hashed) {
      if (note) this.out.info(note);
      hashed = import('../../upload/index.js').then(({ hashFile }) =>
        hashFile(this.plan.file, this.plan.size, like),
      );
      this.contentHashes.set(algorithm, hashed);
    }
    return hashed;
  }

  /**
   * For a pipe, once its bytes have passed and before the request with the total makes the video: an earlier upload
   * of the same content by this account (by size and hash; src/unattended/journal.ts) means no second video, unless
   * --force. The request is not sent, so the session this run filled never finishes.
   */
  private async beforeFinal(content: {
    size: number;
    contentHash: string;
  }): Promise<{ skip: unknown } | undefined> {
    if (this.job.force) return undefined;
    const { STREAM_FINGERPRINT } = await import('../../upload/index.js');
    const tag = content.contentHash.slice(0, content.contentHash.indexOf(':') + 1);
    await this.holdLock();
    const found = await this.store.journal.findConfirmedUpload({
      account: this.account,
      provider: this.provider.name,
      fingerprint: STREAM_FINGERPRINT,
      size: content.size,
      // Only hashes of the same algorithm can be compared: the bytes are gone.
      hash: async (like: string) => (like.startsWith(tag) ? content.contentHash : ''),
    });
    if (found.kind !== 'confirmed') return undefined;
    this.previous = found;
    return { skip: found };
  }

  /** Before work only the lock's holder may do: the lock is held, or taken again (job-lock.ts). */
  private async holdLock(): Promise<void> {
    if (!this.lock || !(await this.lock.ensure())) return;
    this.relocked = true;
    this.out.info(
      `The connection to ${this.store.description} broke meanwhile; the lock on ${this.label} is taken again.`,
    );
  }

  /** Where this job runs, for what a provider derives from the profile (a video's page on a PeerTube instance). */
  private where() {
    return { ctx: this.ctx, globals: this.globals };
  }

  private login(): Promise<ProviderSession> {
    this.auth ??= this.provider.auth.open({ ctx: this.ctx, globals: this.globals, out: this.out });
    return this.auth;
  }

  /**
   * The last word before a new video is created (after every kept session was asked): the journal, confirmed by
   * the whole content's hash, then the quota for the upload and its steps, reserved after logging in so that a
   * missing login spends nothing.
   */
  private async beforeNew(): Promise<{ skip: unknown } | undefined> {
    await this.holdLock();
    // Sessions of uploads from a pipe whose runs are gone may have made a video of this content: asked first
    // (a file asks only those of its size), so the journal below knows what they finished.
    await this.pipes?.settleDead(this.plan.stdin ? undefined : (record) => record.size === this.plan.size);
    // A pipe's content is known only once it has passed: it is compared before its final request (beforeFinal).
    if (!this.job.force && !this.plan.stdin) {
      this.previous = await this.store.journal.findConfirmedUpload({
        account: this.account,
        provider: this.provider.name,
        fingerprint: this.fingerprint,
        size: this.plan.size,
        hash: (like) => this.hash(like, `Checking whether ${this.label} is the content uploaded before…`),
      });
      if (this.previous.kind !== 'none') return { skip: this.previous };
    }
    const { quota } = this.provider;
    if (quota.kind === 'units') {
      const steps = this.provider.steps.wanted(this.plan);
      const day = await this.reserve(quota.cost({ insert: true, steps, fresh: true }));
      this.reservation = { day, steps };
    } else if (quota.kind === 'server') {
      // The platform keeps the count: asked before anything is created (exit 4 with its numbers).
      await quota.check(this.plan, {
        ctx: this.ctx,
        globals: this.globals,
        out: this.out,
        session: () => this.login(),
      });
    }
    return undefined;
  }

  /**
   * The upload's sessions, each saved with the quota counted for it (beforeNew counts before a session starts), and
   * the count a kept session was saved with noted as it is loaded: a run killed after counting leaves it there.
   */
  private keepingReservation(sessions: SessionStore): SessionStore {
    return {
      load: async (key) => {
        const record = await sessions.load(key);
        if (isReservation(record?.quotaReserved)) this.keptReservation = record.quotaReserved;
        return record;
      },
      save: (key, record) =>
        sessions.save(key, this.reservation ? { ...record, quotaReserved: this.reservation } : record),
      remove: (key) => sessions.remove(key),
    };
  }

  /**
   * Journals a finished upload once: a run killed after the journal line but before dropping the session finds
   * that session finished and records it again, which must not add a second line. A store that cannot be reached
   * (a database restarting) is asked again with backoff until it answers; meanwhile the session stays saved.
   */
  private async record(upload: RecordedUpload): Promise<void> {
    const { untilReachable } = await import('../../state/retry.js');
    this.recordedMetadata = upload.metadata;
    // What was counted for this upload goes with it: a run killed before its steps leaves it for the next.
    const counted = this.ledger ? (this.reservation ?? this.keptReservation) : undefined;
    const entry = {
      time: new Date(this.ctx.now()).toISOString(),
      account: this.account,
      provider: this.provider.name,
      ...upload,
      ...(counted ? { quotaReserved: counted } : {}),
      ...(this.job.report ? { awaitsReport: true as const } : {}),
    };
    await untilReachable(this.store, () => this.store.journal.appendUpload(entry), {
      clock: { now: this.ctx.now, sleep: this.ctx.sleep },
      signal: this.ctx.signal,
      onWait: (error, attempt) => {
        if (attempt > 1) return;
        this.out.warn(
          `${this.label} is uploaded as ${upload.videoId}, but ${this.store.description} does not answer ` +
            `(${(error as Error).message}); recording it as soon as it does. If this run is stopped first, its ` +
            'saved session lets the next run record it: nothing is uploaded again.',
        );
      },
    });
  }

  private uploaded(result: ProviderResult, convergence: Convergence | undefined): UploadOutcome {
    if (result.finishedEarlier) {
      this.out.info(
        `An earlier run uploaded ${this.label} completely but was stopped before recording it; recorded now, nothing sent again.`,
      );
    }
    if (convergence?.kind === 'differs')
      this.out.info(`${result.id} was created with the metadata of that earlier run, not all of this one's.`);
    return {
      provider: this.provider.name,
      id: result.id,
      url: this.provider.videoUrl(result.id, this.where()),
      ...(result.title ? { title: result.title } : {}),
      ...(result.privacyStatus ? { privacyStatus: result.privacyStatus } : {}),
      file: result.file,
      bytes: result.bytes,
      ...(result.contentHash ? { contentHash: result.contentHash } : {}),
      seconds: result.seconds,
      resumed: result.resumed,
      alreadyUploaded: false,
      finishedEarlier: result.finishedEarlier,
      retries: result.retries,
      sessionRestarts: result.sessionRestarts,
      bytesSent: result.bytesSent,
      playlists: [],
      captions: [],
      ...(result.extra ?? {}),
    };
  }

  private alreadyUploaded(
    found: Exclude<ConfirmedPrevious, { kind: 'none' }>,
    result: ProviderResult,
    convergence: Convergence | undefined,
  ): UploadOutcome {
    const { previous } = found;
    const sample =
      found.kind === 'sampleOnly'
        ? ' (recorded by an older vupload without a content hash: matched by size and samples only)'
        : '';
    // A dead run from a pipe made it, and this run found and recorded it (pipe-sessions.ts).
    const earlierRun = this.pipes?.recovered.has(previous.videoId) === true;
    const from = earlierRun ? ' by the earlier run from a pipe' : '';
    // --force makes a second video (and spends 1600 units): never the advice for other metadata (issue 27, item 3).
    const kind = convergence?.kind ?? 'same';
    const tail = {
      same: ' (--force uploads it again).',
      differs: '.',
      unknown:
        '. The metadata it was uploaded with was not recorded (an older vupload), so it is not compared with this ' +
        `command's; ${
          this.provider.update
            ? `\`vupload update ${previous.videoId} …\` changes it`
            : `change it on ${this.provider.videoUrl(previous.videoId, this.where())}`
        }.`,
    }[kind];
    this.out.info(
      this.plan.stdin
        ? `${this.label} has the content uploaded as ${previous.videoId}${from} on ${previous.entry.time}; its last ` +
            `request was not sent, so no second video was made${tail}`
        : `${this.label} was already uploaded as ${previous.videoId}${from} on ${previous.entry.time}${sample}; ` +
            `nothing ${kind === 'differs' ? 'uploaded again' : 'sent'}${tail}`,
    );
    // What it is called as far as the journal knows: a re-run may have updated the title since.
    const recordedTitle = previous.metadata?.fields['snippet.title'];
    const title = typeof recordedTitle === 'string' ? recordedTitle : previous.entry.title;
    const outcome = alreadyUploadedOutcome(
      this.provider,
      {
        id: previous.videoId,
        title,
        file: this.plan.file,
        bytes: previous.entry.size,
        contentHash: found.kind === 'confirmed' ? found.contentHash : undefined,
        seconds: result.seconds,
      },
      this.where(),
    );
    // A pipe was sent but for its last request; a file was not sent at all.
    return {
      ...outcome,
      finishedEarlier: earlierRun,
      retries: result.retries,
      sessionRestarts: result.sessionRestarts,
      bytesSent: result.bytesSent,
    };
  }

  /** The video exists but the journal could not take its id: say where, keep the session, do nothing more. */
  private unrecorded(outcome: UploadOutcome, cause: unknown): JobResult {
    const code = (cause as NodeJS.ErrnoException).code;
    const failure = new VuploadError(
      'notRecorded',
      // A database that did not answer (5) or an interruption (130/143) keeps its own exit code.
      isVuploadError(cause) ? cause.exitCode : ExitCode.api,
      `could not record it in ${this.store.journal.location} (${code ?? (cause as Error).message}).`,
      {
        hint: this.plan.stdin
          ? 'Its session is kept: the next upload from a pipe with this profile asks it and records this video ' +
            '(and so does an upload of a file with its content). No steps were done.'
          : `The upload session is kept: once ${this.store.description} can be written again, running the same ` +
            'command records this video instead of uploading it again. No steps or housekeeping were done.',
        cause,
      },
    );
    outcome.error = errorJson(failure);
    return { outcome, failure };
  }

  /**
   * Counts the steps still to do, less what `counted` today holds of them already. A run stopped before its steps
   * (a resumed session) began none of them: they are covered whole. A run stopped during them (its upload found in
   * the journal) may have made any of their calls: only the inserts a re-run finds done by asking first (playlist
   * items, captions) are covered; its lookups and checks, and a thumbnail set again, are this run's own calls.
   */
  private async reserveSteps(
    done: ReadonlySet<string>,
    fresh: boolean,
    counted: QuotaReservation | undefined,
  ): Promise<void> {
    const { quota } = this.provider;
    if (!this.ledger || quota.kind !== 'units') return;
    const today = counted?.day === quota.day(new Date(this.ctx.now())) ? new Set(counted.steps) : new Set();
    const pending = this.provider.steps.wanted(this.plan).filter((s) => !done.has(s));
    const covered = pending.filter((s) => today.has(s));
    const paid = fresh
      ? quota.cost({ insert: false, steps: covered, fresh: true })
      : quota.askedFirst(covered);
    const cost = quota.cost({ insert: false, steps: pending, fresh }) - paid;
    if (cost === 0) return;
    await this.reserve(cost);
  }

  /** Brings an uploaded video's metadata to what the command sets (converge.ts); the outcome says what changed. */
  private async converge(outcome: UploadOutcome, differs: Differs): Promise<void> {
    const { converge } = await import('./converge.js');
    const result = await converge(differs, {
      provider: this.provider,
      videoId: outcome.id,
      update: this.job.update !== false,
      out: this.out,
      run: { ctx: this.ctx, globals: this.globals, out: this.out, session: () => this.login() },
      journal: this.store.journal,
      prepare: async (cost) => {
        await this.holdLock();
        if (this.ledger && cost > 0) await this.reserve(cost, `update ${outcome.id}`);
      },
      unspent: (units) => this.spent(-units),
    });
    Object.assign(outcome, result);
    const title = 'updated' in result ? result.updated.find((c) => c.field === 'snippet.title') : undefined;
    if (typeof title?.after === 'string') outcome.title = title.after;
  }

  /**
   * Reserves `cost` units, after logging in (a missing login spends nothing); more than the budget is refused.
   * Returns the Pacific day they were counted on.
   */
  private async reserve(cost: number, action = `upload ${this.label}`): Promise<string> {
    const { checkCostFitsBudget, quotaExceededError, waitForReset } = await import(
      '../../unattended/quota.js'
    );
    const { quota } = this.provider;
    if (quota.kind !== 'units') throw new Error('reserve(): the provider counts no units');
    checkCostFitsBudget({ cost, budget: this.job.quota, action });
    await this.login();
    for (;;) {
      const now = new Date(this.ctx.now());
      const check = await this.ledger!.reserve({
        account: this.account,
        cost,
        budget: this.job.quota,
        budgetGiven: this.job.quotaGiven === true,
        now,
      });
      if (check.ok && check.askingAgain && !this.askedAgain) {
        this.askedAgain = true;
        this.out.info(
          `YouTube answered quotaExceeded earlier today for ${this.account}; asking it again, as --quota ${this.job.quota} was given.`,
        );
      }
      if (check.ok) return quota.day(now);
      if (this.job.onQuota !== 'wait')
        throw quotaExceededError({ account: this.account, check, now, action });
      this.out.info(
        `The daily quota of ${this.account} is spent; waiting until it resets at ${check.resetAt.toISOString()}.`,
      );
      await waitForReset({
        resetAt: check.resetAt,
        now: this.ctx.now,
        sleep: this.ctx.sleep,
        signal: this.ctx.signal,
      });
    }
  }

  private async steps(outcome: UploadOutcome, done: ReadonlySet<string>, fresh: boolean): Promise<void> {
    if (this.provider.steps.wanted(this.plan).some((s) => !done.has(s))) await this.holdLock();
    await this.provider.steps.run(this.plan, outcome.id, outcome, {
      ctx: this.ctx,
      globals: this.globals,
      out: this.out,
      session: () => this.login(),
      done,
      fresh: fresh && !this.relocked,
      locks: this.store.locks,
      record: (step, ok, detail) =>
        this.store.journal.recordStep({
          videoId: outcome.id,
          step,
          ok,
          now: this.ctx.now,
          ...(detail ? { detail } : {}),
        }),
      spent: (units) => this.spent(units),
    });
  }

  /** Corrects the ledger by `units` beyond what was reserved (negative: reserved but not spent). */
  private async spent(units: number): Promise<void> {
    await this.ledger?.spend(this.account, units).catch((failure: unknown) => {
      if (!this.store.isUnreachable(failure)) throw failure;
      this.out.warn(`${units} quota units could not be counted: ${(failure as Error).message}`);
    });
  }

  /**
   * --move-to / --delete-after act only on a file whose whole content is a recorded, finished upload (issue 11):
   * never on a match by samples alone; and only once the file on disk is proven to be that content (afterUpload).
   */
  private async housekeeping(
    outcome: UploadOutcome,
    skipped: Exclude<ConfirmedPrevious, { kind: 'none' }> | undefined,
  ): Promise<void> {
    if (!this.job.moveTo && !this.job.deleteAfter) return;
    await this.holdLock();
    const contentHash = outcome.contentHash;
    const recorded =
      contentHash !== undefined &&
      (await this.store.journal.isRecordedUpload({
        account: this.account,
        provider: this.provider.name,
        contentHash,
        videoId: outcome.id,
      }));
    if (!recorded || contentHash === undefined) {
      const why =
        skipped?.kind === 'sampleOnly'
          ? 'its earlier upload was recorded without a content hash, so it cannot be confirmed to be this file'
          : 'its content is not a recorded, finished upload';
      this.out.warn(`${this.label} was left where it is: ${why}.`);
      return;
    }
    const { afterUpload } = await import('../../unattended/housekeeping.js');
    // The file on disk now is proven to be this content before it is moved or deleted (issue 29, item 1).
    const kept = await afterUpload({
      file: this.plan.file,
      videoId: outcome.id,
      content: { contentHash, size: outcome.bytes },
      journal: this.store.journal,
      complete: true,
      ...(this.job.moveTo ? { moveTo: this.job.moveTo } : {}),
      deleteAfter: Boolean(this.job.deleteAfter),
      now: this.ctx.now,
    });
    outcome.housekeeping = kept.action === 'deleted' ? 'deleted' : kept.path;
    const link = kept.link ? ' (a symbolic link; the file it leads to stays where it is)' : '';
    if (kept.action === 'moved') this.out.info(`Moved ${this.label} to ${kept.path}${link}.`);
    if (kept.action === 'deleted') this.out.info(`Deleted ${this.plan.file}${link}.`);
  }
}

export type { PreviousUpload };

/** The result of content the journal shows uploaded: nothing sent (also a file vupload moved away earlier, gone.ts). */
export function alreadyUploadedOutcome(
  provider: Pick<Provider, 'name' | 'videoUrl'>,
  found: { id: string; title?: string; file: string; bytes: number; contentHash?: string; seconds: number },
  where: { ctx: CliContext; globals: GlobalOptions },
): UploadOutcome {
  return {
    provider: provider.name,
    id: found.id,
    url: provider.videoUrl(found.id, where),
    ...(found.title !== undefined ? { title: found.title } : {}),
    file: found.file,
    bytes: found.bytes,
    ...(found.contentHash !== undefined ? { contentHash: found.contentHash } : {}),
    seconds: found.seconds,
    resumed: false,
    alreadyUploaded: true,
    finishedEarlier: false,
    retries: 0,
    sessionRestarts: 0,
    bytesSent: 0,
    playlists: [],
    captions: [],
  };
}

/** A reservation as a record read from disk or a database holds it (anything else counts as none). */
function isReservation(value: unknown): value is QuotaReservation {
  const r = value as QuotaReservation | undefined;
  return typeof r?.day === 'string' && Array.isArray(r.steps) && r.steps.every((s) => typeof s === 'string');
}
