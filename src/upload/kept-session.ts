// This file deals with the session an earlier run kept for a file: finding it, and acting on the server's first
// answer about it (continue it, record the upload it finished, or drop it) before the engine goes on.
import type { FileSnapshot } from './file-source.js';
import type { UploadOptions, UploadResult } from './options.js';
import {
  judgeKeptSession,
  type KeptSessionVerdict,
  type SessionRecord,
  type SessionStore,
} from './session-store.js';

/** A session an earlier run kept, until the server has said what became of it. */
export interface KeptSession {
  record: SessionRecord;
  /** Where it is stored (the legacy key for sessions of vupload 0.1). */
  key: string;
  verdict: KeptSessionVerdict;
}

/** What the verdict on a kept session weighs: the file as it is now and this run's wishes. */
export interface KeptSessionContext {
  store: SessionStore;
  snapshot: FileSnapshot;
  fingerprint: string;
  options: UploadOptions;
  contentType: string;
  now: number;
  maxAgeMs: number;
}

/**
 * The session an earlier run kept for this file (under `key`, else under the legacy key), judged. It is asked about
 * before anything else, whatever the verdict: one that finished is that run's upload (recorded, never repeated); one
 * that did not is continued if the verdict allows it, and otherwise dropped (issue 11: a kept session is asked
 * before it is thrown away).
 */
export async function findKeptSession(
  ctx: KeptSessionContext,
  key: string,
  legacyKey: string,
): Promise<KeptSession | undefined> {
  let found = key;
  let record = await ctx.store.load(found);
  if (!record && legacyKey !== key) {
    found = legacyKey;
    record = await ctx.store.load(found);
  }
  if (!record) return undefined;
  const verdict = judgeKeptSession(record, {
    ...ctx.snapshot,
    fingerprint: ctx.fingerprint,
    metadata: ctx.options.metadata ?? {},
    contentType: ctx.contentType,
    now: ctx.now,
    maxAgeMs: ctx.maxAgeMs,
    restart: ctx.options.restart ?? false,
  });
  return { record, key: found, verdict };
}

/**
 * Acts on the kept session's first answer: 'keep' when it is the one to continue (finished → done, incomplete →
 * resume, expired → a new session, counted as any expiry); otherwise it was dealt with and removed: 'dropped' (an
 * incomplete one was discarded: the caller says why).
 */
export async function settleKeptSession(
  kept: KeptSession,
  outcome: 'finished' | 'incomplete' | 'expired',
  response: unknown,
  ctx: Pick<KeptSessionContext, 'store' | 'options'>,
): Promise<'keep' | 'dropped'> {
  const { verdict } = kept;
  if (verdict.use) return 'keep';
  if (outcome === 'finished') {
    // Same content: that run's upload, whatever this run's metadata says (the caller compares and reports).
    if (verdict.reason !== 'fileChanged') return 'keep';
    // The file changed after an earlier run finished uploading its old content: record that upload, go on.
    await ctx.options.record?.(earlierContentResult(kept.record, response));
  } else if (
    outcome === 'incomplete' &&
    verdict.reason === 'fileChanged' &&
    !ctx.options.restart &&
    !ctx.options.changedIsNew
  ) {
    throw verdict.error; // continuing would upload a mixture; the session stays for when the file is restored
  }
  await ctx.store.remove(kept.key);
  return 'dropped';
}

function earlierContentResult(record: SessionRecord, response: unknown): UploadResult {
  return {
    response,
    sessionUri: record.sessionUri,
    bytesSent: 0,
    size: record.size,
    path: record.path,
    fingerprint: record.fingerprint,
    mtimeMs: record.mtimeMs,
    metadata: record.metadata,
    retries: 0,
    resumed: true,
    finishedEarlier: true,
    earlierContent: true,
    sessionRestarts: 0,
    elapsedMs: 0,
  };
}
