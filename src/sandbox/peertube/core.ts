// This file is what every PeerTube handler shares: options, state, clock, faults, log, users, tokens and lookups.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FaultQueue } from '../faults.js';
import type { Ctx } from '../http.js';
import { KeyedLock } from '../keyed-lock.js';
import { Cooldowns } from '../retry-after.js';
import { StateFile } from '../state-file.js';
import type { RequestLogEntry } from '../types.js';
import { newOtpSecret } from './otp.js';
import { type ChannelRec, emptyState, type PtState, type UserRec, type VideoRec } from './state.js';
import { PEERTUBE_FAULT_KINDS, type PeerTubeTokenResponse, type PeerTubeUserSettings } from './types.js';
import type { UploadxEngine } from './uploadx.js';
import { newUuid, parseIdParam } from './uuid.js';

export interface PtOptions {
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  processingMs: number;
  creationDelayMs: number;
  probe: boolean;
  storage: 'full' | 'hash';
}

// A light scrypt cost: these are test accounts, and logins should stay fast.
const hashPassword = (password: string, salt: string) =>
  scryptSync(password, salt, 32, { N: 1024 }).toString('hex');

export class PtCore {
  url = '';
  readonly faults = new FaultQueue(PEERTUBE_FAULT_KINDS);
  readonly requests: RequestLogEntry[] = [];
  readonly cooldowns = new Cooldowns();
  /** Requests on one resumable session run one at a time, like the YouTube sandbox's. */
  readonly locks = new KeyedLock();
  /** The request each resumable session is serving (a stalled one is superseded by the next). */
  readonly serving = new Map<string, Ctx>();
  /** Uploads whose video is being created: their last chunk sent again gets 503 (checkUploadSessionCanStart). */
  readonly creating = new Set<string>();
  state: PtState;
  readonly file: StateFile<PtState>;
  uploadx!: UploadxEngine;

  constructor(
    readonly opts: PtOptions,
    readonly dir: string,
    persist: boolean,
    readonly now: () => number,
    private readonly log?: (line: string) => void,
  ) {
    this.state = emptyState({ id: randomToken(16), secret: randomToken(16) });
    this.file = new StateFile(join(dir, 'state.json'), persist, () => this.state);
  }

  get mediaDir(): string {
    return join(this.dir, 'media');
  }

  save(): Promise<void> {
    return this.file.save();
  }

  /** Keeps a small file (thumbnail, caption) under media/. */
  async writeMedia(name: string, data: Buffer): Promise<void> {
    await writeFile(join(this.mediaDir, name), data, { mode: 0o600 });
  }

  /** Saves without waiting (the synchronous in-process API); a failed write is reported to the log. */
  saveLater(): void {
    this.save().catch((err: unknown) => this.log?.(`peertube sandbox: could not save state: ${String(err)}`));
  }

  user(username: string): UserRec | undefined {
    const wanted = username.toLowerCase();
    return Object.values(this.state.users).find((u) => u.username.toLowerCase() === wanted);
  }

  userById(id: number): UserRec | undefined {
    return this.state.users[id];
  }

  channelsOf(userId: number): ChannelRec[] {
    return Object.values(this.state.channels)
      .filter((c) => c.userId === userId)
      .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
  }

  /** Creates the user with its default channel and Watch later playlist, or applies `settings` to it. */
  setUser(username: string, settings: PeerTubeUserSettings = {}): UserRec {
    let user = this.user(username);
    if (!user) {
      const id = ++this.state.seq.user;
      const salt = randomToken(8);
      user = {
        id,
        username,
        salt,
        passwordHash: hashPassword(settings.password ?? `${username}-password`, salt),
        videoQuota: -1,
        videoQuotaDaily: -1,
        blocked: false,
        createdAt: this.now(),
        watchLaterId: ++this.state.seq.playlist,
      };
      this.state.users[id] = user;
      this.addChannel(user, `${username}_channel`, `Main ${username} channel`);
      const at = this.now();
      this.state.playlists[user.watchLaterId] = {
        id: user.watchLaterId,
        uuid: newUuid(),
        ownerId: id,
        channelId: null,
        displayName: 'Watch later',
        description: null,
        privacy: 3,
        type: 2,
        createdAt: at,
        updatedAt: at,
        elements: [],
      };
    } else if (settings.password !== undefined) {
      user.passwordHash = hashPassword(settings.password, user.salt);
    }
    if (settings.videoQuota !== undefined) user.videoQuota = settings.videoQuota;
    if (settings.videoQuotaDaily !== undefined) user.videoQuotaDaily = settings.videoQuotaDaily;
    if (settings.blocked !== undefined) user.blocked = settings.blocked;
    if (settings.twoFactor === true && !user.otpSecret) user.otpSecret = newOtpSecret();
    if (settings.twoFactor === false) delete user.otpSecret;
    for (const name of settings.channels ?? []) {
      if (!Object.values(this.state.channels).some((c) => c.name === name)) this.addChannel(user, name, name);
    }
    this.saveLater();
    return user;
  }

  private addChannel(user: UserRec, name: string, displayName: string): void {
    const id = ++this.state.seq.channel;
    this.state.channels[id] = { id, userId: user.id, name, displayName, createdAt: this.now() };
  }

  passwordMatches(user: UserRec, password: string): boolean {
    const given = Buffer.from(hashPassword(password, user.salt), 'hex');
    return timingSafeEqual(given, Buffer.from(user.passwordHash, 'hex'));
  }

  /** A new token pair, as saveToken() builds it (sha1-looking 40-hex strings). */
  issue(user: UserRec, ttlSec = this.opts.accessTokenTtlSec): PeerTubeTokenResponse {
    const access = randomBytes(20).toString('hex');
    const refresh = randomBytes(20).toString('hex');
    const now = this.now();
    this.state.tokens[access] = {
      userId: user.id,
      refreshToken: refresh,
      accessExpiresAt: now + ttlSec * 1000,
      refreshExpiresAt: now + this.opts.refreshTokenTtlSec * 1000,
    };
    user.lastLoginAt = now;
    return {
      token_type: 'Bearer',
      access_token: access,
      refresh_token: refresh,
      expires_in: ttlSec,
      refresh_token_expires_in: this.opts.refreshTokenTtlSec,
    };
  }

  /** The video a route names by id, UUID or short UUID (undefined: no such video; null: not a valid id). */
  videoByParam(param: string): VideoRec | undefined | null {
    const parsed = parseIdParam(param);
    if (!parsed) return null;
    if ('id' in parsed) return this.state.videos[parsed.id];
    return Object.values(this.state.videos).find((v) => v.uuid === parsed.uuid);
  }

  /**
   * Bytes the user's videos count against the quota, as UserModel.getUserQuota(): each video's largest file (here
   * the uploaded one), all time or created in the last 24 hours.
   */
  quotaUsed(userId: number, daily: boolean): number {
    const since = this.now() - 24 * 3600 * 1000;
    return Object.values(this.state.videos)
      .filter((v) => v.userId === userId && (!daily || v.createdAt > since))
      .reduce((sum, v) => sum + v.media.size, 0);
  }

  iso(ms: number | null): string | null {
    return ms === null ? null : new Date(ms).toISOString();
  }
}

export function randomToken(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
