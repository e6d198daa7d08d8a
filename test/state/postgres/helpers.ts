// This file opens PostgreSQL state stores for tests: a fresh schema per test, every store closed after it.
import { randomBytes } from 'node:crypto';
import { afterEach } from 'node:test';
import pg from 'pg';
import { type PostgresStateOptions, PostgresStateStore } from '../../../src/state/postgres/index.js';
import type { PostgresServer } from './server.js';

/** A schema name no other test uses, so tests sharing one server never see each other's rows. */
export function freshSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/** Opens stores on `server()` and closes them all after each test. */
export function storeFactory(server: () => PostgresServer) {
  const opened: PostgresStateStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  return async (options: Partial<PostgresStateOptions> & { schema: string }): Promise<PostgresStateStore> => {
    const store = await PostgresStateStore.open({ url: server().url, ...options });
    opened.push(store);
    return store;
  };
}

/** Runs one statement as the superuser (to kill a backend, look at pg_locks …). */
export async function adminQuery<R extends pg.QueryResultRow>(
  server: PostgresServer,
  text: string,
  values?: unknown[],
) {
  const client = new pg.Client({ connectionString: server.adminUrl });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}
