// This file is the default state store: the files of the state directory (journal, sessions, quota.json, locks).
import { join } from 'node:path';
import { jsonRecordFiles } from '../json-records.js';
import { findConfirmedUpload, isRecordedUpload, listHistory, recordStep } from '../unattended/journal.js';
import { acquireLock } from '../unattended/lock.js';
import { QuotaLedger } from '../unattended/quota.js';
import type { Clock } from '../upload/clock.js';
import { appendHistory, HISTORY_FILE, readHistory } from '../upload/journal.js';
import {
  createFileSessionStore,
  type ListedSessionStore,
  type SessionStore,
  sessionsDir,
} from '../upload/session-store.js';
import type { LockStore, ProviderStateStore, StateJournal, StateStore } from './store.js';

/**
 * vupload's state as it always was: `history.jsonl` and `steps.jsonl` (append-only, fsynced), `sessions/`,
 * `quota.json` and `locks/` in one directory of one machine. Each part is the module it always was; this only puts
 * them behind the StateStore interface.
 */
export class FileStateStore implements StateStore {
  readonly description = 'the state directory';
  readonly journal: StateJournal;
  readonly quota: QuotaLedger;
  readonly locks: LockStore;

  constructor(
    readonly dir: string,
    options: { clock?: Clock; onWarning?: (message: string) => void } = {},
  ) {
    this.journal = fileJournal(dir);
    this.quota = QuotaLedger.inStateDir(dir, options.clock, options.onWarning);
    const locksDir = join(dir, 'locks');
    this.locks = { acquire: (request) => acquireLock({ dir: locksDir, ...request }) };
  }

  uploadSessions(): SessionStore {
    return createFileSessionStore(sessionsDir(this.dir));
  }

  pipeSessions(): ListedSessionStore {
    return createFileSessionStore(sessionsDir(this.dir));
  }

  providerState(provider: string): ProviderStateStore {
    return jsonRecordFiles(join(this.dir, provider), 'state');
  }

  isUnreachable(): boolean {
    return false;
  }

  async close(): Promise<void> {}
}

function fileJournal(dir: string): StateJournal {
  return {
    location: join(dir, HISTORY_FILE),
    async appendUpload(entry) {
      // A run killed after the journal line but before dropping its session records the upload again: one line.
      const history = await readHistory(dir);
      const provider = entry.provider ?? 'youtube';
      if (history.some((e) => e.videoId === entry.videoId && (e.provider ?? 'youtube') === provider))
        return false;
      await appendHistory(dir, entry);
      return true;
    },
    findConfirmedUpload: (query) => findConfirmedUpload({ stateDir: dir, ...query }),
    isRecordedUpload: (query) => isRecordedUpload({ stateDir: dir, ...query }),
    recordStep: (input) => recordStep({ stateDir: dir, ...input }),
    listHistory: () => listHistory(dir),
  };
}
