// This file performs one upload: the resumable engine with progress on stderr, the journal, then the steps after it.
import { basename } from 'node:path';
import { isVuploadError, type VuploadError } from '../../errors.js';
import { stateDir } from '../../paths.js';
import { apiUrl, type CliContext, type GlobalOptions } from '../context.js';
import { formatBytes, formatDuration } from '../format.js';
import type { Output } from '../output.js';
import { openAuth } from '../session.js';
import { initUrl, type UploadPlan } from './prepare.js';

export interface UploadOutcome {
  id: string;
  url: string;
  title: string;
  privacyStatus: string;
  file: string;
  bytes: number;
  seconds: number;
  resumed: boolean;
  retries: number;
  sessionRestarts: number;
  bytesSent: number;
  thumbnail?: string;
  playlists: Array<{ id: string; title: string; created: boolean }>;
  captions: Array<{ id: string; language: string }>;
  processing?: unknown;
  /** A step after the upload failed: the video exists, its id is still the result. */
  error?: { code: string; message: string; exitCode: number };
}

export async function runUpload(
  plan: UploadPlan,
  ctx: CliContext,
  globals: GlobalOptions,
  out: Output,
): Promise<{ outcome: UploadOutcome; failure?: VuploadError }> {
  const root = apiUrl(globals, ctx.env);
  const auth = await openAuth(ctx, globals, out);
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
      initUrl: initUrl(root, plan),
      metadata: plan.resource,
      account: globals.profile,
      auth: { headers: () => auth.headers(), refresh: () => auth.refresh() },
      contentType: plan.contentType,
      store: engine.createFileSessionStore(engine.sessionsDir(state)),
      chunkSize: plan.chunkSize,
      limitRate: plan.limitRate,
      retries: plan.retries,
      restart: plan.restart,
      random: ctx.random,
      clock: { now: ctx.now, sleep: ctx.sleep },
      signal: ctx.signal,
      onProgress: (p) =>
        out.progress(`Uploading ${label}:`, {
          confirmed: p.confirmed,
          total: p.total,
          rate: p.rate,
          eta: p.etaSeconds,
          retries: p.retries,
        }),
      onRetry: (e) => out.info(`Retry ${e.attempt} in ${formatDuration(e.delayMs / 1000)}: ${e.reason}`),
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
    if (error instanceof engine.HttpError)
      throw mapApiError(error, { operation: 'videos.insert', action: `upload ${label}` });
    throw error;
  }
  const video = result.response as {
    id?: string;
    snippet?: { title?: string };
    status?: { privacyStatus?: string };
  };
  const id = video.id ?? '';
  // The id is never lost: journal it before anything else can fail.
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
  const outcome: UploadOutcome = {
    id,
    url: `https://youtu.be/${id}`,
    title: video.snippet?.title ?? '',
    privacyStatus: video.status?.privacyStatus ?? '',
    file: plan.file,
    bytes: result.size,
    seconds: Math.round(seconds * 1000) / 1000,
    resumed: result.resumed,
    retries: result.retries,
    sessionRestarts: result.sessionRestarts,
    bytesSent: result.bytesSent,
    playlists: [],
    captions: [],
  };
  try {
    await afterUpload(plan, outcome, ctx, globals, out, auth.client);
  } catch (error) {
    const failure = isVuploadError(error) ? error : mapApiError(error);
    outcome.error = { code: failure.code, message: failure.message, exitCode: failure.exitCode };
    return { outcome, failure };
  }
  return { outcome };
}

/** Thumbnail, playlists, captions, --wait, --open: the video exists already, so a failure here keeps its id. */
async function afterUpload(
  plan: UploadPlan,
  outcome: UploadOutcome,
  ctx: CliContext,
  globals: GlobalOptions,
  out: Output,
  client: Parameters<typeof import('../../youtube/api.js').createYouTubeClient>[0]['auth'],
): Promise<void> {
  if (!plan.thumbnail && plan.playlists.length === 0 && plan.captions.length === 0 && !plan.wait) {
    if (plan.open) await ctx.openUrl(outcome.url);
    return;
  }
  const { createYouTubeClient } = await import('../../youtube/api.js');
  const { processingError } = await import('../../youtube/status.js');
  const yt = createYouTubeClient({
    apiUrl: apiUrl(globals, ctx.env),
    auth: client,
    sleep: ctx.sleep,
    random: ctx.random,
    now: ctx.now,
    signal: ctx.signal,
    onRetry: (e) => out.info(`Retrying: ${JSON.stringify(e)}`),
  });
  if (plan.thumbnail) {
    const thumb = await yt.setThumbnail(outcome.id, plan.thumbnail);
    outcome.thumbnail = thumb.url ?? plan.thumbnail;
    out.info(`Thumbnail set from ${basename(plan.thumbnail)}.`);
  }
  for (const wanted of plan.playlists) {
    const playlist = await yt.resolvePlaylist(wanted, { create: plan.createPlaylist });
    if (playlist.created) out.info(`Created playlist "${playlist.title}" (${playlist.id}).`);
    await yt.addToPlaylist(outcome.id, playlist.id);
    outcome.playlists.push({ id: playlist.id, title: playlist.title, created: playlist.created });
    out.info(`Added to playlist "${playlist.title}".`);
  }
  for (const caption of plan.captions) {
    const track = await yt.insertCaption(outcome.id, caption.path, caption.language);
    outcome.captions.push({ id: track.id, language: caption.language });
    out.info(`Caption ${basename(caption.path)} (${caption.language}) added.`);
  }
  if (plan.wait) {
    out.startSpinner('Waiting for YouTube to process the video…');
    const view = await yt.waitForProcessing(outcome.id, {
      requestedPrivacy: plan.resource.status?.privacyStatus,
      onUpdate: (v) => {
        const parts = v.partsTotal ? ` ${v.partsProcessed ?? 0}/${v.partsTotal} parts` : '';
        const left = v.timeLeftMs ? `, about ${formatDuration(v.timeLeftMs / 1000)} left` : '';
        out.progressText(`Processing: ${v.state}${parts}${left}`);
      },
    });
    outcome.processing = view;
    const failed = processingError(view);
    out.stopSpinner(`Processing ${view.state}.`, !failed);
    if (view.notice) out.warn(view.notice);
    if (failed) throw failed;
  }
  if (plan.open) await ctx.openUrl(outcome.url);
}
