// This file creates and upgrades the state database's tables: numbered migrations, one advisory lock around them.
import { ExitCode, VuploadError } from '../../errors.js';
import type { Database } from './database.js';
import { sqlState } from './errors.js';
import { advisoryKey } from './lock-key.js';

export interface Migration {
  version: number;
  name: string;
  /** The statements, given the quoted schema name. */
  sql: (schema: string) => string;
}

/** Append only: a released migration is never edited, a change is a new version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'journal, steps, sessions, quota ledger, lock holders',
    sql: (s) => `
      CREATE TABLE ${s}.uploads (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        time timestamptz NOT NULL,
        account text NOT NULL,
        provider text NOT NULL,
        file text NOT NULL,
        size bigint NOT NULL,
        fingerprint text NOT NULL,
        content_hash text,
        video_id text NOT NULL,
        title text,
        extra jsonb NOT NULL DEFAULT '{}'::jsonb,
        UNIQUE (account, provider, video_id)
      );
      CREATE INDEX uploads_by_sample ON ${s}.uploads (account, provider, size, fingerprint);
      CREATE INDEX uploads_by_content ON ${s}.uploads (account, provider, content_hash) WHERE content_hash IS NOT NULL;
      CREATE TABLE ${s}.steps (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        video_id text NOT NULL,
        step text NOT NULL,
        ok boolean NOT NULL,
        time timestamptz NOT NULL,
        detail text,
        reason text,
        UNIQUE (video_id, step, ok, time)
      );
      CREATE TABLE ${s}.sessions (
        key text PRIMARY KEY,
        account text,
        size bigint,
        fingerprint text,
        content_hash text,
        record jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX sessions_by_content ON ${s}.sessions (account, size, fingerprint);
      CREATE TABLE ${s}.quota (
        account text NOT NULL,
        day date NOT NULL,
        spent integer NOT NULL DEFAULT 0,
        exhausted boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (account, day)
      );
      CREATE TABLE ${s}.locks (
        key text PRIMARY KEY,
        lock_id bigint NOT NULL,
        token text NOT NULL,
        pid integer NOT NULL,
        host text NOT NULL,
        label text NOT NULL,
        started_at timestamptz NOT NULL,
        backend_pid integer NOT NULL
      );`,
  },
  {
    version: 2,
    name: "sessions kept as written; quota units as bigint; providers' own resume state (Youku)",
    // json, not jsonb: jsonb reorders an object's keys, and resuming compares the saved metadata as text.
    sql: (s) => `
      ALTER TABLE ${s}.sessions ALTER COLUMN record TYPE json USING record::json;
      ALTER TABLE ${s}.quota ALTER COLUMN spent TYPE bigint;
      CREATE TABLE ${s}.provider_state (
        provider text NOT NULL,
        key text NOT NULL,
        record json NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, key)
      );`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** The schema's version: 0 when vupload's tables are not there yet. */
export async function schemaVersion(db: Database): Promise<number> {
  try {
    const rows = await db.query<{ v: number | null }>(
      `SELECT max(version) AS v FROM ${db.table('schema_migrations')}`,
    );
    return rows[0]?.v ?? 0;
  } catch (error) {
    // 42P01 undefined_table, 3F000 invalid_schema_name: nothing was ever migrated here.
    if (sqlState(error) === '42P01' || sqlState(error) === '3F000') return 0;
    throw error;
  }
}

function newerSchemaError(db: Database, found: number): VuploadError {
  return new VuploadError(
    'stateSchemaNewer',
    ExitCode.api,
    `The state database at ${db.settings.display} has schema version ${found}; this vupload knows up to ${SCHEMA_VERSION}.`,
    { hint: 'Update vupload on this machine to the version the other machines run.' },
  );
}

/**
 * Brings the schema to SCHEMA_VERSION. Several processes may call this at once: each takes a session advisory lock
 * (keyed by the schema name) on a connection of its own, so one migrates while the others wait and then find
 * nothing to do. Each migration runs in its own transaction with its version row, so a crash leaves it all or none.
 */
export async function migrate(db: Database): Promise<{ from: number; to: number; applied: number[] }> {
  const client = await db.dedicated();
  const key = advisoryKey(`vupload:migrate:${db.schema}`);
  const run = async (text: string, values?: unknown[]) => {
    try {
      return (await client.query(text, values)).rows;
    } catch (error) {
      throw db.fail(error);
    }
  };
  try {
    await run('SELECT pg_advisory_lock($1::bigint)', [key]);
    // Existence first: CREATE SCHEMA IF NOT EXISTS still needs CREATE on the database, which a DBA may not grant.
    const exists = await run('SELECT 1 FROM pg_namespace WHERE nspname = $1', [db.schema]);
    if (exists.length === 0) await run(`CREATE SCHEMA "${db.schema}"`);
    const table = db.table('schema_migrations');
    await run(
      `CREATE TABLE IF NOT EXISTS ${table} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set((await run(`SELECT version FROM ${table}`)).map((r) => r.version as number));
    const from = Math.max(0, ...done);
    if (from > SCHEMA_VERSION) throw newerSchemaError(db, from);
    const applied: number[] = [];
    for (const migration of MIGRATIONS.filter((m) => !done.has(m.version))) {
      await run('BEGIN');
      try {
        await run(migration.sql(`"${db.schema}"`));
        await run(`INSERT INTO ${table} (version, name) VALUES ($1, $2)`, [
          migration.version,
          migration.name,
        ]);
        await run('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
      applied.push(migration.version);
    }
    return { from, to: SCHEMA_VERSION, applied };
  } finally {
    // Ending the connection releases the advisory lock, also when a statement above failed.
    await client.end().catch(() => {});
  }
}

/** At start: migrate only when behind (no lock taken in the common case), refuse a schema newer than this code. */
export async function ensureSchema(db: Database): Promise<void> {
  const version = await schemaVersion(db);
  if (version > SCHEMA_VERSION) throw newerSchemaError(db, version);
  if (version < SCHEMA_VERSION) await migrate(db);
}
