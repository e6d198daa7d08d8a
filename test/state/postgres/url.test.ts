// This file tests state URLs: libpq's parameters and PG* variables, and that a password never reaches a message.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isVuploadError } from '../../../src/errors.js';
import {
  isPostgresStateUrl,
  PostgresStateStore,
  parseStateUrl,
  redactUrl,
  scrubSecrets,
} from '../../../src/state/postgres/index.js';

import { repoRoot } from '../../helpers/paths.js';

const SECRET = 'p@ss:w/rd?&=#%';
const encoded = encodeURIComponent(SECRET);

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('state URLs', () => {
  test('redactUrl hides the password of a URL, also an unparsable one, and password= parameters', () => {
    assert.equal(redactUrl(`postgres://ann:${encoded}@db:5432/v`), 'postgres://ann:***@db:5432/v');
    assert.equal(
      redactUrl('postgresql://ann:s3cret@/v?sslmode=require'),
      'postgresql://ann:***@/v?sslmode=require',
    );
    assert.equal(redactUrl('postgres://ann:s3cret@[bad'), 'postgres://ann:***@[bad');
    assert.equal(
      redactUrl('postgres://db/v?password=s3cret&sslmode=disable'),
      'postgres://db/v?password=***&sslmode=disable',
    );
    assert.equal(redactUrl('postgres://ann@db/v'), 'postgres://ann@db/v');
  });

  test('scrubSecrets removes a secret in its raw and URL-encoded forms', () => {
    assert.equal(scrubSecrets(`a ${SECRET} b ${encoded} c`, [SECRET, undefined]), 'a *** b *** c');
  });

  test('a URL gives host, port, user, database and password; the display form and the object hide the password', () => {
    const s = parseStateUrl(`postgres://ann:${encoded}@db.example:6543/fleet?sslmode=disable`, {});
    assert.deepEqual(
      [s.host, s.port, s.user, s.database, s.password, s.sslMode],
      ['db.example', 6543, 'ann', 'fleet', SECRET, 'disable'],
    );
    assert.equal(s.display, 'postgres://ann@db.example:6543/fleet');
    assert.doesNotMatch(JSON.stringify(s), /p@ss/);
    assert.equal(s.ssl, false);
  });

  test('missing parts come from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE, PGAPPNAME, PGCONNECT_TIMEOUT', () => {
    const env = {
      PGHOST: 'envhost',
      PGPORT: '7777',
      PGUSER: 'envuser',
      PGPASSWORD: 'envpw',
      PGDATABASE: 'envdb',
      PGSSLMODE: 'require',
      PGAPPNAME: 'rec-room-3',
      PGCONNECT_TIMEOUT: '3',
    };
    const s = parseStateUrl('postgres://', env);
    assert.deepEqual(
      [s.host, s.port, s.user, s.database, s.password],
      ['envhost', 7777, 'envuser', 'envdb', 'envpw'],
    );
    assert.deepEqual([s.sslMode, s.applicationName, s.connectTimeoutMs], ['require', 'rec-room-3', 3000]);
    const url = parseStateUrl('postgres://u@h:1/d?sslmode=disable', env);
    assert.deepEqual(
      [url.host, url.port, url.user, url.database, url.sslMode],
      ['h', 1, 'u', 'd', 'disable'],
    );
    assert.equal(
      parseStateUrl('postgres://u@h/', { PGUSER: 'x' }).database,
      'u',
      'the database defaults to the user',
    );
  });

  test('sslmode follows libpq: require encrypts without checking, verify-full checks, prefer is the default', () => {
    assert.equal(parseStateUrl('postgres://h/d', {}).sslMode, 'prefer');
    assert.deepEqual(parseStateUrl('postgres://h/d?sslmode=require', {}).ssl, { rejectUnauthorized: false });
    assert.deepEqual(parseStateUrl('postgres://h/d?sslmode=verify-full', {}).ssl, {});
    assert.throws(() => parseStateUrl('postgres://h/d?sslmode=verify-ca', {}), /sslrootcert/);
    assert.throws(
      () => parseStateUrl('postgres://h/d?sslmode=bogus', {}),
      (e) => isVuploadError(e) && e.exitCode === 2,
    );
  });

  test('bad URLs are usage errors (exit 2) that name the problem without the password', () => {
    for (const [url, why] of [
      [`mysql://ann:${encoded}@h/d`, /postgres:\/\//],
      [`postgres://ann:${encoded}@h/d?port=99999`, /invalid port/],
      [`postgres://ann:${encoded}@h:99999/d`, /not a valid URL/],
      [`postgres://ann:${encoded}@h/d?sslmode=require&bogus=1`, /bogus/],
    ] as const) {
      assert.throws(
        () => parseStateUrl(url, {}),
        (e) =>
          isVuploadError(e) &&
          e.exitCode === 2 &&
          why.test(e.message) &&
          !e.message.includes('p@ss') &&
          !e.message.includes(encoded),
      );
    }
  });

  test('isPostgresStateUrl tells a postgres URL from a directory', () => {
    assert.equal(isPostgresStateUrl('postgres://h/d'), true);
    assert.equal(isPostgresStateUrl('postgresql://h/d'), true);
    assert.equal(isPostgresStateUrl('/var/lib/vupload'), false);
  });

  test('an unreachable database is a network error (stateUnreachable, exit 5) whose message has no password', async () => {
    const port = await closedPort();
    const error = await PostgresStateStore.open({
      url: `postgres://ann:${encoded}@127.0.0.1:${port}/v?sslmode=disable`,
    }).then(
      () => assert.fail('connected to a closed port'),
      (e: unknown) => e,
    );
    assert.ok(isVuploadError(error));
    assert.equal(error.code, 'stateUnreachable');
    assert.equal(error.exitCode, 5);
    assert.match(error.message, new RegExp(`postgres://ann@127\\.0\\.0\\.1:${port}/v.*ECONNREFUSED`));
    assert.doesNotMatch(`${error.message} ${error.hint}`, /p@ss|p%40ss/);
  });

  test('a host that never answers fails after connect_timeout, as a network error', async () => {
    // A listening socket that never speaks: the TCP connection opens, the PostgreSQL handshake never completes.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket)).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    try {
      await assert.rejects(
        PostgresStateStore.open({
          url: `postgres://ann:${encoded}@127.0.0.1:${port}/v?sslmode=disable&connect_timeout=1`,
        }),
        (e) => isVuploadError(e) && e.exitCode === 5 && !e.message.includes('p@ss'),
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  test('the driver is loaded only when a store is opened, not by importing the module', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vupload-pg-trace-'));
    const modules = async (script: string) => {
      const trace = join(dir, `${Math.random()}.txt`);
      const run = spawnSync(
        process.execPath,
        [
          '--import',
          join(repoRoot, 'dist/test/helpers/trace-imports.js'),
          '--input-type=module',
          '-e',
          script,
        ],
        { env: { ...process.env, TRACE_IMPORTS_FILE: trace }, encoding: 'utf8' },
      );
      assert.equal(run.status, 0, run.stderr);
      return readFile(trace, 'utf8');
    };
    try {
      const index = JSON.stringify(join(repoRoot, 'dist/src/state/postgres/index.js'));
      const port = await closedPort();
      const imported = await modules(
        `const m = await import(${index}); m.parseStateUrl('postgres://h/d', {});`,
      );
      assert.match(imported, /state\/postgres\/index\.js/, 'the trace works');
      assert.doesNotMatch(imported, /node_modules\/(pg|pgpass)\//);
      const opened = await modules(
        `const m = await import(${index}); await m.PostgresStateStore.open({ url: 'postgres://u:p@127.0.0.1:${port}/d' }).catch(() => {});`,
      );
      assert.match(opened, /node_modules\/pg\//);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
