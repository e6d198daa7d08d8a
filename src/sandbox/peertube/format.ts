// This file renders resources in PeerTube's API shapes: models/video/formatter/video-api-format.ts, the account and
// channel toFormattedJSON()s, VideoCaptionModel, VideoPlaylistModel and UserModel.toMeFormattedJSON().
import {
  PLAYLIST_PRIVACIES,
  PLAYLIST_TYPES,
  STATE,
  VIDEO_CATEGORIES,
  VIDEO_COMMENTS_POLICY,
  VIDEO_LICENCES,
  VIDEO_PRIVACIES,
  VIDEO_STATES,
} from './constants.js';
import type { PtCore } from './core.js';
import { VIDEO_LANGUAGES } from './languages.js';
import type { CaptionRec, ChannelRec, PlaylistRec, UserRec, VideoRec } from './state.js';
import { uuidToShort } from './uuid.js';

const label = (table: Readonly<Record<string, string>>, id: number | string | null) =>
  (id === null ? undefined : table[String(id)]) ?? 'Unknown';
const constant = (table: Readonly<Record<string, string>>, id: number | string | null) => ({
  id,
  label: label(table, id),
});

/** peertubeTruncate() of the description to 250 characters. */
function truncate(text: string | null): string | null {
  if (text === null || text.length <= 250) return text;
  return `${text.slice(0, 247)}...`;
}

/** The state now: "To transcode" until processing ends, then published (or failed), checked at read time. */
export function videoState(core: PtCore, v: VideoRec): number {
  if (core.now() < v.processedAt) return STATE.TO_TRANSCODE;
  return v.outcome === 'failed' ? STATE.TRANSCODING_FAILED : STATE.PUBLISHED;
}

function host(core: PtCore): string {
  return new URL(core.url).host;
}

export function accountJson(core: PtCore, user: UserRec, summary = false): Record<string, unknown> {
  const base = {
    id: user.id,
    name: user.username,
    displayName: user.username,
    url: `${core.url}/accounts/${user.username}`,
    host: host(core),
    avatars: [],
  };
  if (summary) return base;
  const at = core.iso(user.createdAt);
  return {
    ...base,
    followingCount: 0,
    followersCount: 0,
    createdAt: at,
    updatedAt: at,
    description: null,
    userId: user.id,
  };
}

export function channelJson(core: PtCore, c: ChannelRec, summary = false): Record<string, unknown> {
  const base = {
    id: c.id,
    name: c.name,
    displayName: c.displayName,
    url: `${core.url}/video-channels/${c.name}`,
    host: host(core),
    avatars: [],
  };
  if (summary) return base;
  const at = core.iso(c.createdAt);
  const owner = core.userById(c.userId)!;
  return {
    ...base,
    banners: [],
    followingCount: 0,
    followersCount: 0,
    createdAt: at,
    updatedAt: at,
    description: null,
    support: null,
    isLocal: true,
    ownerAccount: accountJson(core, owner),
  };
}

/**
 * A video: the list shape, plus `state` & co. for the owner's list (VideoInclude.NOT_PUBLISHED_STATE) or the full
 * details (GET /videos/{id}). Duration and files stay empty: the emulator neither probes nor transcodes.
 */
