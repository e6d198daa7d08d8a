// This file is what every handler shares: resolved options, the store, quota, faults, clock, users and locks.
import { createHash } from 'node:crypto';
import { FaultQueue } from '../faults.js';
import type { Ctx } from '../http.js';
import { KeyedLock } from '../keyed-lock.js';
import type { LiveMedia } from '../media.js';
import { Cooldowns } from '../retry-after.js';
import type { Quota } from './quota.js';
import type { Store, UserRec } from './store.js';
import type { RequestLogEntry, SandboxClient } from './types.js';

export interface ResolvedOptions {
  storage: 'full' | 'hash';
  accessTokenTtlSec: number;
  refreshTokenTtlSec?: number;
  processingMs: number;
  sessionTtlMs: number;
  clients: SandboxClient[];
  uploadLimitPerDay: number;
  unverifiedProject: boolean;
  createdShare: number;
  seed: number;
  sessionOrigin?: string;
}

export const DEFAULT_USER = 'sandbox-user';

export class Core {
  url = '';
  readonly faults = new FaultQueue();
  readonly requests: RequestLogEntry[] = [];
  /** Running hashes of sessions being uploaded (not persisted: Node cannot export a hash state). */
  readonly live = new Map<string, LiveMedia>();
  readonly locks = new KeyedLock();
  /** The request each upload session is serving now (a stalled one is superseded by the next). */
  readonly serving = new Map<string, Ctx>();
  /** Errors answered with Retry-After, repeated to requests that come back too early. */
  readonly cooldowns = new Cooldowns();
  private readonly random: () => number;

  constructor(
    readonly opts: ResolvedOptions,
    readonly store: Store,
    readonly quota: Quota,
    readonly now: () => number,
    private readonly log?: (line: string) => void,
  ) {
    this.random = seededRandom(opts.seed);
  }

  /** The status of a finished resumable upload: 201 Created for `createdShare` of them, else 200 (seeded). */
  finalStatus(): 200 | 201 {
    return this.random() < this.opts.createdShare ? 201 : 200;
  }

  /** Saves without waiting (for the synchronous in-process API); a failed write is reported to the log. */
  saveLater(): void {
    this.store.save().catch((err: unknown) => this.log?.(`sandbox: could not save state: ${String(err)}`));
  }

  /** The user (and channel) named `name`, created on first use; each user has one channel. */
  user(name: string): UserRec {
    const users = this.store.state.users;
    let user = users[name];
    if (!user) {
      // Derived from the name, so the same user keeps the same channel id across sandboxes.
      const digest = createHash('sha256').update(name).digest('base64url');
      user = {
        name,
        channelId: `UC${digest.slice(0, 22)}`,
        channelTitle: name === DEFAULT_USER ? 'Sandbox Channel' : `Sandbox Channel (${name})`,
        customThumbnails: true,
        createdAt: this.now(),
      };
      users[name] = user;
    }
    return user;
  }

  client(clientId: string): SandboxClient | undefined {
    return this.opts.clients.find((c) => c.clientId === clientId);
  }

  iso(ms = this.now()): string {
    return new Date(ms).toISOString();
  }
}

/** mulberry32: a small seeded generator (public domain), so a sandbox run with the same seed repeats. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
