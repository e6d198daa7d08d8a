// This file keeps a kill from making an upload from a pipe twice (issue 29, item 5): each run saves its session under
// a key of its own and holds a lock on it while it runs; a later run asks the sessions of runs that are gone what
// became of them, records a video one of them finished, and drops the rest.
import { createHash, randomBytes } from 'node:crypto';
import { isVuploadError } from '../../errors.js';
import type { HeldLock, StateStore } from '../../state/store.js';
import type { SessionFate } from '../../upload/ask-session.js';
import { STREAM_FINGERPRINT } from '../../upload/journal.js';
import type { ListedSessionStore, SessionRecord } from '../../upload/session-store.js';
import { formatBytes } from '../format.js';
import { STDIN_LABEL } from './stdin.js';

/*
 * Why a key per run, not per title: a pipe's content is known only once it has passed, so the title says nothing
 * about it (two cameras may stream "Live {date}" at once, and yesterday's "Daily" is not today's). Each run keys its
 * session `pipe-<scope>-<random>`, where the scope is the account, the provider and its API root (a session belongs
 * to that account on that server), and locks that key while it runs, so that no other run takes a live session for
 * a dead one. What a finished session holds is told by its record: the stream's size and content hash are saved in
 * it before the request that carries the total (the only request that can make the video). A later run, from a pipe
 * or from a file of that size, asks each dead run's session: a finished one is journaled with that size and hash,
 * so "never twice" then knows its content (a pipe with it sends no final request; a file with it is not uploaded).
 */

/** The saved session of an earlier run from a pipe, as the server answered about it. */
export type SessionAsker = (record: SessionRecord) => Promise<SessionFate>;

/** The start of every pipe session key of one account, provider and API root. */
export function pipeScope(parts: { account: string; provider: string; apiRoot: string }): string {
  const hash = createHash('sha256').update(JSON.stringify([parts.account, parts.provider, parts.apiRoot]));
  return `pipe-${hash.digest('hex').slice(0, 16)}-`;
}

const lockKey = (key: string) => `pipe-session:${key}`;

type Record = SessionRecord & { contentHash?: string };

export class PipeSessions {
  /** This run's own key, once claimed (an upload from a pipe). */
  key: string | undefined;
  private lock: HeldLock | undefined;
  /** Videos this run found finished by a dead run and journaled. */
  readonly recovered = new Set<string>();

  constructor(
    private readonly deps: {
      store: StateStore;
      scope: string;
      account: string;
      provider: string;
      ask: SessionAsker;
      now: () => number;
      info: (message: string) => void;
      signal?: AbortSignal;
    },
  ) {}

  get sessions(): ListedSessionStore {
    return this.deps.store.pipeSessions();
  }

  /** A key for this run's session, locked until release(): a live run's session is never taken for a dead one's. */
  async claim(): Promise<string> {
    const key = `${this.deps.scope}${randomBytes(8).toString('hex')}`;
    this.lock = await this.deps.store.locks.acquire({ key: lockKey(key), label: STDIN_LABEL, wait: false });
    this.key = key;
    return key;
  }

  async release(): Promise<void> {
    const lock = this.lock;
    this.lock = undefined;
    await lock?.release();
  }

  /**
   * Asks the saved session of every run that is gone (its lock can be taken), `which` of them when given: a finished
   * one is journaled (size and hash from its record) and said; the others are dropped. A failure to ask (the server
   * not answering) is thrown, and the record stays for the next run.
   */
  async settleDead(which: (record: Record) => boolean = () => true): Promise<void> {
    for (const { key } of await this.sessions.list(this.deps.scope)) {
      if (key === this.key) continue;
      const lock = await this.deps.store.locks
        .acquire({ key: lockKey(key), label: STDIN_LABEL, wait: false, signal: this.deps.signal })
        .catch((error: unknown) => {
          // A live run holds it (or its lock file is unreadable): that session is not ours to settle.
          if (isVuploadError(error) && (error.code === 'locked' || error.code === 'lockCorrupt'))
            return undefined;
          throw error;
        });
      if (!lock) continue;
      try {
        // Read again under the lock: another run may have settled it meanwhile.
        const record = (await this.sessions.load(key)) as Record | undefined;
        if (record && which(record)) await this.settle(key, record);
      } finally {
        await lock.release();
      }
    }
  }

  private async settle(key: string, record: Record): Promise<void> {
    const fate = await this.deps.ask(record);
    const started = new Date(record.createdAt).toISOString();
    const earlier = `An earlier upload from ${STDIN_LABEL} (started ${started})`;
    if (fate.kind === 'finished') {
      const video = fate.response as { id?: string; snippet?: { title?: string } };
      const videoId = video.id ?? '';
      const title =
        video.snippet?.title ?? (record.metadata as { snippet?: { title?: string } }).snippet?.title;
      // Write-ahead: journaled before its record goes; a kill in between records it again, once (appendUpload).
      await this.deps.store.journal.appendUpload({
        time: new Date(this.deps.now()).toISOString(),
        account: this.deps.account,
        provider: this.deps.provider,
        file: record.path,
        size: record.size,
        fingerprint: STREAM_FINGERPRINT,
        ...(record.contentHash ? { contentHash: record.contentHash } : {}),
        videoId,
        ...(title !== undefined ? { title } : {}),
        ...(record.quotaReserved ? { quotaReserved: record.quotaReserved } : {}),
      });
      this.recovered.add(videoId);
      this.deps.info(
        `${earlier} was uploaded completely as ${videoId} (${formatBytes(record.size)}), but that run was stopped ` +
          'before recording it; recorded now.',
      );
    } else if (fate.kind === 'incomplete') {
      this.deps.info(
        `${earlier} was stopped after ${formatBytes(fate.stored)}; a pipe cannot be resumed, so that upload is ` +
          'discarded (no video was made).',
      );
    } else {
      this.deps.info(`${earlier} had expired on the server without making a video; discarded.`);
    }
    await this.sessions.remove(key);
  }
}
