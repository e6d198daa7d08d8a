// This file is the YouTube provider of the upload job: the resumable engine with progress, its dry run, its steps.
import { basename } from 'node:path';
import { recordedMetadata } from '../../unattended/recorded-metadata.js';
import type { SessionFate } from '../../upload/ask-session.js';
import type { SessionRecord } from '../../upload/session-store.js';
import { QUOTA_COST } from '../../youtube/quota.js';
import { apiUrl, type CliContext, type GlobalOptions } from '../context.js';
import { formatBytes, formatDuration } from '../format.js';
import { prepareUpload, type UploadPlan } from './prepare.js';
import type { MetadataUpdater, ProviderResult, ProviderRun, UploadProvider } from './provider.js';
import { STDIN_LABEL } from './stdin.js';
import { wantedSteps } from './steps.js';

/** `…/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status[&notifySubscribers=false]`. */
export function initUrl(apiRoot: string, plan: UploadPlan): string {
  const url = new URL(`${apiRoot}/upload/youtube/v3/videos`);
  url.searchParams.set('uploadType', 'resumable');
  url.searchParams.set('part', plan.parts.join(','));
  if (plan.notifySubscribers !== undefined)
    url.searchParams.set('notifySubscribers', String(plan.notifySubscribers));
  return url.toString();
}

/** What --dry-run prints: the requests that would be sent, with the token redacted. */
export function dryRunRequests(apiRoot: string, plan: UploadPlan): unknown[] {
  const auth = { Authorization: 'Bearer <redacted>' };
  const requests: unknown[] = [
    {
      method: 'POST',
      url: initUrl(apiRoot, plan),
      headers: {
        ...auth,
        'Content-Type': 'application/json; charset=UTF-8',
        ...(plan.stdin ? {} : { 'X-Upload-Content-Length': String(plan.size) }),
        'X-Upload-Content-Type': plan.contentType,
      },
      body: plan.resource,
    },
    plan.stdin
      ? {
          method: 'PUT',
          url: '<session URI>',
          chunkSize: plan.chunkSize,
          headers: { 'Content-Range': `bytes A-B/* (the last chunk: bytes A-B/TOTAL)` },
          file: STDIN_LABEL,
          ...(plan.limitRate ? { limitRate: plan.limitRate } : {}),
        }
      : plan.chunkSize && plan.chunkSize < plan.size
        ? {
            method: 'PUT',
            url: '<session URI>',
            chunks: Math.ceil(plan.size / plan.chunkSize),
            chunkSize: plan.chunkSize,
            file: plan.file,
            ...(plan.limitRate ? { limitRate: plan.limitRate } : {}),
          }
        : {
            method: 'PUT',
            url: '<session URI>',
            headers: { 'Content-Length': String(plan.size) },
            file: plan.file,
            ...(plan.limitRate ? { limitRate: plan.limitRate } : {}),
          },
  ];
  if (plan.thumbnail) {
    requests.push({
      method: 'POST',
      url: `${apiRoot}/upload/youtube/v3/thumbnails/set?videoId=<new id>`,
      headers: auth,
      file: plan.thumbnail,
    });
  }
  for (const playlist of plan.playlists) {
    requests.push({
      method: 'POST',
      url: `${apiRoot}/youtube/v3/playlistItems?part=snippet`,
      headers: auth,
      playlist,
    });
  }
  for (const caption of plan.captions) {
    requests.push({
      method: 'POST',
      url: `${apiRoot}/upload/youtube/v3/captions?part=snippet`,
      headers: auth,
      file: caption.path,
      language: caption.language,
    });
  }
  return requests;
}

