// This file opens the state store a run asks for: PostgreSQL for a postgres:// URL, else the state directory's files.
import { usageError } from '../errors.js';
import type { Env } from '../paths.js';
import type { Clock } from '../upload/clock.js';
import { FileStateStore } from './file-store.js';
import type { PostgresStateStore } from './postgres/index.js';
import { redactUrl } from './postgres/url.js';
import type { StateStore } from './store.js';

export interface OpenStateOptions {
  /** The value of --state-url or VUPLOAD_STATE_URL; absent or empty: the files of `stateDir`. */
  url?: string;
  /** Which of the two gave `url`, for messages. */
  source?: string;
  stateDir: string;
  /** Where the PG* variables are read. */
  env: Env;
  clock?: Clock;
  /** Warnings of the file store (a corrupt quota ledger). */
  onWarning?: (message: string) => void;
}

/**
 * The file store needs nothing opened. The PostgreSQL store loads its driver (`pg`) here and only here, connects
 * (exit 5 when the server cannot be reached, 3 when it refuses the login, 2 for a bad URL) and brings the schema up
 * to date.
 */
export async function openStateStore(options: OpenStateOptions): Promise<StateStore> {
  const url = options.url?.trim();
  if (!url) return new FileStateStore(options.stateDir, options);
  return openPostgres({ ...options, url });
}

/** The PostgreSQL store of a postgres:// URL (a usage error, exit 2, for any other); `migrate: false` opens as is. */
export async function openPostgres(
  options: Omit<OpenStateOptions, 'stateDir' | 'onWarning'> & { url: string; migrate?: boolean },
): Promise<PostgresStateStore> {
  const url = options.url.trim();
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw usageError(
      `${options.source ?? '--state-url'}: ${redactUrl(url)} is not a PostgreSQL URL.`,
      'Give postgres://USER@HOST:PORT/DATABASE (the password from PGPASSWORD or ~/.pgpass), or leave it out to keep the state in the state directory.',
    );
  }
  const { PostgresStateStore } = await import('./postgres/index.js');
  return PostgresStateStore.open({
    url,
    env: { ...options.env },
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.migrate === false ? { migrate: false } : {}),
  });
}
