// This file gives fleet tests machines: each its own HOME, config and state directories and login, one sandbox, one
// PostgreSQL database (a new one per test, on the test file's server).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/youtube/index.js';
import { type CliResult, runCli, spawnCli } from '../helpers/cli.js';
import { adminQuery } from '../state/postgres/helpers.js';
import { APP_USER, type PostgresServer } from '../state/postgres/server.js';
import { playBrowser } from './env.js';

export interface Machine {
  name: string;
  /** Its HOME; config and state directories are inside. */
  dir: string;
  env: Record<string, string>;
  /** vupload as a real process on this machine. */
  spawn(argv: string[]): ReturnType<typeof spawnCli>;
  /** vupload in this process, with this machine's environment (cheaper, for what needs no separate process). */
  run(argv: string[], env?: Record<string, string>): Promise<CliResult>;
}

export interface Fleet {
  sb: Sandbox;
  /** The fleet's database (password included). */
  url: string;
  dir: string;
  machines: Machine[];
  /** Requests the sandbox saw after `mark`. */
  since(mark: number): Sandbox['requests'];
  /** Runs one query in the fleet's database as its owner. */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/** A database of its own for one test, owned by the application role (as a real deployment would have). */
export async function freshDatabase(server: PostgresServer): Promise<string> {
  const name = `fleet_${randomBytes(5).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE ${name} OWNER ${APP_USER}`);
  return server.url.replace(/\/vupload$/, `/${name}`);
}

/** `count` machines logged in to one sandbox and sharing one new database on `server`. */
export async function startFleet(
  server: PostgresServer,
  count: number,
  options: SandboxOptions = {},
): Promise<Fleet> {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-fleet-'));
  const sb = await startSandbox({ processingMs: 50, dailyQuota: 1_000_000_000, ...options });
  const secrets = join(dir, 'client_secrets.json');
  await writeFile(secrets, JSON.stringify(sb.clientSecrets()));
  const url = await freshDatabase(server);
  const machines: Machine[] = [];
  // Killed when the fleet closes: a test that failed half-way must not leave a process keeping the run alive.
  const children: ReturnType<typeof spawnCli>['child'][] = [];
  for (let i = 0; i < count; i += 1) {
    const name = `machine-${String.fromCharCode(97 + i)}`;
    const home = join(dir, name);
    await mkdir(home, { mode: 0o700 });
    const env = {
      HOME: home,
      VUPLOAD_API_URL: sb.url,
      VUPLOAD_CLIENT_SECRETS: secrets,
      VUPLOAD_CONFIG_DIR: join(home, 'config'),
      VUPLOAD_STATE_DIR: join(home, 'state'),
      VUPLOAD_STATE_URL: url,
      VUPLOAD_QUOTA: '1000000000',
    };
    const machine: Machine = {
      name,
      dir: home,
      env,
      spawn: (argv) => {
        const run = spawnCli(argv, { env, cwd: home });
        children.push(run.child);
        return run;
      },
      run: (argv, extra = {}) => runCli(argv, { cwd: home, env: { ...env, ...extra } }),
    };
    const login = await runCli(['auth', 'login'], { cwd: home, env, openUrl: playBrowser });
    if (login.code !== 0) throw new Error(`login of ${name} failed: ${login.stderr}`);
    machines.push(machine);
  }
  return {
    sb,
    url,
    dir,
    machines,
    since: (mark) => sb.requests.slice(mark),
    async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query<R>(text, values)).rows;
      } finally {
        await client.end();
      }
    },
    async close() {
      for (const child of children)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await sb.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Upload sessions the sandbox started since `mark` (one per upload that began). */
export function startedUploads(fleet: Fleet, mark: number): number {
  return fleet.since(mark).filter((r) => r.kind === 'upload-init' && r.status === 200).length;
}
