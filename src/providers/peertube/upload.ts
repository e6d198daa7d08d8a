// This file is PeerTube's upload through the shared resumable runner: POST /videos/upload-resumable with the
// metadata, the chunks to uploadx's Location, and — since PeerTube deletes a finished session, so that a run killed
// at the final answer finds only a 404 — the video that session made, found among the account's newest videos and
// proven by the file name and size PeerTube kept (GET /videos/{id}/source).
import type { ProviderResult, ProviderRun } from '../contract.js';
import { resumableUpload } from '../resumable-upload.js';
import { mapPeerTubeError } from './errors.js';
import { PeerTubeApiError } from './http.js';
import { apiRoot, watchUrl } from './instance.js';
import { type PeerTubePlan, type PeerTubeResource, PRIVACY } from './prepare.js';
import { peertubeResumable } from './protocol.js';
import type { PeerTubeSession } from './session.js';

/** The final answer of an upload: {video: {id, shortUUID, uuid}}. */
export interface CreatedVideo {
  video: { id: number; shortUUID: string; uuid: string };
}

interface VideoListItem {
  id: number;
  uuid: string;
  shortUUID: string;
  name: string;
  createdAt: string;
}

/** A session's clock and the instance's may differ this much; a video made earlier than that is not the session's. */
const CLOCK_SKEW_MS = 10 * 60 * 1000;
const PAGE = 100;

export const privacyName = (id: number | undefined): string | undefined =>
  Object.entries(PRIVACY).find(([, v]) => v === id)?.[0];

/**
 * The video a finished session made, or undefined: the account's videos created since the session started (newest
 * first), the first whose source is a file of the session's name and size. The name and size are what PeerTube
 * itself kept of the upload, not what the video is called now (a title can be changed; the source cannot).
 */
export async function findSessionVideo(
  session: PeerTubeSession,
  want: { filename: string; size: number; createdAt: number },
): Promise<CreatedVideo | undefined> {
  const since = want.createdAt - CLOCK_SKEW_MS;
  for (let start = 0; ; start += PAGE) {
    const page = await session.api.get<{ total: number; data: VideoListItem[] }>('/users/me/videos', {
      sort: '-createdAt',
      start,
      count: PAGE,
    });
    for (const v of page.data) {
      if (Date.parse(v.createdAt) < since) return undefined;
      const source = await session.api
        .get<{ inputFilename?: string; filename?: string; size?: number }>(`/videos/${v.id}/source`)
        .catch((error: unknown) => {
          // A video being deleted meanwhile, or one without a kept source: not this session's.
          if (error instanceof PeerTubeApiError && error.status === 404) return undefined;
          throw error;
        });
      const name = source?.inputFilename ?? source?.filename;
      if (name === want.filename && source?.size === want.size)
        return { video: { id: v.id, shortUUID: v.shortUUID, uuid: v.uuid } };
    }
    if (page.data.length === 0 || start + PAGE >= page.total) return undefined;
  }
}

/** The metadata PeerTube takes from the planned resource: the channel's name becomes its id. */
async function wireMetadata(
  session: PeerTubeSession,
  resource: PeerTubeResource,
): Promise<Record<string, unknown>> {
  const { channel, ...rest } = resource;
  let channelId: number;
  if (channel !== undefined) {
    try {
      channelId = (await session.api.get<{ id: number }>(`/video-channels/${encodeURIComponent(channel)}`))
        .id;
    } catch (error) {
      if (error instanceof PeerTubeApiError && error.status === 404) {
        const { usageError } = await import('../../errors.js');
        throw usageError(
          `--channel ${channel}: ${session.instance} has no such channel.`,
          `Channels of ${session.username}: vupload auth status --provider peertube`,
        );
      }
      throw error;
    }
  } else {
    const me = await session.api.get<{ videoChannels?: Array<{ id: number }> }>('/users/me');
    const first = me.videoChannels?.[0];
    if (!first) {
      const { usageError } = await import('../../errors.js');
      throw usageError(
        `${session.username} has no channel on ${session.instance} to upload to.`,
        'Create one first.',
      );
    }
    channelId = first.id;
  }
  return { ...rest, channelId };
}

export async function uploadToPeerTube(
  run: ProviderRun<PeerTubePlan>,
  instance: string,
): Promise<ProviderResult> {
  const { sessionUrlRule } = await import('../../credential-url.js');
  const session = async () => (await run.session()) as PeerTubeSession;
  return resumableUpload(run, {
    createUrl: `${apiRoot(instance)}/videos/upload-resumable`,
    sessionUrlAllowed: sessionUrlRule(instance),
    protocol: peertubeResumable(async (resource) =>
      wireMetadata(await session(), resource as PeerTubeResource),
    ),
    findFinished: async ({ size, metadata, createdAt }) =>
      findSessionVideo(await session(), {
        filename: (metadata as PeerTubeResource).filename,
        size,
        createdAt,
      }),
    describe: (response, metadata) => {
      const { video } = response as CreatedVideo;
      const resource = metadata as PeerTubeResource;
      return {
        id: video.shortUUID,
        title: resource.name,
        ...(privacyName(resource.privacy) ? { privacyStatus: privacyName(resource.privacy) } : {}),
        url: watchUrl(instance, video.shortUUID),
        extra: { uuid: video.uuid, numericId: video.id },
      };
    },
    videoUrl: (id) => watchUrl(instance, id),
    to: ` to ${new URL(instance).host}`,
    mapError: (error, action) => mapPeerTubeError(error, { action, profile: run.globals.profile, instance }),
  });
}