/** The resumable engine with progress on stderr; the id is journaled before the session is forgotten. */
async function uploadVideo(run: ProviderRun): Promise<ProviderResult> {
  const { plan, ctx, globals, out } = run;
  const engine = await import('../../upload/index.js');
  const { mapApiError } = await import('../../youtube/errors.js');
  const label = plan.stdin ? STDIN_LABEL : basename(plan.file);
  // Opened on the first request: a run that finds its content uploaded already needs no login. "Connecting" is
  // said once the login is open, so a missing login or client secrets is the first thing the run says.
  let connecting = false;
  const session = async () => {
    const opened = await run.login();
    if (!connecting) {
      connecting = true;
      out.startSpinner(`Connecting to upload ${label}${plan.stdin ? '' : ` (${formatBytes(plan.size)})`}…`);
    }
    return opened;
  };
  for (const note of plan.notes) out.info(note);
  let result: Awaited<ReturnType<typeof engine.uploadResumable>>;
  try {
    const common = {
      initUrl: initUrl(apiUrl(globals, ctx.env), plan),
      sessionUrlAllowed: (await import('../../credential-url.js')).sessionUrlRule(apiUrl(globals, ctx.env)),
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
        const video = r.response as { id?: string; snippet?: { title?: string } };
        return run.record({
          videoId: video.id ?? '',
          file: r.path,
          size: r.size,
          fingerprint: r.fingerprint,
          ...(plan.stdin ? {} : { mtimeMs: r.mtimeMs }),
          ...(r.contentHash ? { contentHash: r.contentHash } : {}),
          title: video.snippet?.title ?? (r.metadata as UploadPlan['resource']).snippet?.title,
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
    throw mapApiError(error, { operation: 'videos.insert', action: `upload ${label}` });
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
  const video = result.response as {
    id?: string;
    snippet?: { title?: string };
    status?: { privacyStatus?: string };
  };
  const id = video.id ?? '';
  out.stopSpinner(
    result.finishedEarlier
      ? `${label} had been uploaded completely by an earlier run: https://youtu.be/${id}`
      : `Uploaded ${label} in ${formatDuration(result.elapsedMs / 1000)}: https://youtu.be/${id}`,
  );
  const earlier = JSON.stringify(result.metadata) !== JSON.stringify(plan.resource);
  return {
    ...base,
    id,
    title: video.snippet?.title ?? '',
    privacyStatus: video.status?.privacyStatus ?? '',
    ...(earlier ? { earlierMetadata: result.metadata } : {}),
    ...(result.recordError !== undefined ? { recordError: result.recordError } : {}),
  };
}

/** videos.list, then videos.update of only the parts that change, each sent whole (src/youtube/update.ts). */
const updateMetadata: MetadataUpdater = {
  cost: QUOTA_COST['videos.list'] + QUOTA_COST['videos.update'],
  async apply(run, videoId, fields) {
    const { createYouTubeClient } = await import('../../youtube/api.js');
    const { inputFromFields } = await import('../../youtube/update.js');
    const { ctx, globals, out } = run;
    const yt = createYouTubeClient({
      apiUrl: apiUrl(globals, ctx.env),
      auth: await (await run.login()).client(),
      sleep: ctx.sleep,
      random: ctx.random,
      now: ctx.now,
      signal: ctx.signal,
      onRetry: (e) => out.info(`Retrying: ${JSON.stringify(e)}`),
    });
    const { parts } = await yt.updateVideo(videoId, inputFromFields(fields));
    // Nothing to change (a run killed before its record did it, or it was set elsewhere): only videos.list was sent.
    return parts.length > 0 ? this.cost : QUOTA_COST['videos.list'];
  },
};
/** Asks a session an earlier run from a pipe saved, with this run's login and retries (src/upload/ask-session.ts). */
async function askPipeSession(
  record: SessionRecord,
  run: Pick<ProviderRun, 'ctx' | 'globals' | 'login'> & { retries?: number },
): Promise<SessionFate> {
  const { askSession } = await import('../../upload/ask-session.js');
  const { sessionUrlRule } = await import('../../credential-url.js');
  const root = apiUrl(run.globals, run.ctx.env);
  return askSession({
    uri: record.sessionUri,
    sessionUrlAllowed: sessionUrlRule(root),
    auth: {
      headers: async () => (await run.login()).headers(),
      refresh: async () => (await run.login()).refresh(),
    },
    retries: run.retries,
    random: run.ctx.random,
    clock: { now: run.ctx.now, sleep: run.ctx.sleep },
    signal: run.ctx.signal,
  });
}

export const youtubeProvider: UploadProvider = {
  name: 'youtube',
  countsQuota: true,
  prepare: prepareUpload,
  dryRun: async (plan: UploadPlan, globals: GlobalOptions, ctx: CliContext) =>
    dryRunRequests(apiUrl(globals, ctx.env), plan),
  wantedSteps,
  upload: uploadVideo,
  videoUrl: (id) => `https://youtu.be/${id}`,
  update: updateMetadata,
  pipeSessions: { apiRoot: (globals, ctx) => apiUrl(globals, ctx.env), ask: askPipeSession },
};
