// This file is the state-store interface: journal, upload sessions, quota ledger and locks, in files or a database.
import type { ConfirmedPrevious, HashLike, HistoryItem, StepInput } from '../unattended/journal.js';
import type { LockHolder, LockOptions } from '../unattended/lock.js';
import type { CheckRequest, QuotaCheck, QuotaDay } from '../unattended/quota.js';
import type { HistoryEntry } from '../upload/journal.js';
import type { ListedSessionStore, SessionStore } from '../upload/session-store.js';

/*
 * The upload path (src/cli/upload) sees only this interface. Two stores implement it: the files of the state
 * directory (src/state/file-store.ts, the default) and PostgreSQL (src/state/postgres/, with --state-url), which
 * several machines share. Whatever a store keeps, it answers as the other would for the same records.
 */

/** A finished upload as the journal keeps it: the file store's history.jsonl line. */
export type UploadRecord = HistoryEntry & { [field: string]: unknown };

export interface SampleQuery {
  account: string;
  provider: string;
  /** fingerprintFile(): size and three 1 MiB samples. */
  fingerprint: string;
  size: number;
}

export interface StateJournal {
  /** Where records go, for messages: a file, or the database (its URL without the password). */
  readonly location: string;
  /** Records a finished upload; the same account, provider and id again adds nothing (returns false). */
  appendUpload(entry: UploadRecord): Promise<boolean>;
  /** The upload of this content, by samples, confirmed by the full hash (src/unattended/journal.ts). */
  findConfirmedUpload(query: SampleQuery & { hash: HashLike }): Promise<ConfirmedPrevious>;
  /** Whether a finished upload of exactly this content has this id (before --move-to / --delete-after). */
  isRecordedUpload(query: {
    account: string;
    provider: string;
    contentHash: string;
    videoId: string;
  }): Promise<boolean>;
  recordStep(input: StepInput): Promise<void>;
  /** Every upload with its steps, oldest first (`vupload history`). */
  listHistory(): Promise<HistoryItem[]>;
}

export interface QuotaStore {
  /** Checks and, when the cost fits, spends it atomically: two runs cannot both take the last units. */
  reserve(request: CheckRequest): Promise<QuotaCheck>;
  /** Adds units spent beyond what was reserved (a playlist a step created; negative: not spent after all). */
  spend(account: string, units: number): Promise<number>;
  /** Records YouTube's quotaExceeded: nothing more is attempted for the account until the reset. */
  markExhausted(account: string): Promise<void>;
  /** Forgets today's quotaExceeded mark (`vupload quota reset`); the day as it was when there was one to forget. */
  forgetExhausted(account: string, now?: Date): Promise<QuotaDay | undefined>;
  /** Every account the ledger knows, with today's usage (`vupload quota`). */
  allToday(now?: Date): Promise<Array<{ account: string; day: QuotaDay }>>;
}

/** What a lock is asked for with: the content fingerprint of a file, a manifest's path, a playlist title … */
export type LockRequest = Pick<
  LockOptions,
  'key' | 'label' | 'wait' | 'howToWait' | 'signal' | 'clock' | 'pollMs' | 'onWait'
>;

export interface HeldLock {
  readonly holder: LockHolder;
  /** Aborted when the lock was lost while held (its database connection broke): another machine may take it. */
  readonly lost?: AbortSignal;
  /** Releases the lock if it is still ours; safe to call twice. */
  release(): Promise<void>;
}

export interface LockStore {
  acquire(request: LockRequest): Promise<HeldLock>;
}

/** What a job knows about the content it uploads, so that a store can find sessions other machines left for it. */
export interface UploadContent {
  account: string;
  /** Absolute path of the file on this machine. */
  file: string;
  size: number;
  fingerprint: string;
  /**
   * The whole content's hash, with the algorithm of `like` (a recorded hash) when given, else the current one;
   * computed once per algorithm and job by the caller, however often it is asked.
   */
  hash(like?: string): Promise<string>;
  /** Told when a session another machine saved for this content is taken over, before it is resumed. */
  onTakeOver?(session: { record: { path: string; createdAt: number }; updatedAt: string }): void;
}

/** A provider's own resume state (Youku's upload token), one record per key. */
export interface ProviderStateStore {
  load(key: string): Promise<unknown>;
  save(key: string, record: object): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface StateStore {
  readonly journal: StateJournal;
  readonly quota: QuotaStore;
  readonly locks: LockStore;
  /** Where the state lives, for messages: "the state directory" or "the state database". */
  readonly description: string;
  /** Where resumable sessions of `content` are saved; a shared store also finds other machines' sessions of it. */
  uploadSessions(content: UploadContent): SessionStore;
  /**
   * Saved sessions of uploads from a pipe: one per run, keyed by the run (src/cli/upload/pipe-sessions.ts), listed by
   * the start of their keys so that a later run can ask those whose run is gone.
   */
  pipeSessions(): ListedSessionStore;
  providerState(provider: string): ProviderStateStore;
  /** Whether `error` means the store could not be reached for now (worth trying again later). */
  isUnreachable(error: unknown): boolean;
  close(): Promise<void>;
}

/** Runs `fn` holding the lock, and releases it however `fn` ends. */
export async function withLock<T>(
  locks: LockStore,
  request: LockRequest,
  fn: (lock: HeldLock) => Promise<T>,
): Promise<T> {
  const lock = await locks.acquire(request);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}
