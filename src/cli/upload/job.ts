// This file is one upload job under its lock: the provider's upload with the job's hooks, then the work after it.
// Each durable step is written before the side effect that depends on it (STYLE.md, "Crash ordering").
import { basename } from 'node:path';
import { errorJson, isVuploadError, type VuploadError } from '../../errors.js';
import type {
  Provider,
  ProviderResult,
  ProviderSession,
  RecordedUpload,
  UploadPlan,
} from '../../providers/contract.js';
import type { JobLock } from '../../state/job-lock.js';
import type { StateStore } from '../../state/store.js';
import type { ConfirmedPrevious } from '../../unattended/journal.js';
import { CONTENT_HASH_ALGORITHM } from '../../upload/content-hash.js';
import type { RecordedMetadata } from '../../upload/journal.js';
import type { CliContext, GlobalOptions } from '../context.js';
import type { Output } from '../output.js';
import { convergeMetadata, housekeeping, reportIfOwed, steps } from './after-upload.js';
import type { JobOptions } from './job-options.js';
import { JobQuota } from './job-quota.js';
import { alreadyUploaded, type JobResult, unrecorded, uploadedOutcome } from './outcome.js';
import type { PipeSessions } from './pipe-sessions.js';
import { STDIN_LABEL } from './stdin.js';

export class Job {
  readonly label: string;
  /** Where this job runs, for what a provider derives from the profile (a video's page on a PeerTube instance). */
  readonly where: { ctx: CliContext; globals: GlobalOptions };
  readonly quota: JobQuota;
  private auth: Promise<ProviderSession> | undefined;
  /** The whole content's hash per algorithm, computed at most once each (journal check, a fleet's session). */
  private readonly contentHashes = new Map<string, Promise<string>>();
  /** The lock was lost and taken again: another machine may have done steps meanwhile, so they ask first. */
  relocked = false;
  /** What the journal said when a new upload was about to start. */
  private previous: ConfirmedPrevious = { kind: 'none' };
  /** What this run journaled the upload with (record). */
  private recordedMetadata: RecordedMetadata | undefined;

  constructor(
    readonly plan: UploadPlan,
    readonly provider: Provider,
    readonly ctx: CliContext,
    readonly globals: GlobalOptions,
    readonly out: Output,
    readonly options: JobOptions,
    private readonly fingerprint: string,
    readonly store: StateStore,
    /** Whose uploads these are for the journal (Provider.account; the profile by default). */
    readonly account: string,
    /** None for a pipe. */
    private readonly lock?: JobLock,
    /** Saved sessions of uploads from a pipe: this run's own (a pipe), and dead runs' to ask before a new video. */
    readonly pipes?: PipeSessions,
  ) {
    this.label = plan.stdin ? STDIN_LABEL : basename(plan.file);
    this.where = { ctx, globals };
    this.quota = new JobQuota(this);
  }

  async run(): Promise<JobResult> {
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
        sessions: this.quota.keepingReservation(
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
                sessions: this.quota.keepingReservation(this.pipes.sessions),
                key: this.pipes.key,
                beforeFinal: (content) => this.beforeFinal(content),
              },
            }
          : {}),
      });
    } catch (error) {
      if (isVuploadError(error)) await this.quota.noteQuotaAnswer(error);
      await this.quota.failedBeforeSending(error);
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
      ? alreadyUploaded(this, skipped, result, convergence)
      : uploadedOutcome(this, result, convergence);
    await this.options.log?.write(
      `${outcome.alreadyUploaded ? 'already uploaded' : 'uploaded'} ${this.plan.file} as ${outcome.id}`,
    );
    if (result.recordError !== undefined) {
      const failed = unrecorded(this, outcome, result.recordError);
      // No journal line to mark: the run that records it later prints it again, with the same id.
      this.options.report?.(outcome);
      return failed;
    }
    const done = skipped?.previous.completedSteps ?? new Set<string>();
    let failure: VuploadError | undefined;
    try {
      const counted = this.quota.counted(skipped, result.resumed);
      if (convergence?.kind === 'differs') await convergeMetadata(this, outcome, convergence);
      await this.quota.reserveSteps(done, !skipped, counted);
      await steps(this, outcome, done, !skipped);
      await housekeeping(this, outcome, skipped);
    } catch (error) {
      failure = isVuploadError(error)
        ? error
        : this.provider.mapError(error, { operation: 'steps', action: `finish ${outcome.id}` });
      await this.quota.noteQuotaAnswer(failure);
      outcome.error = errorJson(failure);
      await this.options.log?.write(`step failed for ${outcome.id}: ${failure.message}`);
    }
    await reportIfOwed(this, outcome, skipped, done);
    return failure ? { outcome, failure } : { outcome };
  }

  login(): Promise<ProviderSession> {
    this.auth ??= this.provider.auth.open({ ctx: this.ctx, globals: this.globals, out: this.out });
    return this.auth;
  }

  /** Before work only the lock's holder may do: the lock is held, or taken again (job-lock.ts). */
  async holdLock(): Promise<void> {
    if (!this.lock || !(await this.lock.ensure())) return;
    this.relocked = true;
    this.out.info(
      `The connection to ${this.store.description} broke meanwhile; the lock on ${this.label} is taken again.`,
    );
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
    if (!this.options.force && !this.plan.stdin) {
      this.previous = await this.store.journal.findConfirmedUpload({
        account: this.account,
        provider: this.provider.name,
        fingerprint: this.fingerprint,
        size: this.plan.size,
        hash: (like) => this.hash(like, `Checking whether ${this.label} is the content uploaded before…`),
      });
      if (this.previous.kind !== 'none') return { skip: this.previous };
    }
    await this.quota.beforeNew();
    return undefined;
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
    if (this.options.force) return undefined;
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

  /**
   * Journals a finished upload once: a run killed after the journal line but before dropping the session finds
   * that session finished and records it again, which must not add a second line. A store that cannot be reached
   * (a database restarting) is asked again with backoff until it answers; meanwhile the session stays saved.
   */
  private async record(upload: RecordedUpload): Promise<void> {
    const { untilReachable } = await import('../../state/retry.js');
    this.recordedMetadata = upload.metadata;
    // What was counted for this upload goes with it: a run killed before its steps leaves it for the next.
    const counted = this.quota.forJournal();
    const entry = {
      time: new Date(this.ctx.now()).toISOString(),
      account: this.account,
      provider: this.provider.name,
      ...upload,
      ...(counted ? { quotaReserved: counted } : {}),
      ...(this.options.report ? { awaitsReport: true as const } : {}),
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
}
