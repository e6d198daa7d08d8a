// This file is YouTube's upload: the initiation URL and its dry run, the upload through the shared resumable runner,
// and the metadata update a re-run or `vupload update` makes.
import { apiUrl } from '../../cli/context.js';
import { STDIN_LABEL } from '../../cli/upload/stdin.js';
import type { SessionFate } from '../../upload/ask-session.js';
import type { SessionRecord } from '../../upload/session-store.js';
import type { MetadataUpdater, ProviderResult, ProviderRun, ProviderSession, Request } from '../contract.js';
import { resumableUpload } from '../resumable-upload.js';
import type { YouTubeSession } from './auth/open.js';
import { updateCommand } from './commands.js';
import type { YouTubePlan } from './prepare.js';
import { QUOTA_COST } from './quota.js';

/** `…/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status[&notifySubscribers=false]`. */
export function initUrl(apiRoot: string, plan: YouTubePlan): string {
  const url = new URL(`${apiRoot}/upload/youtube/v3/videos`);
  url.searchParams.set('uploadType', 'resumable');
  url.searchParams.set('part', plan.parts.join(','));
  if (plan.notifySubscribers !== undefined)
    url.searchParams.set('notifySubscribers', String(plan.notifySubscribers));
  return url.toString();
}

/** What --dry-run prints: the requests that would be sent, with the token redacted. */
export function dryRunRequests(apiRoot: string, plan: YouTubePlan): unknown[] {
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

/** YouTube's upload: the resumable engine at the Data API's initiation URL (API-NOTES §1). */
export async function uploadVideo(run: ProviderRun<YouTubePlan>): Promise<ProviderResult> {
  const { plan, ctx, globals } = run;
  const root = apiUrl(globals, ctx.env);
  const { sessionUrlRule } = await import('../../credential-url.js');
  const { mapApiError } = await import('./errors.js');
  return resumableUpload(run, {
    createUrl: initUrl(root, plan),
    sessionUrlAllowed: sessionUrlRule(root),
    describe: (response, metadata) => {
      const video = response as {
        id?: string;
        snippet?: { title?: string };
        status?: { privacyStatus?: string };
      };
      return {
        id: video.id ?? '',
        title: video.snippet?.title ?? (metadata as YouTubePlan['resource']).snippet?.title,
        ...(video.status?.privacyStatus ? { privacyStatus: video.status.privacyStatus } : {}),
      };
    },
    videoUrl: (id) => `https://youtu.be/${id}`,
    to: '',
    mapError: (error, action) => mapApiError(error, { operation: 'videos.insert', action }),
  });
}

/** videos.list, then videos.update of only the parts that change, each sent whole (update.ts). */
export const updateMetadata: MetadataUpdater = {
  cost: QUOTA_COST['videos.list'] + QUOTA_COST['videos.update'],
  async apply(run, videoId, fields) {
    const { createYouTubeClient, retryLine } = await import('./api.js');
    const { inputFromFields } = await import('./update.js');
    const { ctx, globals, out } = run;
    const yt = createYouTubeClient({
      apiUrl: apiUrl(globals, ctx.env),
      auth: await ((await run.session()) as YouTubeSession).client(),
      sleep: ctx.sleep,
      random: ctx.random,
      now: ctx.now,
      signal: ctx.signal,
      onRetry: retryLine(out),
    });
    const { parts } = await yt.updateVideo(videoId, inputFromFields(fields));
    // Nothing to change (a run killed before its record did it, or it was set elsewhere): only videos.list was sent.
    return parts.length > 0 ? this.cost : QUOTA_COST['videos.list'];
  },
  command: updateCommand,
};

/** Asks a session an earlier run from a pipe saved, with this run's login and retries (src/upload/ask-session.ts). */
export async function askPipeSession(
  record: SessionRecord,
  run: Pick<Request, 'ctx' | 'globals'> & { session(): Promise<ProviderSession>; retries?: number },
): Promise<SessionFate> {
  const { askSession } = await import('../../upload/ask-session.js');
  const { sessionUrlRule } = await import('../../credential-url.js');
  const root = apiUrl(run.globals, run.ctx.env);
  return askSession({
    uri: record.sessionUri,
    sessionUrlAllowed: sessionUrlRule(root),
    auth: {
      headers: async () => (await run.session()).headers(),
      refresh: async () => (await run.session()).refresh(),
    },
    retries: run.retries,
    random: run.ctx.random,
    clock: { now: run.ctx.now, sleep: run.ctx.sleep },
    signal: run.ctx.signal,
  });
}
