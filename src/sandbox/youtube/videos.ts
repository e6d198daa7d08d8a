// This file turns stored video records into API resources (by part, owner-aware) and applies insert/update rules.

import { ApiError } from '../errors.js';
import { sniffContainer } from '../media.js';
import type { Core } from './core.js';
import { outcomeFromMedia, processingView } from './processing.js';
import { type MediaRec, newEtag, randomId, type VideoRec } from './store.js';
import type { VideoFields } from './validate.js';

/** Creates the video an upload produced, with YouTube's defaults for what the client left out. */
export function createVideo(
  core: Core,
  owner: string,
  fields: VideoFields,
  media: MediaRec,
  fileName: string | undefined,
): VideoRec {
  const state = core.store.state;
  let id = randomId(11);
  while (state.videos[id]) id = randomId(11);
  const status = { ...fields.status };
  // Unaudited API projects: uploads are locked to private (API-NOTES §2).
  if (core.opts.unverifiedProject) status.privacyStatus = 'private';
  const outcome = state.nextOutcome ?? outcomeFromMedia(media);
  delete state.nextOutcome;
  const video: VideoRec = {
    id,
    owner,
    etag: newEtag(),
    createdAt: core.now(),
    fields: { ...fields, snippet: { ...fields.snippet }, status },
    fileName,
    media,
    processing: { startedAt: core.now(), durationMs: core.opts.processingMs, outcome },
  };
  state.videos[id] = video;
  core.quota.countUpload(owner);
  return video;
}

/**
 * videos.update: every mutable property of each named part is replaced, and one the body leaves out is
 * cleared (seed: youtube-videos-update.tr.txt). snippet.defaultAudioLanguage is not in the seed's settable list.
 */
export function applyUpdate(core: Core, video: VideoRec, fields: VideoFields): void {
  const f = video.fields;
  if (fields.snippet) {
    f.snippet = { ...fields.snippet, defaultAudioLanguage: f.snippet?.defaultAudioLanguage };
  }
  if (fields.status) {
    const wanted = fields.status.privacyStatus ?? 'public';
    if (core.opts.unverifiedProject && wanted !== 'private') {
      throw new ApiError(
        403,
        'forbiddenPrivacySetting',
        'Videos uploaded by an unverified API project are locked to private.',
        { domain: 'youtube.video' },
      );
    }
    f.status = { ...fields.status };
  }
  if (fields.recordingDetails) f.recordingDetails = { ...fields.recordingDetails };
  if (fields.localizations) f.localizations = { ...fields.localizations };
  video.etag = newEtag();
}

/** The snippet.thumbnails map (also the item of a thumbnailSetResponse). */
export function thumbnailSet(video: VideoRec): Record<string, unknown> {
  const base = `https://i.ytimg.com/vi/${video.id}`;
  const sizes: Array<[string, string, number, number]> = [
    ['default', 'default', 120, 90],
    ['medium', 'mqdefault', 320, 180],
    ['high', 'hqdefault', 480, 360],
  ];
  if (video.thumbnail)
    sizes.push(['standard', 'sddefault', 640, 480], ['maxres', 'maxresdefault', 1280, 720]);
  return Object.fromEntries(
    sizes.map(([key, file, width, height]) => [key, { url: `${base}/${file}.jpg`, width, height }]),
  );
}

