// This file runs the shared resumable engine for a provider's upload: progress on stderr, the kept session, the
// write-ahead record, the result. YouTube, PeerTube and Vimeo upload through it; each gives its target.
import { basename } from 'node:path';
import { formatBytes, formatDuration } from '../cli/format.js';
import { STDIN_LABEL } from '../cli/upload/stdin.js';
import type { VuploadError } from '../errors.js';
import { recordedMetadata } from '../unattended/recorded-metadata.js';
import type { UploadOptions, UploadProtocol } from '../upload/index.js';
import type { ProviderResult, ProviderRun } from './contract.js';

/** Where and how a provider's upload goes. */
export interface ResumableTarget {
  /** Where a session is created: Google's initiation URL, PeerTube's upload-resumable, Vimeo's /me/videos. */
  createUrl: string;
  /** The credential rule for the session URL (src/credential-url.ts sessionUrlRule). */
  sessionUrlAllowed: (url: string) => boolean;
  /** Default: Google's resumable protocol. */
  protocol?: UploadProtocol;
  findFinished?: UploadOptions['findFinished'];
  /** What a finished upload's resource (or its session's data) says of the video. */
  describe(
    response: unknown,
    metadata: unknown,
  ): { id: string; title?: string; privacyStatus?: string; url?: string; extra?: Record<string, unknown> };
  videoUrl(id: string): string;
  /** ' to PeerTube', or '' for YouTube: how messages say where the bytes go. */
  to: string;
  mapError(error: unknown, action: string): VuploadError;
}

/**
 * Runs the resumable engine for a provider, with progress on stderr: the session saved before the first byte, the
 * finished upload journaled (run.record) before the session is forgotten. Every provider whose protocol the engine
 * speaks (Google's resumable protocol, uploadx, tus) uploads through here; the target says where and how.
 */
export async function resumableUpload(run: ProviderRun, target: ResumableTarget): Promise<ProviderResult> {
  const { plan, ctx, globals, out } = run;
  const engine = await import('../upload/index.js');
  const label = plan.stdin ? STDIN_LABEL : basename(plan.file);
  // Opened on the first request: a run that finds its content uploaded already needs no login. "Connecting" is
  // said once the login is open, so a missing login or client secrets is the first thing the run says.
  let connecting = false;
  const session = async () => {
    const opened = await run.session();
    if (!connecting) {
      connecting = true;
      out.startSpinner(
        `Connecting to upload ${label}${target.to}${plan.stdin ? '' : ` (${formatBytes(plan.size)})`}…`,
      );
    }
    return opened;
  };
  for (const note of plan.notes) out.info(note);
  let result: Awaited<ReturnType<typeof engine.uploadResumable>>;
  try {
    const common = {
      initUrl: target.createUrl,
      sessionUrlAllowed: target.sessionUrlAllowed,
      ...(target.protocol ? { protocol: target.protocol } : {}),
      ...(target.findFinished ? { findFinished: target.findFinished } : {}),
      metadata: plan.resource,
      account: globals.profile,
      auth: {
        headers: async () => (await session()).headers(),
        refresh: async () => (await session()).refresh(),
      },
      contentType: plan.contentType,
      limitRate: plan.limitRate,
      retries: plan.retries,
      timeBudgetMs: plan.timeBudgetMs,
      random: ctx.random,
      clock: { now: ctx.now, sleep: ctx.sleep },
      signal: ctx.signal,
      beforeNewSession: () => run.beforeNew(),
      record: (r: Awaited<ReturnType<typeof engine.uploadResumable>>) => {
        const video = target.describe(r.response, r.metadata);
        return run.record({
          videoId: video.id,
          file: r.path,
          size: r.size,
          fingerprint: r.fingerprint,
          ...(plan.stdin ? {} : { mtimeMs: r.mtimeMs }),
          ...(r.contentHash ? { contentHash: r.contentHash } : {}),
          ...(video.title !== undefined ? { title: video.title } : {}),
          ...(video.url !== undefined ? { url: video.url } : {}),
          // What the video was created with: this run's metadata, or an earlier run's whose session finished.
          metadata: recordedMetadata(
            r.metadata as object,
            JSON.stringify(r.metadata) === JSON.stringify(plan.resource) ? plan.templates : undefined,
          ),
        });
      },
      onProgress: (p: Parameters<typeof out.progress>[1]) => out.progress(`Uploading ${label}:`, p),
      onRetry: (e: Parameters<typeof out.retry>[0]) => out.retry(e),
      onSessionExpired: (e: { count: number }) =>
        out.warn(`the upload session expired on the server; starting again from byte 0 (${e.count}).`),
    };
    result = plan.stdin
      ? await engine.uploadStream({
          ...common,
          stream: (await ctx.stdinPipe?.()) ?? ctx.stdin,
          chunkSize: plan.chunkSize,
          name: plan.file,
          ...(run.pipe
            ? { store: run.pipe.sessions, key: run.pipe.key, beforeFinal: run.pipe.beforeFinal }
            : {}),
        })
      : await engine.uploadResumable({
          ...common,
          file: plan.file,
          store: run.sessions,
          chunkSize: plan.chunkSize,
          restart: plan.restart,
          changedIsNew: plan.changedIsNew,
          onResumed: (e) => {
            if (e.persisted)
              out.info(`Resuming the interrupted upload of ${label} at ${formatBytes(e.offset)}.`);
          },
          onSessionDiscarded: (e) => {
            const why = {
              restart: '--restart was given',
              stale: 'it is older than the server keeps sessions',
              metadataChanged: 'the metadata differs from that run',
              fileChanged: 'the file changed since that run',
            }[e.reason];
            out.info(`Not resuming the earlier interrupted upload of ${label}: ${why}.`);
          },
        });
  } catch (error) {
    out.stopSpinner();
    throw target.mapError(error, `upload ${label}${target.to}`);
  }
  const base = {
    file: plan.file,
    bytes: result.size,
    seconds: Math.round(result.elapsedMs) / 1000,
    resumed: result.resumed,
    finishedEarlier: result.finishedEarlier,
    retries: result.retries,
    sessionRestarts: result.sessionRestarts,
    bytesSent: result.bytesSent,
    ...(result.contentHash ? { contentHash: result.contentHash } : {}),
  };
  if (result.skipped !== undefined) {
    out.stopSpinner();
    return { ...base, id: '', title: '', privacyStatus: '', skipped: result.skipped };
  }
  const video = target.describe(result.response, result.metadata);
  const { id } = video;
  const page = video.url ?? target.videoUrl(id);
  out.stopSpinner(
    result.finishedEarlier
      ? `${label} had been uploaded completely${target.to} by an earlier run: ${page}`
      : `Uploaded ${label}${target.to} in ${formatDuration(result.elapsedMs / 1000)}: ${page}`,
  );
  const earlier = JSON.stringify(result.metadata) !== JSON.stringify(plan.resource);
  return {
    ...base,
    id,
    title: video.title ?? '',
    privacyStatus: video.privacyStatus ?? '',
    ...(earlier ? { earlierMetadata: result.metadata } : {}),
    ...(video.extra ? { extra: video.extra } : {}),
    ...(result.recordError !== undefined ? { recordError: result.recordError } : {}),
  };
}
