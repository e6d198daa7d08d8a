// This file is vupload's small client over @googleapis/youtube: the API root, retries and error mapping in one place.
import { setTimeout as delay } from 'node:timers/promises';
import { type MethodOptions, youtube, type youtube_v3 } from '@googleapis/youtube';
import type { OAuth2Client } from 'google-auth-library';
import type { VuploadError } from '../../errors.js';
import { insertCaption, insertCaptionOnce } from './captions.js';
import { CUT_ANSWER, mapApiError } from './errors.js';
import type { MetadataInput } from './metadata.js';
import {
  addToPlaylist,
  addToPlaylistOnce,
  createPlaylist,
  listPlaylists,
  type PlaylistSummary,
  resolvePlaylist,
} from './playlists.js';
import type { ApiOperation } from './quota.js';
import type { WritablePart } from './resource.js';
import { type RetryOptions, withRetry } from './retry.js';
import { flattenStatus, type VideoStatusView, type WaitOptions, waitUntilProcessed } from './status.js';
import { setThumbnail } from './thumbnail.js';
import { type DiffEntry, planUpdate, type UpdatePlan } from './update.js';

export interface YouTubeClientOptions {
  /** `https://www.googleapis.com`, the sandbox's url or a proxy; every call, uploads included, goes there. */
  apiUrl: string;
  /** A google-auth-library OAuth2Client with credentials (it refreshes the access token itself). */
  auth: OAuth2Client;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  signal?: AbortSignal;
  /** Attempts per call for 429/5xx/rate limits (default 4). */
  maxAttempts?: number;
  /** Per-request time limit for the JSON calls and thumbnails (default 120 s; captions have none). */
  timeoutMs?: number;
  /** For the local time of the quota reset in messages; the system zone by default. */
  timeZone?: string;
  onRetry?: RetryOptions['onRetry'];
}

/** The writable parts, read before an update so that complete parts can be sent back (API-NOTES §4). */
export const UPDATE_PARTS: WritablePart[] = ['snippet', 'status', 'recordingDetails', 'localizations'];
const STATUS_PARTS = ['snippet', 'status', 'processingDetails'];

/** What the split files (playlists, thumbnails, captions) need from the client. */
export interface ApiCaller {
  readonly yt: youtube_v3.Youtube;
  call<T>(
    operation: ApiOperation,
    action: string,
    request: (options: MethodOptions) => Promise<{ data: T }>,
  ): Promise<T>;
  /** A 404-style error for `reason`, worded like the API's own (e.g. videoNotFound when videos.list is empty). */
  notFound(operation: ApiOperation, action: string, reason: string): VuploadError;
}

export class YouTubeClient implements ApiCaller {
  /** `${apiUrl}/`: googleapis joins paths onto it. */
  readonly rootUrl: string;
  readonly yt: youtube_v3.Youtube;
  private readonly retry: RetryOptions;
  private readonly signal?: AbortSignal;
  private readonly timeoutMs: number;

