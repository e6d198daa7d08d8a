// This file opens the PostgreSQL state store: journal, sessions, quota ledger and locks shared by several machines.
import type { Clock } from '../../upload/clock.js';
import type { ListedSessionStore, SessionStore } from '../../upload/session-store.js';
import type { StateStore, UploadContent } from '../store.js';
import { Database, type DatabaseOptions } from './database.js';
import { isUnreachable } from './errors.js';
import { failoverSessions } from './failover.js';
import { PostgresJournal } from './journal.js';
import { PostgresLocks } from './locks.js';
import { ensureSchema, migrate, SCHEMA_VERSION, schemaVersion } from './migrations.js';
import { PostgresProviderState } from './provider-state.js';
import { PostgresQuotaLedger } from './quota.js';
import { PostgresSessionStore } from './sessions.js';
import { exportStateDir, importJournal, importStateDir, type TransferReport } from './transfer.js';

export { isUnreachable, stateError } from './errors.js';
export type { JournalEntry } from './journal.js';
export type { PgLock, PgLockOptions } from './locks.js';
export { SCHEMA_VERSION } from './migrations.js';
export type { KeptSession } from './sessions.js';
export { isStepRecord, isUploadRecord, type TransferReport, toJsonLines } from './transfer.js';
export { parseStateUrl, redactUrl, scrubSecrets } from './url.js';

/** Whether `url` names a PostgreSQL state store (the value of --state-url / VUPLOAD_STATE_URL). */
export function isPostgresStateUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url.trim());
}

export interface PostgresStateOptions extends DatabaseOptions {
  /** Apply pending migrations while opening (default true); false: use the schema as it is. */
  migrate?: boolean;
  clock?: Clock;
  /** Named as the holder of this process's locks (default process.pid and os.hostname()). */
  pid?: number;
  host?: string;
}

/**
 * The PostgreSQL state store. Each part mirrors a file-store module, so both can sit behind one interface:
 * journal ↔ src/upload/journal.ts + src/unattended/journal.ts, sessions ↔ SessionStore, quota ↔ QuotaLedger,
 * locks ↔ src/unattended/lock.ts. Open it only for a postgres:// URL: the driver is loaded by open().
 */
export class PostgresStateStore implements StateStore {
  readonly description = 'the state database';
  readonly db: Database;
  readonly journal: PostgresJournal;
  readonly sessions: PostgresSessionStore;
  readonly quota: PostgresQuotaLedger;
  readonly locks: PostgresLocks;

  private constructor(db: Database, options: PostgresStateOptions) {
    this.db = db;
    this.journal = new PostgresJournal(db);
    this.sessions = new PostgresSessionStore(db);
    this.quota = new PostgresQuotaLedger(db, { clock: options.clock });
    this.locks = new PostgresLocks(db, { pid: options.pid, host: options.host, clock: options.clock });
  }

  /** Connects (failing with stateUnreachable, exit 5, if the server cannot be reached) and migrates if behind. */
  static async open(options: PostgresStateOptions): Promise<PostgresStateStore> {
    const db = await Database.open(options);
    try {
      if (options.migrate !== false) await ensureSchema(db);
      return new PostgresStateStore(db, options);
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  /** Sessions of this content: its own, or one another machine saved for the same content and left (failover.ts). */
  uploadSessions(content: UploadContent): SessionStore {
    return failoverSessions(this.sessions, content);
  }

  /** Pipe sessions are this machine's or another's alike: any machine may ask one whose run is gone. */
  pipeSessions(): ListedSessionStore {
    const { sessions } = this;
    return {
      load: (key) => sessions.load(key),
      save: (key, record) => sessions.save(key, record),
      remove: (key) => sessions.remove(key),
      list: async (prefix) =>
        (await sessions.listByPrefix(prefix)).map(({ key, record }) => ({ key, record })),
    };
  }

  providerState(provider: string): PostgresProviderState {
    return new PostgresProviderState(this.db, provider);
  }

  isUnreachable(error: unknown): boolean {
    return isUnreachable(error);
  }

  /** `vupload state migrate`: applies pending migrations (safe while other machines start). */
  migrate(): Promise<{ from: number; to: number; applied: number[] }> {
    return migrate(this.db);
  }

  /** The schema version in the database and the one this code writes. */
  async version(): Promise<{ database: number; code: number }> {
    return { database: await schemaVersion(this.db), code: SCHEMA_VERSION };
  }

  /** Imports a file state directory's journal and sessions (repeatable: records already there are skipped). */
  importStateDir(stateDir: string): Promise<TransferReport> {
    return importStateDir(this, stateDir);
  }

  /** Exports the journal and sessions into a file state directory (appending what it lacks). */
  exportStateDir(stateDir: string): Promise<TransferReport> {
    return exportStateDir(this, stateDir);
  }

  /** Imports already parsed JSON Lines records (one transaction). */
  importJournal(records: { history: Record<string, unknown>[]; steps: Record<string, unknown>[] }) {
    return importJournal(this, records);
  }

  /** Ends the pooled and parked connections; held locks keep their own connections until released. */
  async close(): Promise<void> {
    await this.locks.close();
    await this.db.close();
  }
}
