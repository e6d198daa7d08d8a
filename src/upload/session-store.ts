// This file keeps upload sessions across process restarts: one private JSON file per (file, account, endpoint).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { VuploadError } from '../errors.js';
import { jsonRecordFiles } from '../json-records.js';
import { fileChangedError } from './errors.js';
import type { QuotaReservation } from './journal.js';

/** Everything needed to resume an upload, and to know whether resuming is still the same upload. */
export interface SessionRecord {
  version: 1;
  /** The session URI: a capability to upload, hence the 0600 file. */
  sessionUri: string;
  /** Absolute path of the file. */
  path: string;
  size: number;
  mtimeMs: number;
  /** fingerprintFile() of the content. */
  fingerprint: string;
  /** The resource sent at initiation (the video's metadata). */
  metadata: unknown;
  account: string;
  /** The initiation URL, tokens removed. */
  initUrl: string;
  contentType: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** What the protocol keeps with the session (tus: the video the upload link belongs to). */
  data?: unknown;
  /** Added by the caller's store (the CLI's): the quota counted for the upload before this session started. */
  quotaReserved?: QuotaReservation;
}

/** Where sessions live; tus-js-client calls this "URL storage". A second provider can reuse it. */
export interface SessionStore {
  load(key: string): Promise<SessionRecord | undefined>;
  save(key: string, record: SessionRecord): Promise<void>;
  remove(key: string): Promise<void>;
}

/** Sessions that can also be listed by the start of their keys (uploads from a pipe have no file to key them by). */
export interface ListedSessionStore extends SessionStore {
  list(prefix: string): Promise<Array<{ key: string; record: SessionRecord }>>;
}

/**
 * The key of an upload: the same file for the same account at the same endpoint finds the same session. The
 * initiation URL's query (parts, notifySubscribers) is left out: a re-run with other metadata must still find, and
 * ask about, the session an earlier run left (issue 11: a kept session is asked before it is thrown away).
 */
export function sessionKey(parts: { path: string; account: string; initUrl: string }): string {
  return keyOf([parts.path, parts.account, endpointOf(parts.initUrl)]);
}

/** The key vupload 0.1 used (the whole initiation URL): still looked up, so its sessions are not forgotten. */
export function legacySessionKey(parts: { path: string; account: string; initUrl: string }): string {
  return keyOf([parts.path, parts.account, parts.initUrl]);
}

function keyOf(parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

function endpointOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url.replace(/[?#].*$/, '');
  }
}

/** Sessions as `<dir>/<key>.json`, written atomically with mode 0600 (e.g. dir = `<stateDir>/sessions`). */
export function createFileSessionStore(dir: string): ListedSessionStore {
  const files = jsonRecordFiles(dir, 'session');
  const load = async (key: string) => {
    // A damaged record is treated as none: the worst outcome is a new session, never a wrong one.
    const record = (await files.load(key)) as SessionRecord | undefined;
    return record?.version === 1 && typeof record.sessionUri === 'string' ? record : undefined;
  };
  return {
    load,
    save: (key, record) => files.save(key, record),
    remove: (key) => files.remove(key),
    async list(prefix) {
      const found: Array<{ key: string; record: SessionRecord }> = [];
      for (const key of await files.keys(prefix)) {
        const record = await load(key);
        if (record) found.push({ key, record });
      }
      return found;
    },
  };
}

/** Sessions kept in memory only (tests, benchmarks, callers that do not want resume across processes). */
export function createMemorySessionStore(): SessionStore & { records: Map<string, SessionRecord> } {
  const records = new Map<string, SessionRecord>();
  return {
    records,
    load: async (key) => records.get(key),
    save: async (key, record) => {
      records.set(key, structuredClone(record));
    },
    remove: async (key) => {
      records.delete(key);
    },
  };
}

/** `<stateDir>/sessions`, the directory createFileSessionStore() is meant for. */
export function sessionsDir(stateDir: string): string {
  return join(stateDir, 'sessions');
}

export type DiscardReason = 'restart' | 'stale' | 'metadataChanged' | 'fileChanged';

/** What a new run knows about its upload, to compare with a kept record. */
export interface CurrentUpload {
  size: number;
  mtimeMs: number;
  fingerprint: string;
  metadata: unknown;
  contentType: string;
  now: number;
  maxAgeMs: number;
  restart: boolean;
}

export type KeptSessionVerdict =
  | { use: true }
  | { use: false; reason: Exclude<DiscardReason, 'fileChanged'> }
  | { use: false; reason: 'fileChanged'; error: VuploadError };

/**
 * Decides whether a kept session may be continued: not on --restart, when older than the session lifetime, or when
 * the metadata differs (resuming would publish the old one); and never when the file is not the one the session
 * started with, since resuming would upload a mixture (issue 3): `error` is what to say if it cannot be dropped.
 * Whatever the verdict, the engine asks the server first: a session that finished is an upload, not a leftover.
 */
export function judgeKeptSession(record: SessionRecord, current: CurrentUpload): KeptSessionVerdict {
  if (record.size !== current.size) {
    const error = fileChangedError(
      record.path,
      `size ${record.size} → ${current.size} bytes since the last run`,
    );
    return { use: false, reason: 'fileChanged', error };
  }
  if (record.mtimeMs !== current.mtimeMs || record.fingerprint !== current.fingerprint) {
    return {
      use: false,
      reason: 'fileChanged',
      error: fileChangedError(record.path, 'modified since the last run'),
    };
  }
  if (current.restart) return { use: false, reason: 'restart' };
  if (current.now - record.createdAt > current.maxAgeMs) return { use: false, reason: 'stale' };
  const sameRequest =
    JSON.stringify(record.metadata) === JSON.stringify(current.metadata) &&
    record.contentType === current.contentType;
  return sameRequest ? { use: true } : { use: false, reason: 'metadataChanged' };
}
