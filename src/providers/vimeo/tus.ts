// This file is Vimeo's tus upload for the engine: the creation (POST /me/videos with the tus approach; its answer's
// upload.upload_link is the session), tus HEAD/PATCH on that link without any credential but the link, and the
// finish confirmed by Vimeo (GET /videos/{id}?fields=upload.status). It also keeps "one video per upload" where
// Vimeo makes the video before the first byte: a create whose answer was lost is found again, and a video whose
// upload can never be finished is deleted (docs/providers.md, "Vimeo").
import { createHash } from 'node:crypto';
import { ExitCode, VuploadError } from '../../errors.js';
import type { ProviderStateStore } from '../../state/store.js';
import {
  type ProtocolContext,
  protocolError,
  type TransportResponse,
  tusProtocol,
  type UploadProtocol,
} from '../../upload/index.js';
import { rateLimitReset, type VimeoApi, videoIdOf } from './api.js';

type Json = Record<string, unknown>;

/** What a session keeps of its video (the session record's `data`), and what a finished upload describes. */
export interface VimeoVideoData {
  /** `/videos/123`. */
  uri: string;
  /** The video's page (`link`). */
  link?: string;
  name?: string;
  /** privacy.view as Vimeo answered it. */
  privacy?: string;
}

/** Written before POST /me/videos and removed once the session it made is saved: a create that may have happened. */
interface PendingCreate {
  at: number;
  name: string;
  size: number;
  /** sha256 of what the create sent (its metadata and password): a video made with other values is not taken. */
  request: string;
}

const requestOf = (metadata: unknown, password: string | undefined): string =>
  createHash('sha256')
    .update(JSON.stringify([metadata, password ?? null]))
    .digest('hex');

/** Vimeo's clock and ours differ: a created_time this much before our record still counts. */
const CLOCK_SKEW_MS = 10 * 60_000;
const VIDEO_FIELDS = 'uri,name,link,privacy.view,upload.status';

export interface VimeoTusOptions {
  api(): Promise<VimeoApi>;
  /** Where the pending-create record lives (the job's provider state, so a fleet shares it) and its key. */
  state: ProviderStateStore;
  key: string;
  /** The credential rule for upload links (upload.ts): a link it refuses is never asked. */
  linkAllowed(url: string): boolean;
  password?: string;
  now(): number;
  info(message: string): void;
  warn(message: string): void;
}

export function dataOf(video: Json): VimeoVideoData {
  const privacy = (video.privacy ?? {}) as Json;
  return {
    uri: String(video.uri),
    ...(typeof video.link === 'string' ? { link: video.link } : {}),
    ...(typeof video.name === 'string' ? { name: video.name } : {}),
    ...(typeof privacy.view === 'string' ? { privacy: privacy.view } : {}),
  };
}

const uploadOf = (video: Json) => (video.upload ?? {}) as Json;

/** The video in a create's answer, when it is whole: its uri and tus upload link. */
function videoIn(res: TransportResponse): Json | undefined {
  try {
    const video = JSON.parse(res.body.toString('utf8')) as Json;
    return typeof video?.uri === 'string' && typeof uploadOf(video).upload_link === 'string'
      ? video
      : undefined;
  } catch {
    return undefined;
  }
}

/** Vimeo answers a 429 with the reset time (X-RateLimit-Reset), not Retry-After: the engine waits on the latter. */
function withRetryAfter(res: TransportResponse, now: number): TransportResponse {
  if (res.status !== 429 || res.headers['retry-after'] !== undefined) return res;
  const reset = rateLimitReset(res);
  if (reset === undefined) return res;
  return {
    ...res,
    headers: { ...res.headers, 'retry-after': String(Math.max(1, Math.ceil((reset - now) / 1000))) },
  };
}

/**
 * The tus protocol with Vimeo's creation and finish (src/upload/tus.ts does HEAD and PATCH), and the engine's
 * findFinished for a kept session whose link is gone.
 */
