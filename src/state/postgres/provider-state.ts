// This file keeps providers' own resume state (Youku's upload token and server) in PostgreSQL, one row per key.
import type { ProviderStateStore } from '../store.js';
import type { Database, Queryable } from './database.js';

/** The mirror of `<state>/<provider>/<key>.json`: each record kept whole, as JSON. */
export class PostgresProviderState implements ProviderStateStore {
  private readonly db: Database;
  readonly provider: string;

  constructor(db: Database, provider: string) {
    this.db = db;
    this.provider = provider;
  }

  private get table(): string {
    return this.db.table('provider_state');
  }

  async load(key: string): Promise<unknown> {
    const [row] = await this.db.query<{ record: unknown }>(
      `SELECT record FROM ${this.table} WHERE provider = $1 AND key = $2`,
      [this.provider, key],
    );
    return row?.record;
  }

  async save(key: string, record: object, on: Queryable = this.db): Promise<void> {
    await on.query(
      `INSERT INTO ${this.table} (provider, key, record, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (provider, key) DO UPDATE SET record = EXCLUDED.record, updated_at = now()`,
      [this.provider, key, JSON.stringify(record)],
    );
  }

  async remove(key: string): Promise<void> {
    await this.db.query(`DELETE FROM ${this.table} WHERE provider = $1 AND key = $2`, [this.provider, key]);
  }

  /** Every record of this provider (for export), oldest first. */
  async list(): Promise<Array<{ key: string; record: unknown }>> {
    return this.db.query<{ key: string; record: unknown }>(
      `SELECT key, record FROM ${this.table} WHERE provider = $1 ORDER BY updated_at, key`,
      [this.provider],
    );
  }
}