  constructor(options: YouTubeClientOptions) {
    this.rootUrl = `${options.apiUrl.replace(/\/+$/, '')}/`;
    this.signal = options.signal;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    // gaxios would retry on its own with real timers; ours is injectable, so its retries are off (retry: false).
    // googleapis-common pins its own google-auth-library copy; the two OAuth2Client types differ only in private
    // fields, and at run time googleapis just calls auth.request(), so the project's client is passed through.
    const auth = options.auth as unknown as youtube_v3.Options['auth'];
    this.yt = youtube({ version: 'v3', auth, rootUrl: this.rootUrl, retry: false });
    this.retry = {
      maxAttempts: options.maxAttempts,
      sleep: options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal })),
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      signal: options.signal,
      timeZone: options.timeZone,
      onRetry: options.onRetry,
    };
  }

  /**
   * Runs one API call with retries. `rootUrl` goes into every call's options: the service-level one is not applied
   * to media uploads (API-NOTES §9), and passing it everywhere keeps one rule.
   */
  call<T>(
    operation: ApiOperation,
    action: string,
    request: (options: MethodOptions) => Promise<{ data: T }>,
  ) {
    // A hung connection must not hang the command; a caption file (up to 100 MB) may legitimately take long.
    const timeout = operation === 'captions.insert' ? 0 : this.timeoutMs;
    const options: MethodOptions = { rootUrl: this.rootUrl, retry: false, signal: this.signal, timeout };
    return withRetry(
      operation,
      action,
      async () => {
        const { data } = await request(options);
        // gaxios hands back the text of a JSON answer it could not parse: an answer cut short. It is asked again
        // (idempotent calls), never read as an empty answer (videos.list's would say "videoNotFound").
        if (typeof data === 'string' && data.trim() !== '')
          throw Object.assign(
            new Error(`the answer was cut short or is not JSON (${data.length} characters)`),
            {
              code: CUT_ANSWER,
            },
          );
        return data;
      },
      this.retry,
    );
  }

  notFound(operation: ApiOperation, action: string, reason: string): VuploadError {
    return mapApiError({ status: 404, reason }, { operation, action });
  }

  /** videos.list for one video; a missing video is a videoNotFound error (exit 1). */
  async getVideo(id: string, parts: readonly string[] = UPDATE_PARTS): Promise<youtube_v3.Schema$Video> {
    const action = `read video ${id}`;
    const data = await this.call('videos.list', action, (o) =>
      this.yt.videos.list({ id: [id], part: [...parts] }, o),
    );
    const video = data.items?.[0];
    if (!video) throw this.notFound('videos.list', action, 'videoNotFound');
    return video;
  }

  /** Reads the video and plans the update without sending it (for --dry-run). */
  async planVideoUpdate(
    id: string,
    input: MetadataInput,
  ): Promise<{ current: youtube_v3.Schema$Video; plan: UpdatePlan }> {
    const current = await this.getVideo(id, UPDATE_PARTS);
    return { current, plan: planUpdate(current, input, { now: this.retry.now() }) };
  }

  /**
   * videos.list → planUpdate → videos.update with only the changed parts, each complete. With nothing to change
   * no update is sent and `parts` is empty (the caller says "nothing to change").
   */
  async updateVideo(
    id: string,
    input: MetadataInput,
  ): Promise<{ video: youtube_v3.Schema$Video; diff: DiffEntry[]; parts: WritablePart[] }> {
    const { current, plan } = await this.planVideoUpdate(id, input);
    if (plan.parts.length === 0) return { video: current, diff: [], parts: [] };
    const video = await this.call('videos.update', `update video ${id}`, (o) =>
      this.yt.videos.update({ part: plan.parts, requestBody: plan.body as youtube_v3.Schema$Video }, o),
    );
    return { video, diff: plan.diff, parts: plan.parts };
  }

  /** A flat status view; `requestedPrivacy` flags the private lock of unaudited projects (API-NOTES §2). */
  async getStatus(id: string, requestedPrivacy?: string): Promise<VideoStatusView> {
    return flattenStatus(await this.getVideo(id, STATUS_PARTS), requestedPrivacy);
  }

  /** Polls getStatus with growing pauses until processing succeeded, failed, was rejected or terminated. */
  waitForProcessing(
    id: string,
    options: Partial<WaitOptions> & { requestedPrivacy?: string } = {},
  ): Promise<VideoStatusView> {
    return waitUntilProcessed(() => this.getStatus(id, options.requestedPrivacy), {
      ...options,
      sleep: options.sleep ?? this.retry.sleep,
      now: options.now ?? this.retry.now,
      signal: options.signal ?? this.signal,
    });
  }

  setThumbnail(videoId: string, path: string, flag?: string) {
    return setThumbnail(this, videoId, path, flag);
  }

  listPlaylists(): Promise<PlaylistSummary[]> {
    return listPlaylists(this);
  }

  resolvePlaylist(idOrTitle: string, options: Parameters<typeof resolvePlaylist>[2] = {}) {
    return resolvePlaylist(this, idOrTitle, options);
  }

  createPlaylist(title: string, privacyStatus = 'private') {
    return createPlaylist(this, title, privacyStatus);
  }

  addToPlaylist(videoId: string, playlistId: string) {
    return addToPlaylist(this, videoId, playlistId);
  }

  /** Adds the video unless the playlist holds it already (playlistItems.list first). */
  addToPlaylistOnce(videoId: string, playlistId: string) {
    return addToPlaylistOnce(this, videoId, playlistId);
  }

  insertCaption(videoId: string, path: string, language: string, name?: string) {
    return insertCaption(this, videoId, path, language, name);
  }

  /** Uploads the caption track unless the video has one of that language and name (captions.list first). */
  insertCaptionOnce(videoId: string, path: string, language: string, name?: string) {
    return insertCaptionOnce(this, videoId, path, language, name);
  }

  /** videoCategories.list for a region (default US); `assignable` says whether a video may use it. */
  async listCategories(
    regionCode = 'US',
    hl?: string,
  ): Promise<Array<{ id: string; title: string; assignable: boolean }>> {
    const data = await this.call(
      'videoCategories.list',
      `list the video categories of region ${regionCode}`,
      (o) => this.yt.videoCategories.list({ part: ['snippet'], regionCode, ...(hl ? { hl } : {}) }, o),
    );
    return (data.items ?? []).map((c) => ({
      id: c.id ?? '',
      title: c.snippet?.title ?? '',
      assignable: c.snippet?.assignable ?? false,
    }));
  }

  /** The logged-in channel (channels.list mine=true); an account without a channel is youtubeSignupRequired. */
  async getMyChannel(): Promise<{
    id: string;
    title: string;
    customUrl?: string;
    uploadsPlaylistId?: string;
  }> {
    const action = 'read your channel';
    const data = await this.call('channels.list', action, (o) =>
      this.yt.channels.list({ part: ['snippet', 'contentDetails'], mine: true }, o),
    );
    const channel = data.items?.[0];
    if (!channel?.id)
      throw mapApiError(
        { status: 401, reason: 'youtubeSignupRequired' },
        { operation: 'channels.list', action },
      );
    const result: { id: string; title: string; customUrl?: string; uploadsPlaylistId?: string } = {
      id: channel.id,
      title: channel.snippet?.title ?? '',
    };
    if (channel.snippet?.customUrl) result.customUrl = channel.snippet.customUrl;
    const uploads = channel.contentDetails?.relatedPlaylists?.uploads;
    if (uploads) result.uploadsPlaylistId = uploads;
    return result;
  }
}

/** Creates the client; load this module lazily (dynamic import) so `--help` does not pay for googleapis. */
/** Each retry as a line on stderr (Output.retry): `Retry 1 in 2s: videos.list: HTTP 503`. */
export function retryLine(out: {
  retry(event: { attempt: number; delayMs: number; reason: string }): void;
}): NonNullable<RetryOptions['onRetry']> {
  return ({ operation, attempt, delayMs, why }) =>
    out.retry({ attempt, delayMs, reason: `${operation}: ${why}` });
}

export function createYouTubeClient(options: YouTubeClientOptions): YouTubeClient {
  return new YouTubeClient(options);
}