export function vimeoTus(o: VimeoTusOptions): {
  protocol: UploadProtocol;
  findFinished(session: { data?: unknown }): Promise<VimeoVideoData | undefined>;
} {
  /** The video of this run's latest session: if the engine creates again, its link died. */
  let current: VimeoVideoData | undefined;
  /** Whether the pending-create record was dealt with since the last create (a kept session's run leaves none). */
  let settled = false;
  const clearPending = async () => {
    if (settled) return;
    settled = true;
    if ((await o.state.load(o.key)) !== undefined) await o.state.remove(o.key);
  };

  /** Deletes a video whose upload can never be finished (its link is gone, or it was given up for good). */
  const retire = async (video: VimeoVideoData): Promise<void> => {
    const api = await o.api();
    const id = videoIdOf(video.uri);
    const action = `delete the interrupted upload ${id}`;
    try {
      const found = await api.find(`/videos/${id}`, { query: { fields: 'upload.status' }, action });
      if (!found || uploadOf(found).status === 'complete') return;
      await api.delete(`/videos/${id}`, { action });
      o.info(`Deleted video ${id}: it held an interrupted upload that cannot be continued.`);
    } catch (error) {
      o.warn(
        `video ${id} holds an interrupted upload and could not be deleted (${(error as Error).message}); delete it on Vimeo.`,
      );
    }
  };

  /** A video the pending create made (its answer lost, or the run killed before saving it), still empty. */
  const adopt = async (
    ctx: ProtocolContext,
    record: PendingCreate,
    size: number,
  ): Promise<Json | undefined> => {
    const api = await o.api();
    const videos = await api.list(
      '/me/videos',
      {
        query: { fields: 'uri,name,link,privacy.view,created_time,upload', sort: 'date', direction: 'desc' },
        action: 'list the videos to find an interrupted create',
      },
      100,
    );
    for (const video of videos) {
      const upload = uploadOf(video);
      const created = Date.parse(String(video.created_time));
      if (!(created >= record.at - CLOCK_SKEW_MS)) continue;
      if (video.name !== record.name || Number(upload.size) !== size || upload.status !== 'in_progress')
        continue;
      if (typeof upload.upload_link !== 'string' || !o.linkAllowed(upload.upload_link)) continue;
      // Only an empty one: bytes in it came from some other upload (the engine starts this one at 0).
      const head = await base.query(ctx, upload.upload_link, size);
      if (base.classify(head, size) !== 'incomplete' || base.offset(head) !== 0) continue;
      return video;
    }
    return undefined;
  };

  const base = tusProtocol({
    async create(ctx, url, { metadata, size }) {
      if (current) {
        await retire(current);
        current = undefined;
      }
      const resource = metadata as { name: string };
      const request = requestOf(metadata, o.password);
      const earlier = (await o.state.load(o.key)) as PendingCreate | undefined;
      if (earlier && typeof earlier.at === 'number') {
        const found = await adopt(ctx, earlier, size ?? 0);
        if (found && earlier.request === request) {
          o.info(`Continuing video ${videoIdOf(String(found.uri))}, which an interrupted run created.`);
          settled = false;
          return { status: 200, headers: {}, body: Buffer.from(JSON.stringify(found)) };
        }
        // Made with other metadata than this run's (journaled as made with this run's): replaced, not kept.
        if (found) await retire(dataOf(found));
      }
      await o.state.save(o.key, {
        at: o.now(),
        name: resource.name,
        size: size ?? 0,
        request,
      } satisfies PendingCreate);
      settled = false;
      const body = Buffer.from(
        JSON.stringify({
          upload: { approach: 'tus', size },
          ...(metadata as object),
          ...(o.password !== undefined ? { password: o.password } : {}),
        }),
      );
      const res = await ctx.transport.request({
        method: 'POST',
        url,
        headers: {
          ...(await ctx.auth.headers()),
          'Content-Type': 'application/json',
          'Content-Length': String(body.length),
        },
        body,
        signal: ctx.signal,
      });
      // A refusal (4xx, a 429 too) made nothing: no video to look for next time, and no list call spent on it.
      if (res.status >= 400 && res.status < 500) await clearPending();
      if ((res.status === 200 || res.status === 201) && !videoIn(res)) {
        // Cut short: the video may exist. Asked again as after a lost connection; the pending create finds it.
        throw Object.assign(
          new Error(`Vimeo's answer to the create was cut short (${res.body.length} bytes)`),
          { code: 'ERR_STREAM_PREMATURE_CLOSE' },
        );
      }
      return withRetryAfter(res, o.now());
    },
    session(res) {
      const video = videoIn(res);
      if (!video)
        throw protocolError('Vimeo created no tus upload (no uri or upload.upload_link in its answer)');
      current = dataOf(video);
      return { uri: String(uploadOf(video).upload_link), data: current };
    },
  });

  const protocol: UploadProtocol = {
    ...base,
    // The session is saved before the first request on it: the pending create is settled.
    async send(ctx, uri, body, start, end, total, contentType) {
      await clearPending();
      return base.send(ctx, uri, body, start, end, total, contentType);
    },
    async query(ctx, uri, total) {
      await clearPending();
      return base.query(ctx, uri, total);
    },
    async cancel(_ctx, _uri, data) {
      if ((data as VimeoVideoData | undefined)?.uri) await retire(data as VimeoVideoData);
    },
    async finished(_ctx, { data }) {
      const video = data as VimeoVideoData;
      const id = videoIdOf(video.uri);
      const answer = await (await o.api()).get(`/videos/${id}`, {
        query: { fields: VIDEO_FIELDS },
        action: `confirm the upload of video ${id}`,
      });
      const status = uploadOf(answer).status;
      if (status === 'complete') return { done: { ...video, ...dataOf({ ...answer, uri: video.uri }) } };
      if (status === 'error')
        throw new VuploadError(
          'uploadFailed',
          ExitCode.api,
          `Vimeo says the upload of video ${id} failed (upload.status error).`,
          { hint: 'Check that the file plays locally, then upload it again with --restart.' },
        );
      return { retry: `Vimeo holds every byte of video ${id} but says its upload is ${String(status)}` };
    },
  };

  /** A session the server no longer knows: its video if the upload finished; else that video is deleted. */
  const findFinished = async ({ data }: { data?: unknown }): Promise<VimeoVideoData | undefined> => {
    const video = data as VimeoVideoData | undefined;
    if (!video?.uri) return undefined;
    const id = videoIdOf(video.uri);
    const found = await (await o.api()).find(`/videos/${id}`, {
      query: { fields: VIDEO_FIELDS },
      action: `ask about video ${id}`,
    });
    if (found && uploadOf(found).status === 'complete')
      return { ...video, ...dataOf({ ...found, uri: video.uri }) };
    if (found) await retire(video);
    if (current?.uri === video.uri) current = undefined;
    return undefined;
  };

  return { protocol, findFinished };
}
