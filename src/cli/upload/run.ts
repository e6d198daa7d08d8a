// This file performs one upload job: lock, "never twice", quota, the resumable engine, journal, steps, housekeeping.
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isVuploadError, type VuploadError } from '../../errors.js';
import { stateDir } from '../../paths.js';
import { apiUrl, type CliContext, type GlobalOptions } from '../context.js';
import { formatBytes, formatDuration } from '../format.js';
import type { Output } from '../output.js';
import { openAuth } from '../session.js';
import { initUrl, type UploadPlan } from './prepare.js';
import { runSteps, type StepOutcome, wantedSteps } from './steps.js';

export interface JobOptions {
  /** Upload even if the journal says this content was uploaded already. */
  force?: boolean;
  /** Wait for another vupload working on the same file instead of failing. */
  waitLock?: boolean;
  /** Daily quota budget in units (default 10000). */
  quota: number;
  onQuota: 'fail' | 'wait';
  moveTo?: string;
  deleteAfter?: boolean;
  log?: { write(message: string): Promise<void> };
}

export interface UploadOutcome extends StepOutcome {
  id: string;
  url: string;
  title: string;
  privacyStatus: string;
  file: string;
  bytes: number;
  seconds: number;
  resumed: boolean;
  /** True when nothing was uploaded because the journal already had this content for this account. */
  alreadyUploaded: boolean;
  retries: number;
  sessionRestarts: number;
  bytesSent: number;
  /** Where the file went after a complete upload with --move-to, or 'deleted'. */
  housekeeping?: string;
  /** A step after the upload failed: the video exists, its id is still the result. */
  error?: { code: string; message: string; exitCode: number };
}

export async function runUploadJob(
  plan: UploadPlan,
  ctx: CliContext,
  globals: GlobalOptions,
  out: Output,
  job: JobOptions,
): Promise<{ outcome: UploadOutcome; failure?: VuploadError }> {
  const engine = await import('../../upload/index.js');
  const { withLock } = await import('../../unattended/lock.js');
  const state = stateDir(ctx.env);
  const fingerprint = await engine.fingerprintFile(plan.file);
  // Two overlapping runs on the same content never upload it twice: the second waits or stops here.
  return withLock(
    {
      dir: join(state, 'locks'),
      key: fingerprint,
      label: plan.file,
      wait: job.waitLock,
      signal: ctx.signal,
      clock: { now: ctx.now, sleep: ctx.sleep },
      onWait: (holder) =>
        out.info(`Waiting for vupload (pid ${holder.pid} on ${holder.host}) to finish with ${plan.file}…`),
    },
    () => lockedJob(plan, ctx, globals, out, job, fingerprint),
  );
}

