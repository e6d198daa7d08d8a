// This file lets a machine resume an upload session that another machine saved for the same content and left.
import { stat } from 'node:fs/promises';
import type { SessionRecord, SessionStore } from '../../upload/session-store.js';
import type { UploadContent } from '../store.js';
import type { KeptSession, PostgresSessionStore } from './sessions.js';

/*
 * A session's key holds the file's path, which differs between machines that see one file (a NAS mounted in two
 * places, a copy). So each session is saved with the whole content's hash, and a machine that finds no session
 * under its own key looks for one of the same account, size and samples saved by any machine. Only when one exists
 * does it hash its own file (the one extra read, and only then), and it takes the session over only if the hashes
 * are equal: then the bytes already on the server are the bytes it would send. The engine asks the server for the
 * offset as for any kept session, so the upload goes on where the other machine stopped.
 *
 * Taking over needs the content's lock (the caller holds it), so two machines never take the same session; the
 * move from the old key to the new is one transaction, so a session is never under both keys or lost.
 */

/** The engine's session store for one upload on a machine of a fleet. */
export function failoverSessions(sessions: PostgresSessionStore, content: UploadContent): SessionStore {
  let looked = false;
  return {
    async load(key) {
      const own = await sessions.load(key);
      if (own || looked) return own;
      looked = true; // once per upload: the engine also asks under a legacy key
      return takeOverSameContent(sessions, content, key);
    },
    async save(key, record) {
      // Saved with its content hash, so that another machine can tell it is the same content before resuming it.
      await sessions.save(key, { ...record, contentHash: await content.hash() } as SessionRecord);
    },
    remove: (key) => sessions.remove(key),
  };
}

const hashOf = (kept: KeptSession) => (kept.record as SessionRecord & { contentHash?: string }).contentHash;

async function takeOverSameContent(
  sessions: PostgresSessionStore,
  content: UploadContent,
  key: string,
): Promise<SessionRecord | undefined> {
  const found = await sessions.findByContent({
    account: content.account,
    size: content.size,
    fingerprint: content.fingerprint,
  });
  const candidates = found.filter((kept) => kept.key !== key && hashOf(kept) !== undefined);
  if (candidates.length === 0) return undefined;
  let same: KeptSession | undefined;
  for (const kept of candidates) {
    // Newest first; hashed the way the session's was (a session of an older version may use another algorithm).
    if ((await content.hash(hashOf(kept))) === hashOf(kept)) {
      same = kept;
      break;
    }
  }
  if (!same) return undefined;
  // The same bytes here: this file's path and time, so the engine judges it as a session of this file.
  const { mtimeMs } = await stat(content.file);
  const record: SessionRecord = { ...same.record, path: content.file, mtimeMs };
  if (!(await sessions.takeOver(same.key, key, record))) return undefined;
  content.onTakeOver?.(same);
  return record;
}
