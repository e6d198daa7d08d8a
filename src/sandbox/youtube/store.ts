// This file holds the sandbox's whole state and writes it atomically to <dir>/state.json so a restart loses nothing.
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir } from '../../fsutil.js';
import { StateFile } from '../state-file.js';
import type { ProcessingOutcome } from './types.js';
import type { VideoFields } from './validate.js';

export interface UserRec {
  name: string;
  channelId: string;
  channelTitle: string;
  customThumbnails: boolean;
  createdAt: number;
}

export interface TokenRec {
  kind: 'access' | 'refresh';
  user: string;
  clientId: string;
  scopes: string[];
  expiresAt?: number;
  /** For an access token: the refresh token (grant) it belongs to. */
  grant?: string;
  revoked?: boolean;
}

export interface CodeRec {
  clientId: string;
  redirectUri: string;
  challenge?: string;
  method?: string;
  scopes: string[];
  user: string;
  expiresAt: number;
  used: boolean;
}

export interface MediaRec {
  size: number;
  /** '' when unknown: a hash-mode upload interrupted by a sandbox restart cannot finish its running hash. */
  sha256: string;
  /** The first bytes (base64), kept for the container check. */
  head: string;
  /** File name under media/ (full storage only). */
  file?: string;
  mimeType?: string;
}

export interface SessionRec {
  id: string;
  user: string;
  createdAt: number;
  parts: string[];
  fields: VideoFields;
  slug?: string;
  mimeType?: string;
  declaredTotal?: number;
  total?: number;
  stored: number;
  head: string;
  file?: string;
  /** True when the running sha256 was lost (hash storage + restart mid-upload). */
  hashLost?: boolean;
  videoId?: string;
  /** The body of the answer that finished the upload, repeated for later requests on the session. */
  final?: unknown;
  /** Its status (200, or 201 for the createdShare), repeated with it. */
  finalStatus?: number;
}

export interface VideoRec {
  id: string;
  owner: string;
  etag: string;
  createdAt: number;
  fields: VideoFields;
  /** Properties only YouTube sets. */
  fileName?: string;
  media: MediaRec;
  processing: { startedAt: number; durationMs: number; outcome: ProcessingOutcome };
  thumbnail?: { size: number; sha256: string; mimeType: string; setAt: number };
}

export interface PlaylistItemRec {
  id: string;
  videoId: string;
  addedAt: number;
}

export interface PlaylistRec {
  id: string;
  owner: string;
  etag: string;
  createdAt: number;
  title: string;
  description: string;
  privacyStatus: string;
  defaultLanguage?: string;
  items: PlaylistItemRec[];
}

export interface CaptionRec {
  id: string;
  videoId: string;
  language: string;
  name: string;
  isDraft: boolean;
  size: number;
  sha256: string;
  updatedAt: number;
}

export interface State {
  version: 1;
  users: Record<string, UserRec>;
  tokens: Record<string, TokenRec>;
  codes: Record<string, CodeRec>;
  sessions: Record<string, SessionRec>;
  videos: Record<string, VideoRec>;
  playlists: Record<string, PlaylistRec>;
  captions: Record<string, CaptionRec>;
  quota: { day: string; used: number; uploads: Record<string, number> };
  nextOutcome?: ProcessingOutcome;
}

function emptyState(): State {
  return {
    version: 1,
    users: {},
    tokens: {},
    codes: {},
    sessions: {},
    videos: {},
    playlists: {},
    captions: {},
    quota: { day: '', used: 0, uploads: {} },
  };
}

/** Random URL-safe id of `length` characters, like YouTube's 11-character video ids. */
export function randomId(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4) + 1)
    .toString('base64url')
    .slice(0, length);
}

export function newEtag(): string {
  return randomId(27);
}

export class Store {
  state: State = emptyState();
  readonly mediaDir: string;
  private readonly file: StateFile<State>;

  /** `persist` false: nothing is written (a throw-away temp sandbox); media files still go to mediaDir. */
  private constructor(
    readonly dir: string,
    persist: boolean,
  ) {
    this.mediaDir = join(dir, 'media');
    this.file = new StateFile(join(dir, 'state.json'), persist, () => this.state);
  }

  static async open(dir: string, persist: boolean): Promise<Store> {
    const store = new Store(dir, persist);
    await ensurePrivateDir(store.mediaDir);
    const saved = await store.file.load();
    if (saved) store.state = { ...emptyState(), ...saved };
    if (persist) await store.reconcileMedia();
    return store;
  }

  mediaPath(file: string): string {
    return join(this.mediaDir, file);
  }

  /**
   * After a crash the media file is the truth for full storage: bytes were written to it before any answer,
   * so a state.json that lags behind is corrected from the file size (never the other way round).
   */
  private async reconcileMedia(): Promise<void> {
    for (const session of Object.values(this.state.sessions)) {
      if (session.videoId || !session.file) continue;
      const size = await stat(this.mediaPath(session.file)).then(
        (s) => s.size,
        () => 0,
      );
      session.stored = size;
    }
  }

  /** Writes the state atomically; concurrent calls share writes, and each resolves after one that saw its change. */
  save(): Promise<void> {
    return this.file.save();
  }

  /** Waits for writes in flight (close()). */
  idle(): Promise<void> {
    return this.file.idle();
  }
}
