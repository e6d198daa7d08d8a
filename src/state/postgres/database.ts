// This file holds the connections to the state database: a small pool for queries, dedicated clients for locks.
import type { Client, ClientConfig, Pool, PoolClient, QueryResultRow } from 'pg';
import { usageError } from '../../errors.js';
import { stateError } from './errors.js';
import { type ConnectionSettings, parseStateUrl } from './url.js';

export interface DatabaseOptions {
  /** postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=… ; missing parts come from PG* variables. */
  url: string;
  /** Where PG* variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** The schema holding vupload's tables (default `vupload`); tests use one per test. */
  schema?: string;
  /** Pooled connections for queries (default 4); each lock holds one more connection of its own. */
  poolSize?: number;
}

/** Something that runs a query: the pool, or one transaction's client. */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
}

type Pg = typeof import('pg').default;

export const DEFAULT_SCHEMA = 'vupload';

/**
 * The driver is node-postgres (`pg`), imported here on first use only: a run without a postgres state URL never
 * loads it. One pool for short queries; locks get a dedicated Client each, because a session advisory lock belongs
 * to one server connection and must not go back to a pool while held.
 */
export class Database implements Queryable {
  readonly settings: ConnectionSettings;
  readonly schema: string;
  private readonly config: ClientConfig;
  private readonly pool: Pool;
  private readonly pg: Pg;

  private constructor(
    pg: Pg,
    settings: ConnectionSettings,
    config: ClientConfig,
    schema: string,
    poolSize: number,
  ) {
    this.pg = pg;
    this.settings = settings;
    this.config = config;
    this.schema = schema;
    this.pool = new pg.Pool({ ...config, max: poolSize, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
    // An idle pooled connection that breaks (server restart) must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
  }

  /** Parses the URL, loads the driver, and settles sslmode=prefer/allow (TLS if the server offers it). */
  static async open(options: DatabaseOptions): Promise<Database> {
    const settings = parseStateUrl(options.url, options.env);
    const schema = options.schema ?? DEFAULT_SCHEMA;
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
      throw usageError(`Invalid state schema name ${JSON.stringify(schema)}.`);
    const pg = (await import('pg')).default;
    const config = clientConfig(settings);
    if (settings.sslMode === 'prefer' || settings.sslMode === 'allow') {
      const probe = new pg.Client(config);
      probe.on('error', () => {});
      try {
        await probe.connect();
      } catch (error) {
        if (!/does not support SSL/i.test((error as Error).message))
          throw stateError(error, settings.display, [settings.password]);
        config.ssl = false; // libpq's prefer: plain text when the server offers no TLS
      } finally {
        await probe.end().catch(() => {});
      }
    }
    return new Database(pg, settings, config, schema, options.poolSize ?? 4);
  }

  /** `"schema"."name"`: a table of this store. */
  table(name: string): string {
    return `"${this.schema}"."${name}"`;
  }

  /** The error to throw for a driver failure (exit code by kind, no password in the message). */
  fail(error: unknown): Error {
    return stateError(error, this.settings.display, [this.settings.password]);
  }

  async query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (error) {
      throw this.fail(error);
    }
  }

  /** Runs `fn` in one transaction (BEGIN … COMMIT, ROLLBACK on failure) on one pooled connection. */
  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.fail(error);
    }
    const tx: Queryable = {
      query: async <R extends QueryResultRow>(text: string, values?: unknown[]) => {
        try {
          return (await client.query<R>(text, values)).rows;
        } catch (error) {
          throw this.fail(error);
        }
      },
    };
    let broken = false;
    try {
      await tx.query('BEGIN');
      const result = await fn(tx);
      await tx.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** A new connection of its own (for a lock); the caller ends it. `onLost` runs if it breaks. */
  async dedicated(onLost?: (error: Error) => void, applicationName?: string): Promise<Client> {
    const name = applicationName ?? this.settings.applicationName;
    const client = new this.pg.Client({ ...this.config, application_name: name });
    client.on('error', (error) => onLost?.(error));
    try {
      await client.connect();
    } catch (error) {
      throw this.fail(error);
    }
    return client;
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }
}

/** node-postgres settings from ours. PG* variables were applied by parseStateUrl: the driver gets explicit values. */
function clientConfig(settings: ConnectionSettings): ClientConfig {
  return {
    host: settings.host,
    port: settings.port,
    user: settings.user,
    database: settings.database,
    // A function, so the password never sits in a plain property of the config; ~/.pgpass when none was given.
    // pg takes undefined (no password: the server may not ask for one); its types say string only.
    password: (async () => settings.password ?? (await passwordFromFile(settings))) as () => Promise<string>,
    ssl: settings.ssl === false ? false : { ...settings.ssl },
    application_name: settings.applicationName,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    // TCP keep-alive, so a connection to a machine that vanished is noticed instead of waited on for ever.
    keepAlive: true,
  };
}

/**
 * libpq's password file (PGPASSFILE or ~/.pgpass; ignored unless mode 0600 or less), read with the `pgpass` package.
 * Its warning about a too-open file is silenced (only the CLI prints); the login error's hint names the mode.
 */
async function passwordFromFile(settings: ConnectionSettings): Promise<string | undefined> {
  const { default: pgpass } = await import('pgpass');
  pgpass.warnTo(null);
  return new Promise((resolve) => {
    pgpass(
      { host: settings.host, port: settings.port, database: settings.database, user: settings.user },
      resolve,
    );
  });
}
