// This file keeps resumable upload sessions in PostgreSQL, so another machine can resume a dead machine's upload.
import type { SessionRecord, SessionStore } from '../../upload/session-store.js';
import type { Database, Queryable } from './database.js';

/** A saved session with its key: what a machine finds when it looks for sessions of the same content. */
export interface KeptSession {
  key: string;
  record: SessionRecord;
  updatedAt: string;
}

/** A record may carry fields a later version adds (the full-content hash); they are kept as they are. */
type StoredRecord = SessionRecord & { contentHash?: string };

function usable(record: unknown): record is SessionRecord {
  const r = record as Partial<SessionRecord> | null;
  return r?.version === 1 && typeof r.sessionUri === 'string';
}

/**
 * The SessionStore interface of src/upload/session-store.ts, in a table. The record is kept whole as JSON; account,
 * size, sample fingerprint and full hash are copied into columns so findByContent() can search by them (the key
 * holds the file's path, which differs between machines that see the same file on a NAS).
 */
export class PostgresSessionStore implements SessionStore {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  private get table(): string {
    return this.db.table('sessions');
  }

  async load(key: string): Promise<SessionRecord | undefined> {
    const [row] = await this.db.query<{ record: unknown }>(
      `SELECT record FROM ${this.table} WHERE key = $1`,
      [key],
    );
    // A damaged record is treated as none, as the file store does: the worst outcome is a new session.
    return usable(row?.record) ? row.record : undefined;
  }

  async save(key: string, record: SessionRecord, on: Queryable = this.db): Promise<void> {
    const stored = record as StoredRecord;
    await on.query(
      `INSERT INTO ${this.table} (key, account, size, fingerprint, content_hash, record, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (key) DO UPDATE SET account = EXCLUDED.account, size = EXCLUDED.size,
         fingerprint = EXCLUDED.fingerprint, content_hash = EXCLUDED.content_hash, record = EXCLUDED.record,
         updated_at = now()`,
      [
        key,
        stored.account,
        stored.size,
        stored.fingerprint,
        stored.contentHash ?? null,
        JSON.stringify(record),
      ],
    );
  }

  async remove(key: string): Promise<void> {
    await this.db.query(`DELETE FROM ${this.table} WHERE key = $1`, [key]);
  }

  /**
   * Sessions of the same content for the account, newest first, whichever machine saved them: by full hash when
   * given (sessions saved with one), else by size and sample fingerprint.
   */
  async findByContent(query: {
    account: string;
    size: number;
    fingerprint: string;
    contentHash?: string;
  }): Promise<KeptSession[]> {
    const byHash = query.contentHash !== undefined;
    return this.kept(
      `WHERE account = $1 AND size = $2 AND fingerprint = $3 ${byHash ? 'AND content_hash = $4' : ''}
       ORDER BY updated_at DESC, key`,
      [query.account, query.size, query.fingerprint, ...(byHash ? [query.contentHash] : [])],
    );
  }

  /**
   * Moves the session saved under `from` to `to`, as `record` (another machine takes it over), in one transaction.
   * False when `from` is gone already: someone else took it over first.
   */
  async takeOver(from: string, to: string, record: SessionRecord): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const gone = await tx.query(`DELETE FROM ${this.table} WHERE key = $1 RETURNING 1`, [from]);
      if (gone.length === 0) return false;
      await this.save(to, record, tx);
      return true;
    });
  }

  /** Saved sessions whose key starts with `prefix` (uploads from a pipe), oldest first. */
  listByPrefix(prefix: string): Promise<KeptSession[]> {
    return this.kept('WHERE left(key, length($1)) = $1 ORDER BY updated_at, key', [prefix]);
  }

  /** Every saved session (for export), oldest first. */
  list(): Promise<KeptSession[]> {
    return this.kept('ORDER BY updated_at, key', []);
  }

  private async kept(where: string, values: unknown[]): Promise<KeptSession[]> {
    const rows = await this.db.query<{ key: string; record: unknown; updated_at: Date }>(
      `SELECT key, record, updated_at FROM ${this.table} ${where}`,
      values,
    );
    return rows
      .filter((row) => usable(row.record))
      .map((row) => ({
        key: row.key,
        record: row.record as SessionRecord,
        updatedAt: row.updated_at.toISOString(),
      }));
  }
}