/** The video as videos.list shows it to `viewer`: only the named parts; owner-only parts hidden from others. */
export function videoResource(
  core: Core,
  video: VideoRec,
  parts: readonly string[] | 'all',
  viewer: string | undefined,
): Record<string, unknown> {
  const want = (p: string) => parts === 'all' || parts.includes(p);
  const isOwner = viewer === video.owner;
  const now = core.now();
  const proc = processingView(video, now);
  const sn = video.fields.snippet ?? {};
  const st = video.fields.status ?? {};
  const channel = core.user(video.owner);
  const out: Record<string, unknown> = { kind: 'youtube#video', etag: video.etag, id: video.id };
  // A scheduled video turns public when publishAt passes.
  const published =
    st.publishAt !== undefined && Date.parse(st.publishAt) <= now && st.privacyStatus === 'private';
  if (want('snippet')) {
    const localized = sn.defaultLanguage ? video.fields.localizations?.[sn.defaultLanguage] : undefined;
    out.snippet = {
      publishedAt: core.iso(video.createdAt),
      channelId: channel.channelId,
      title: sn.title ?? '',
      description: sn.description ?? '',
      thumbnails: thumbnailSet(video),
      channelTitle: channel.channelTitle,
      ...(sn.tags && sn.tags.length > 0 ? { tags: sn.tags } : {}),
      categoryId: sn.categoryId ?? '22',
      liveBroadcastContent: 'none',
      ...(sn.defaultLanguage ? { defaultLanguage: sn.defaultLanguage } : {}),
      localized: {
        title: localized?.title || sn.title || '',
        description: localized?.description || sn.description || '',
      },
      ...(sn.defaultAudioLanguage ? { defaultAudioLanguage: sn.defaultAudioLanguage } : {}),
    };
  }
  if (want('contentDetails')) {
    out.contentDetails = {
      duration: 'P0D',
      dimension: '2d',
      definition: 'sd',
      caption: Object.values(core.store.state.captions).some((c) => c.videoId === video.id)
        ? 'true'
        : 'false',
      licensedContent: false,
      contentRating: {},
      projection: 'rectangular',
      ...(isOwner ? { hasCustomThumbnail: Boolean(video.thumbnail) } : {}),
    };
  }
  if (want('status')) {
    out.status = {
      uploadStatus: proc.uploadStatus,
      ...(proc.failureReason ? { failureReason: proc.failureReason } : {}),
      ...(proc.rejectionReason ? { rejectionReason: proc.rejectionReason } : {}),
      privacyStatus: published ? 'public' : (st.privacyStatus ?? 'public'),
      ...(st.publishAt && !published ? { publishAt: st.publishAt } : {}),
      license: st.license ?? 'youtube',
      embeddable: st.embeddable ?? true,
      publicStatsViewable: st.publicStatsViewable ?? true,
      madeForKids: st.selfDeclaredMadeForKids ?? false,
      ...(st.selfDeclaredMadeForKids !== undefined
        ? { selfDeclaredMadeForKids: st.selfDeclaredMadeForKids }
        : {}),
      ...(st.containsSyntheticMedia !== undefined
        ? { containsSyntheticMedia: st.containsSyntheticMedia }
        : {}),
    };
  }
  if (want('statistics'))
    out.statistics = { viewCount: '0', likeCount: '0', favoriteCount: '0', commentCount: '0' };
  if (want('player')) {
    out.player = {
      embedHtml: `<iframe width="480" height="270" src="//www.youtube.com/embed/${video.id}" frameborder="0" allowfullscreen></iframe>`,
    };
  }
  if (want('recordingDetails')) out.recordingDetails = { ...video.fields.recordingDetails };
  if (want('localizations') && Object.keys(video.fields.localizations ?? {}).length > 0) {
    out.localizations = video.fields.localizations;
  }
  if (isOwner && want('fileDetails')) {
    const container = sniffContainer(Buffer.from(video.media.head, 'base64'));
    out.fileDetails = {
      fileName: video.fileName ?? '',
      fileSize: String(video.media.size),
      fileType: container ? 'video' : 'other',
      ...(container ? { container } : {}),
    };
  }
  if (isOwner && want('processingDetails')) out.processingDetails = proc.details;
  if (isOwner && want('suggestions')) {
    out.suggestions = {
      processingErrors: proc.uploadStatus === 'failed' ? ['notAVideoFile'] : [],
      processingWarnings: [],
      processingHints: [],
      tagSuggestions: [],
      editorSuggestions: [],
    };
  }
  return out;
}

/** Whether `viewer` may see the video at all (others' private videos are invisible, as on YouTube). */
export function visibleTo(core: Core, video: VideoRec, viewer: string): boolean {
  if (video.owner === viewer) return true;
  const privacy = (videoResource(core, video, ['status'], viewer).status as { privacyStatus: string })
    .privacyStatus;
  return privacy !== 'private';
}
