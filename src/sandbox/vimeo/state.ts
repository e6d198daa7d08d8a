// This file holds the Vimeo emulator's whole state and writes it atomically to <dir>/state.json (temp + rename).
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { StateFile } from '../state-file.js';
import type { TranscodeOutcome } from './types.js';

export interface UserRec {
  name: string;
  id: string;
  displayName: string;
  account: string;
  createdAt: number;
  lifetimeMax: number | null;
  lifetimeUsed: number;
  periodicMax: number | null;
  periodicUsed: number;
  /** When the periodic allowance starts again (moved on by a week each time it passes). */
  periodicResetAt: number;
}

export interface TokenRec {
  /** undefined: a client-credentials token, which belongs to no user (Vimeo's 8002). */
  user?: string;
  clientId: string;
  scopes: string[];
  createdAt: number;
  revoked?: boolean;
}

export interface CodeRec {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  user: string;
  expiresAt: number;
  used: boolean;
}

export interface Privacy {
  view: string;
  embed: string;
  comments: string;
  download: boolean;
  add: boolean;
}

export interface VideoRec {
  id: string;
  owner: string;
  name: string;
  description: string | null;
  privacy: Privacy;
  password?: string;
  license?: string;
  locale?: string;
  contentRating: string[];
  createdAt: number;
  modifiedAt: number;
  /** Vimeo's unlisted links carry a hash: vimeo.com/{id}/{hash}. */
  unlistedHash: string;
  size: number;
  tusId: string;
  uploadStatus: 'in_progress' | 'complete';
  completedAt?: number;
  sha256?: string;
  transcodeOutcome: TranscodeOutcome;
  projectId?: string;
  projectAddedAt?: number;
}

export interface FileRec {
  size: number;
  sha256: string;
  mimeType: string;
  file: string;
}

export interface PictureRec {
  id: string;
  videoId: string;
  active: boolean;
  createdAt: number;
  linkToken: string;
  upload?: FileRec;
}

export interface TextTrackRec {
  id: string;
  videoId: string;
  type: string;
  language: string;
  name: string;
  active: boolean;
  createdAt: number;
  linkToken: string;
  upload?: FileRec;
}

export interface ProjectRec {
  id: string;
  owner: string;
  name: string;
  createdAt: number;
  modifiedAt: number;
}

export interface AlbumRec {
  id: string;
  owner: string;
  name: string;
  description: string | null;
  privacy: string;
  password?: string;
  createdAt: number;
  modifiedAt: number;
  items: Array<{ videoId: string; addedAt: number }>;
}

export interface VimeoState {
  version: 1;
  users: Record<string, UserRec>;
  tokens: Record<string, TokenRec>;
  codes: Record<string, CodeRec>;
  videos: Record<string, VideoRec>;
  /** tus upload id → video id. */
  uploads: Record<string, string>;
  pictures: Record<string, PictureRec>;
  texttracks: Record<string, TextTrackRec>;
  projects: Record<string, ProjectRec>;
  albums: Record<string, AlbumRec>;
  /** Picture and text-track upload links: token → what it uploads. */
  links: Record<string, { kind: 'picture' | 'texttrack'; id: string }>;
  nextOutcome?: TranscodeOutcome;
  personalToken?: string;
}

function emptyState(): VimeoState {
  return {
    version: 1,
    users: {},
    tokens: {},
    codes: {},
    videos: {},
    uploads: {},
    pictures: {},
    texttracks: {},
    projects: {},
    albums: {},
    links: {},
  };
}

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** A numeric id of `digits` digits (Vimeo's ids are numbers, videos 9 of them) not yet in `taken`. */
export function numericId(taken: Record<string, unknown>, digits = 9): string {
  for (;;) {
    const id = String(randomInt(10 ** (digits - 1), 10 ** digits));
    if (!(id in taken)) return id;
  }
}

export class VimeoStore {
  state: VimeoState = emptyState();
  private readonly writer: StateFile<VimeoState>;

  private constructor(dir: string, persist: boolean) {
    this.writer = new StateFile(join(dir, 'state.json'), persist, () => this.state);
  }

  static async open(dir: string, persist: boolean): Promise<VimeoStore> {
    const store = new VimeoStore(dir, persist);
    const saved = await store.writer.load();
    if (saved !== undefined) store.state = { ...emptyState(), ...saved };
    return store;
  }

  /** Writes atomically; concurrent calls share writes, and each resolves after a write that saw its change. */
  save(): Promise<void> {
    return this.writer.save();
  }

  idle(): Promise<void> {
    return this.writer.idle();
  }
}