async function lockedJob(
  plan: UploadPlan,
  ctx: CliContext,
  globals: GlobalOptions,
  out: Output,
  job: JobOptions,
  fingerprint: string,
): Promise<{ outcome: UploadOutcome; failure?: VuploadError }> {
  const { findPreviousUpload, recordStep, Step } = await import('../../unattended/journal.js');
  const { QuotaLedger, estimateUploadCost } = await import('../../unattended/quota.js');
  const state = stateDir(ctx.env);
  const label = basename(plan.file);
  const account = globals.profile;
  const previous = job.force
    ? undefined
    : await findPreviousUpload({ stateDir: state, account, fingerprint, size: plan.size });
  const done = previous?.completedSteps ?? new Set<string>();
  const pending = wantedSteps(plan).filter((s) => !done.has(s));
  const ledger = QuotaLedger.inStateDir(state, { now: ctx.now, sleep: ctx.sleep });
  const engine = await import('../../upload/index.js');
  const saved = previous
    ? undefined
    : await engine
        .createFileSessionStore(engine.sessionsDir(state))
        .load(
          engine.sessionKey({ path: plan.file, account, initUrl: initUrl(apiUrl(globals, ctx.env), plan) }),
        );
  // A saved session was charged when it was created; resuming it costs nothing more. The engine's own rule says
  // whether it will be resumed (--restart, age, other metadata start a new, charged session).
  const resumable =
    saved !== undefined &&
    engine.judgeKeptSession(saved, {
      size: plan.size,
      mtimeMs: (await stat(plan.file)).mtimeMs,
      fingerprint,
      metadata: plan.resource,
      contentType: plan.contentType,
      now: ctx.now(),
      maxAgeMs: engine.DEFAULT_SESSION_MAX_AGE_MS,
      restart: plan.restart,
    }).use;
  const cost = estimateUploadCost({
    insert: !previous && !resumable,
    thumbnail: pending.includes(Step.thumbnail),
    playlists: pending.filter((s) => s.startsWith(Step.playlist(''))).length,
    captions: pending.filter((s) => s.startsWith(Step.caption(''))).length,
  });
  let auth: Awaited<ReturnType<typeof openAuth>> | undefined;
  const openAuthOnce = async () => {
    auth ??= await openAuth(ctx, globals, out);
    return auth;
  };
  if (cost > 0) {
    // Log in first: a missing login must not count units that were never spent.
    await openAuthOnce();
    await reserveQuota(ledger, account, cost, label, ctx, out, job);
  }
  let outcome: UploadOutcome;
  try {
    outcome = previous
      ? alreadyUploaded(plan, previous, out)
      : await uploadVideo(plan, ctx, globals, out, await openAuthOnce());
  } catch (error) {
    if (isVuploadError(error) && error.code === 'quotaExceeded') await ledger.markExhausted(account);
    throw error;
  }
  await job.log?.write(
    `${outcome.alreadyUploaded ? 'already uploaded' : 'uploaded'} ${plan.file} as ${outcome.id}`,
  );
  let failure: VuploadError | undefined;
  try {
    await runSteps(plan, outcome.id, outcome, {
      ctx,
      globals,
      out,
      auth: async () => (await openAuthOnce()).client,
      done,
      record: (step, ok, detail) =>
        recordStep({
          stateDir: state,
          videoId: outcome.id,
          step,
          ok,
          now: ctx.now,
          ...(detail ? { detail } : {}),
        }),
    });
    if (job.moveTo || job.deleteAfter) {
      const { afterUpload } = await import('../../unattended/housekeeping.js');
      const kept = await afterUpload({
        file: plan.file,
        videoId: outcome.id,
        stateDir: state,
        complete: true,
        ...(job.moveTo ? { moveTo: job.moveTo } : {}),
        deleteAfter: Boolean(job.deleteAfter),
        now: ctx.now,
      });
      outcome.housekeeping = kept.action === 'deleted' ? 'deleted' : kept.path;
      if (kept.action === 'moved') out.info(`Moved ${label} to ${kept.path}.`);
      if (kept.action === 'deleted') out.info(`Deleted ${plan.file}.`);
    }
  } catch (error) {
    const { mapApiError } = await import('../../youtube/errors.js');
    failure = isVuploadError(error) ? error : mapApiError(error);
    if (failure.code === 'quotaExceeded') await ledger.markExhausted(account);
    outcome.error = { code: failure.code, message: failure.message, exitCode: failure.exitCode };
    await job.log?.write(`step failed for ${outcome.id}: ${failure.message}`);
  }
  return failure ? { outcome, failure } : { outcome };
}

async function reserveQuota(
  ledger: import('../../unattended/quota.js').QuotaLedger,
  account: string,
  cost: number,
  label: string,
  ctx: CliContext,
  out: Output,
  job: JobOptions,
): Promise<void> {
  const { quotaExceededError, waitForReset } = await import('../../unattended/quota.js');
  for (;;) {
    const check = await ledger.reserve({ account, cost, budget: job.quota, now: new Date(ctx.now()) });
    if (check.ok) return;
    if (job.onQuota !== 'wait') {
      throw quotaExceededError({ account, check, now: new Date(ctx.now()), action: `upload ${label}` });
    }
    out.info(
      `The daily quota of ${account} is spent; waiting until it resets at ${check.resetAt.toISOString()}.`,
    );
    await waitForReset({ resetAt: check.resetAt, now: ctx.now, sleep: ctx.sleep, signal: ctx.signal });
  }
}

