// This file is the PeerTube emulator's persisted state: users, channels, tokens, videos, captions and playlists.
// Resumable sessions are not here: uploadx keeps them itself (files and .META files under resumable-uploads/).
import type { TranscodingOutcome } from './types.js';

export interface UserRec {
  id: number;
  username: string;
  /** scrypt of the password with `salt` (the state file holds no password). */
  passwordHash: string;
  salt: string;
  videoQuota: number;
  videoQuotaDaily: number;
  /** Base32 TOTP secret when two-factor authentication is on. */
  otpSecret?: string;
  blocked: boolean;
  createdAt: number;
  lastLoginAt?: number;
  watchLaterId: number;
}

export interface ChannelRec {
  id: number;
  userId: number;
  name: string;
  displayName: string;
  createdAt: number;
}

export interface TokenRec {
  userId: number;
  refreshToken: string;
  accessExpiresAt: number;
  refreshExpiresAt: number;
}

export interface FileRec {
  size: number;
  /** '' until computed (a kept media file is hashed on first use). */
  sha256: string;
  mimeType: string;
  /** File name under media/ when kept. */
  file?: string;
}

export interface CaptionRec extends FileRec {
  language: string;
  filename: string;
  updatedAt: number;
}

export interface VideoRec {
  id: number;
  uuid: string;
  userId: number;
  channelId: number;
  name: string;
  privacy: number;
  category: number | null;
  licence: number | null;
  language: string | null;
  description: string | null;
  support: string | null;
  tags: string[];
  nsfw: boolean;
  commentsPolicy: number;
  downloadEnabled: boolean;
  waitTranscoding: boolean;
  originallyPublishedAt: number | null;
  createdAt: number;
  updatedAt: number;
  publishedAt: number;
  /** Transcoding ends at this time (sandbox clock), with `outcome`. */
  processedAt: number;
  outcome: TranscodingOutcome;
  /** The file the upload delivered: its original name (videoSource.inputFilename), size and hash. */
  inputFilename: string;
  media: FileRec;
  thumbnail?: FileRec;
  captions: Record<string, CaptionRec>;
}

export interface PlaylistRec {
  id: number;
  uuid: string;
  ownerId: number;
  channelId: number | null;
  displayName: string;
  description: string | null;
  privacy: number;
  type: 1 | 2;
  createdAt: number;
  updatedAt: number;
  elements: Array<{
    id: number;
    videoId: number | null;
    startTimestamp: number | null;
    stopTimestamp: number | null;
  }>;
}

export interface PtState {
  version: 1;
  client: { id: string; secret: string };
  seq: { user: number; channel: number; video: number; playlist: number; element: number };
  users: Record<string, UserRec>;
  channels: Record<string, ChannelRec>;
  /** By access token. */
  tokens: Record<string, TokenRec>;
  videos: Record<string, VideoRec>;
  playlists: Record<string, PlaylistRec>;
  nextOutcome?: TranscodingOutcome;
}

export function emptyState(client: { id: string; secret: string }): PtState {
  // Id 1 is PeerTube's `root` administrator on every instance; the emulator's users start at 2.
  return {
    version: 1,
    client,
    seq: { user: 1, channel: 1, video: 0, playlist: 1, element: 0 },
    users: {},
    channels: {},
    tokens: {},
    videos: {},
    playlists: {},
  };
}
