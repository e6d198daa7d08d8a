// This file is what every Vimeo handler shares: options, state, users and their quota, faults, the log and clock.
import { createHash, type Hash } from 'node:crypto';
import { join } from 'node:path';
import { FaultQueue } from '../faults.js';
import type { Ctx } from '../http.js';
import { Cooldowns } from '../retry-after.js';
import { isoSeconds } from './fields.js';
import { RateLimiter } from './ratelimit.js';
import type { UserRec, VimeoStore } from './state.js';
import type { VimeoRequestLogEntry, VimeoSandboxApp } from './types.js';

export const DEFAULT_USER = 'sandbox-user';
const WEEK_MS = 7 * 24 * 3600 * 1000;
/** A generous default account (lifetime 1 TiB, no weekly allowance) so tests only meet the quota they set. */
const DEFAULT_LIFETIME_MAX = 1024 ** 4;

export interface VimeoResolved {
  processingMs: number;
  apps: VimeoSandboxApp[];
  uploadLinkTtlMs: number;
  createStatus: 200 | 201;
}

/** The tus side as the REST side needs it: @tus/server's file store, by tus upload id. */
export interface UploadBridge {
  /** Creates the upload with its declared length, as Vimeo pre-creates it (the client never POSTs to tus). */
  create(tusId: string, size: number): Promise<void>;
  remove(tusId: string): Promise<void>;
  /** Bytes stored, or undefined when the upload is gone. */
  offset(tusId: string): Promise<number | undefined>;
  /** Backdates the upload past the link's lifetime: tus itself answers 410 Gone from then on. */
  expire(tusId: string): Promise<void>;
  linkOf(tusId: string): string;
}

export class VimeoCore {
  url = '';
  uploadUrl = '';
  readonly faults = new FaultQueue();
  readonly cooldowns = new Cooldowns();
  readonly requests: VimeoRequestLogEntry[] = [];
  readonly limiter: RateLimiter;
  /** Running sha256 of each tus upload, while it matches the stored offset (lost on restart: then re-read). */
  readonly live = new Map<string, { hash: Hash; bytes: number }>();
  /** The request each tus upload is serving now (a stalled one is superseded by the next). */
  readonly serving = new Map<string, Ctx>();
  /** Set once the upload host runs (index.ts). */
  uploads!: UploadBridge;

  constructor(
    readonly opts: VimeoResolved,
    readonly store: VimeoStore,
    readonly dir: string,
    readonly now: () => number,
    rate: { limit: number; windowMs: number },
    private readonly log?: (line: string) => void,
  ) {
    this.limiter = new RateLimiter(rate, now);
  }

  get state() {
    return this.store.state;
  }

  filePath(name: string): string {
    return join(this.dir, 'files', name);
  }

  save(): Promise<void> {
    return this.store.save();
  }

  /** Saves without waiting (the synchronous in-process API); a failed write goes to the log. */
  saveLater(): void {
    this.store
      .save()
      .catch((err: unknown) => this.log?.(`vimeo sandbox: could not save state: ${String(err)}`));
  }

  app(clientId: string | undefined): VimeoSandboxApp | undefined {
    return this.opts.apps.find((a) => a.clientId === clientId);
  }

  /** The user named `name`, created on first use with an id derived from the name (stable across sandboxes). */
  user(name: string): UserRec {
    let user = this.state.users[name];
    if (!user) {
      const digits = createHash('sha256').update(name).digest().readUInt32BE(0) % 900_000_000;
      user = {
        name,
        id: String(100_000_000 + digits),
        displayName: name === DEFAULT_USER ? 'Sandbox User' : name,
        account: 'pro',
        createdAt: this.now(),
        lifetimeMax: DEFAULT_LIFETIME_MAX,
        lifetimeUsed: 0,
        periodicMax: null,
        periodicUsed: 0,
        periodicResetAt: this.now() + WEEK_MS,
      };
      this.state.users[name] = user;
    }
    this.rollPeriod(user);
    return user;
  }

  userById(id: string): UserRec | undefined {
    return Object.values(this.state.users).find((u) => u.id === id);
  }

  /** A new week gives the periodic allowance back (Vimeo's weekly upload limit). */
  private rollPeriod(user: UserRec): void {
    const now = this.now();
    if (now < user.periodicResetAt) return;
    while (user.periodicResetAt <= now) user.periodicResetAt += WEEK_MS;
    user.periodicUsed = 0;
  }

  /** upload_quota as the user schema has it (api.yaml components/schemas/user): space shows the tighter one. */
  quota(user: UserRec): Record<string, unknown> {
    this.rollPeriod(user);
    const free = (max: number | null, used: number) => (max === null ? null : Math.max(0, max - used));
    const lifetime = {
      free: free(user.lifetimeMax, user.lifetimeUsed),
      max: user.lifetimeMax,
      used: user.lifetimeUsed,
    };
    const periodic = {
      free: free(user.periodicMax, user.periodicUsed),
      max: user.periodicMax,
      used: user.periodicUsed,
      reset_date: user.periodicMax === null ? null : isoSeconds(user.periodicResetAt),
    };
    const periodicTighter =
      periodic.free !== null && (lifetime.free === null || periodic.free < lifetime.free);
    const shown = periodicTighter ? periodic : lifetime;
    return {
      space: {
        free: shown.free ?? Number.MAX_SAFE_INTEGER,
        max: shown.max,
        used: shown.used,
        showing: periodicTighter ? 'periodic' : 'lifetime',
      },
      periodic,
      lifetime,
    };
  }
}