function alreadyUploaded(
  plan: UploadPlan,
  previous: { videoId: string; entry: { time: string; title?: string; size: number } },
  out: Output,
): UploadOutcome {
  out.info(
    `${basename(plan.file)} was already uploaded as ${previous.videoId} on ${previous.entry.time}; nothing sent ` +
      '(--force uploads it again).',
  );
  return {
    id: previous.videoId,
    url: `https://youtu.be/${previous.videoId}`,
    title: previous.entry.title ?? '',
    privacyStatus: '',
    file: plan.file,
    bytes: previous.entry.size,
    seconds: 0,
    resumed: false,
    alreadyUploaded: true,
    retries: 0,
    sessionRestarts: 0,
    bytesSent: 0,
    playlists: [],
    captions: [],
  };
}

/** The resumable engine with progress on stderr; the id is journaled before anything else can fail. */
async function uploadVideo(
  plan: UploadPlan,
  ctx: CliContext,
  globals: GlobalOptions,
  out: Output,
  auth: Awaited<ReturnType<typeof openAuth>>,
): Promise<UploadOutcome> {
  const engine = await import('../../upload/index.js');
  const { mapApiError } = await import('../../youtube/errors.js');
  const state = stateDir(ctx.env);
  const label = basename(plan.file);
  for (const note of plan.notes) out.info(note);
  out.startSpinner(`Connecting to upload ${label} (${formatBytes(plan.size)})…`);
  let result: Awaited<ReturnType<typeof engine.uploadResumable>>;
  try {
    result = await engine.uploadResumable({
      file: plan.file,
      initUrl: initUrl(apiUrl(globals, ctx.env), plan),
      metadata: plan.resource,
      account: globals.profile,
      auth: { headers: () => auth.headers(), refresh: () => auth.refresh() },
      contentType: plan.contentType,
      store: engine.createFileSessionStore(engine.sessionsDir(state)),
      chunkSize: plan.chunkSize,
      limitRate: plan.limitRate,
      retries: plan.retries,
      timeBudgetMs: plan.timeBudgetMs,
      restart: plan.restart,
      random: ctx.random,
      clock: { now: ctx.now, sleep: ctx.sleep },
      signal: ctx.signal,
      onProgress: (p) => out.progress(`Uploading ${label}:`, p),
      onRetry: (e) => out.retry(e),
      onResumed: (e) => {
        if (e.persisted) out.info(`Resuming the interrupted upload of ${label} at ${formatBytes(e.offset)}.`);
      },
      onSessionExpired: (e) =>
        out.warn(`the upload session expired on the server; starting again from byte 0 (${e.count}).`),
      onSessionDiscarded: (e) => {
        const why = {
          restart: '--restart was given',
          stale: 'it is older than the server keeps sessions',
          metadataChanged: 'the metadata differs from that run',
        }[e.reason];
        out.info(`Not resuming the earlier interrupted upload of ${label}: ${why}.`);
      },
    });
  } catch (error) {
    out.stopSpinner();
    throw mapApiError(error, { operation: 'videos.insert', action: `upload ${label}` });
  }
  const video = result.response as {
    id?: string;
    snippet?: { title?: string };
    status?: { privacyStatus?: string };
  };
  const id = video.id ?? '';
  await engine.appendHistory(state, {
    time: new Date(ctx.now()).toISOString(),
    account: globals.profile,
    provider: 'youtube',
    file: result.path,
    size: result.size,
    fingerprint: result.fingerprint,
    videoId: id,
    title: video.snippet?.title ?? plan.resource.snippet?.title,
  });
  const seconds = result.elapsedMs / 1000;
  out.stopSpinner(`Uploaded ${label} in ${formatDuration(seconds)}: https://youtu.be/${id}`);
  return {
    id,
    url: `https://youtu.be/${id}`,
    title: video.snippet?.title ?? '',
    privacyStatus: video.status?.privacyStatus ?? '',
    file: plan.file,
    bytes: result.size,
    seconds: Math.round(seconds * 1000) / 1000,
    resumed: result.resumed,
    alreadyUploaded: false,
    retries: result.retries,
    sessionRestarts: result.sessionRestarts,
    bytesSent: result.bytesSent,
    playlists: [],
    captions: [],
  };
}