export function videoJson(
  core: PtCore,
  v: VideoRec,
  shape: 'list' | 'mine' | 'details',
): Record<string, unknown> {
  const owner = core.userById(v.userId)!;
  const channel = core.state.channels[v.channelId]!;
  const state = constant(VIDEO_STATES, videoState(core, v));
  const json: Record<string, unknown> = {
    id: v.id,
    uuid: v.uuid,
    shortUUID: uuidToShort(v.uuid),
    url: `${core.url}/videos/watch/${v.uuid}`,
    name: v.name,
    category: constant(VIDEO_CATEGORIES, v.category),
    licence: constant(VIDEO_LICENCES, v.licence),
    language: constant(VIDEO_LANGUAGES, v.language),
    privacy: constant(VIDEO_PRIVACIES, v.privacy),
    nsfw: v.nsfw,
    nsfwFlags: 0,
    nsfwSummary: null,
    truncatedDescription: truncate(v.description),
    description: shape === 'details' ? v.description : truncate(v.description),
    isLocal: true,
    duration: 0,
    aspectRatio: null,
    views: 0,
    viewers: 0,
    likes: 0,
    dislikes: 0,
    thumbnailPath: `/lazy-static/thumbnails/${v.uuid}.jpg`,
    previewPath: `/lazy-static/previews/${v.uuid}.jpg`,
    embedPath: `/videos/embed/${v.uuid}`,
    createdAt: core.iso(v.createdAt),
    updatedAt: core.iso(v.updatedAt),
    publishedAt: core.iso(v.publishedAt),
    originallyPublishedAt: core.iso(v.originallyPublishedAt),
    isLive: false,
    account: accountJson(core, owner, true),
    channel: channelJson(core, channel, true),
    comments: 0,
  };
  if (shape === 'mine') {
    Object.assign(json, {
      state,
      waitTranscoding: v.waitTranscoding,
      blacklisted: false,
      blacklistedReason: null,
    });
  }
  if (shape !== 'details') return json;
  return {
    ...json,
    liveSchedules: [],
    blacklisted: false,
    blacklistedReason: null,
    streamingPlaylists: [],
    files: [],
    support: v.support,
    channel: channelJson(core, channel),
    account: accountJson(core, owner),
    tags: v.tags,
    commentsPolicy: constant(VIDEO_COMMENTS_POLICY, v.commentsPolicy),
    downloadEnabled: v.downloadEnabled,
    waitTranscoding: v.waitTranscoding,
    inputFileUpdatedAt: null,
    state,
    trackerUrls: [],
  };
}

export function captionJson(core: PtCore, c: CaptionRec): Record<string, unknown> {
  const path = `/lazy-static/video-captions/${c.filename}`;
  return {
    language: constant(VIDEO_LANGUAGES, c.language),
    automaticallyGenerated: false,
    captionPath: path,
    fileUrl: `${core.url}${path}`,
    m3u8Url: null,
    updatedAt: core.iso(c.updatedAt),
  };
}

export function playlistJson(core: PtCore, p: PlaylistRec): Record<string, unknown> {
  const owner = core.userById(p.ownerId)!;
  const channel = p.channelId === null ? undefined : core.state.channels[p.channelId];
  return {
    id: p.id,
    uuid: p.uuid,
    shortUUID: uuidToShort(p.uuid),
    isLocal: true,
    url: `${core.url}/video-playlists/${p.uuid}`,
    displayName: p.displayName,
    description: p.description,
    privacy: constant(PLAYLIST_PRIVACIES, p.privacy),
    thumbnailPath: null,
    thumbnailUrl: null,
    embedPath: `/video-playlists/embed/${p.uuid}`,
    type: constant(PLAYLIST_TYPES, p.type),
    videosLength: p.elements.length,
    createdAt: core.iso(p.createdAt),
    updatedAt: core.iso(p.updatedAt),
    ownerAccount: accountJson(core, owner, true),
    videoChannel: channel ? channelJson(core, channel, true) : null,
  };
}

/** GET /api/v1/users/me (UserModel.toMeFormattedJSON: toFormattedJSON with admin flags and special playlists). */
export function meJson(core: PtCore, user: UserRec): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    email: `${user.username}@sandbox.invalid`,
    theme: 'instance-default',
    pendingEmail: null,
    emailPublic: false,
    emailVerified: true,
    nsfwPolicy: 'do_not_list',
    p2pEnabled: true,
    videosHistoryEnabled: true,
    autoPlayVideo: true,
    autoPlayNextVideo: false,
    autoPlayNextVideoPlaylist: true,
    videoLanguages: null,
    role: { id: 2, label: 'User' },
    videoQuota: user.videoQuota,
    videoQuotaDaily: user.videoQuotaDaily,
    noInstanceConfigWarningModal: false,
    noWelcomeModal: true,
    noAccountSetupWarningModal: true,
    blocked: user.blocked,
    blockedReason: null,
    account: accountJson(core, user),
    videoChannels: core.channelsOf(user.id).map((c) => channelJson(core, c)),
    createdAt: core.iso(user.createdAt),
    pluginAuth: null,
    lastLoginDate: user.lastLoginAt === undefined ? null : core.iso(user.lastLoginAt),
    twoFactorEnabled: user.otpSecret !== undefined,
    adminFlags: 0,
    specialPlaylists: [{ id: user.watchLaterId, name: 'Watch later', type: 2 }],
  };
}
