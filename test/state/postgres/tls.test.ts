// This file tests sslmode against a real PostgreSQL serving TLS with a self-signed certificate.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isVuploadError } from '../../../src/errors.js';
import { PostgresStateStore } from '../../../src/state/postgres/index.js';
import { freshSchema } from './helpers.js';
import { type PostgresServer, startPostgres } from './server.js';

describe('sslmode', { timeout: 60_000 }, () => {
  let server: PostgresServer;
  before(async () => {
    server = await startPostgres({ tls: true });
  });
  after(() => server.destroy());

  /** Whether the store's connection is encrypted, as the server sees it. */
  async function encrypted(query: string, env: NodeJS.ProcessEnv = {}): Promise<boolean> {
    const store = await PostgresStateStore.open({ url: `${server.url}${query}`, env, schema: freshSchema() });
    try {
      const [row] = await store.db.query<{ ssl: boolean }>(
        'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      return row!.ssl;
    } finally {
      await store.close();
    }
  }

  test('prefer (the default) and require encrypt; disable does not', async () => {
    assert.equal(await encrypted(''), true);
    assert.equal(await encrypted('?sslmode=require'), true);
    assert.equal(await encrypted('?sslmode=disable'), false);
  });

  test('verify-full checks the certificate against sslrootcert, from the URL or PGSSLROOTCERT', async () => {
    assert.equal(
      await encrypted(`?sslmode=verify-full&sslrootcert=${encodeURIComponent(server.certFile!)}`),
      true,
    );
    assert.equal(await encrypted('', { PGSSLMODE: 'verify-full', PGSSLROOTCERT: server.certFile }), true);
    assert.equal(await encrypted('', { PGSSLMODE: 'verify-ca', PGSSLROOTCERT: server.certFile }), true);
  });

  test('verify-full against an unknown certificate fails before any query, with no password in the message', async () => {
    await assert.rejects(encrypted('?sslmode=verify-full'), (e) => {
      assert.ok(isVuploadError(e));
      assert.equal(e.exitCode, 5);
      assert.match(e.message, /self-signed|certificate/i);
      assert.doesNotMatch(e.message, new RegExp(server.password));
      return true;
    });
  });
});
