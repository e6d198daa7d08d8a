// This file tests fleet locks on a real PostgreSQL: one holder, named when busy, freed when its holder dies.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { isVuploadError } from '../../../src/errors.js';
import { JobLock } from '../../../src/state/job-lock.js';
import { advisoryKey } from '../../../src/state/postgres/lock-key.js';
import type { LockHolder } from '../../../src/unattended/lock.js';
import { adminQuery, freshSchema, storeFactory } from './helpers.js';
import { usePostgres } from './server.js';

const server = usePostgres();
const openStore = storeFactory(server);
const childScript = fileURLToPath(new URL('./lock-child.js', import.meta.url));

/** Whether some connection is blocked waiting for an advisory lock (pg_locks shows it not granted). */
async function someoneWaits(): Promise<boolean> {
  const rows = await adminQuery(
    server(),
    "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
  );
  return rows.length > 0;
}

/** Polls an asynchronous condition (a database query) until it holds; fails the test after 20 s. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await delay(10);
  }
}

describe('fleet locks', { timeout: 60_000 }, () => {
  const children: ChildProcessWithoutNullStreams[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  test("a busy lock fails at once with code locked, naming the holder's pid, host and file", async () => {
    const schema = freshSchema();
    const a = await openStore({ schema, host: 'machine-a' });
    const b = await openStore({ schema, host: 'machine-b' });
    const lock = await a.locks.acquire({ key: 'sha256:abc', label: '/nas/talk.mp4' });
    await assert.rejects(b.locks.acquire({ key: 'sha256:abc', label: '/mnt/nas/talk.mp4' }), (e) => {
      assert.ok(isVuploadError(e));
      assert.equal(e.code, 'locked');
      assert.equal(e.exitCode, 1);
      assert.match(e.message, new RegExp(`pid ${process.pid} on machine-a`));
      assert.match(e.message, /same content: \/nas\/talk\.mp4/);
      return true;
    });
    assert.deepEqual(await b.locks.holder('sha256:abc'), lock.holder);
    const other = await b.locks.acquire({ key: 'sha256:other', label: '/nas/other.mp4' });
    await other.release();
    await lock.release();
    await lock.release(); // twice is harmless
    assert.equal(await b.locks.holder('sha256:abc'), undefined);
    await (await b.locks.acquire({ key: 'sha256:abc', label: '/mnt/nas/talk.mp4' })).release();
  });

  test('kill -9 of the holder: a machine waiting for the lock gets it within a second', async () => {
    const schema = freshSchema();
    const waiter = await openStore({ schema, host: 'machine-a' });
    const child = spawn(process.execPath, [childScript, server().url, schema, 'sha256:nas', '/nas/a.mp4'], {
      stdio: 'pipe',
    });
    children.push(child);
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    assert.equal((JSON.parse(line) as LockHolder).pid, child.pid);
    let seen: LockHolder | undefined;
    const taking = waiter.locks.acquire({
      key: 'sha256:nas',
      label: '/mnt/a.mp4',
      wait: true,
      onWait: (holder) => {
        seen = holder;
      },
    });
    await until('the waiter to block in pg_advisory_lock', someoneWaits);
    assert.deepEqual([seen?.pid, seen?.host, seen?.label], [child.pid, 'machine-b', '/nas/a.mp4']);
    const killedAt = performance.now();
    child.kill('SIGKILL');
    const lock = await taking;
    const ms = performance.now() - killedAt;
    assert.ok(ms < 1000, `took ${ms} ms`);
    assert.equal((await waiter.locks.holder('sha256:nas'))?.token, lock.holder.token);
    await lock.release();
  });

  test('an aborted wait ends with interrupted at once and does not keep a claim on the lock', async () => {
    const schema = freshSchema();
    const a = await openStore({ schema });
    const b = await openStore({ schema });
    const held = await a.locks.acquire({ key: 'k', label: '/a.mp4' });
    const controller = new AbortController();
    const waiting = b.locks.acquire({ key: 'k', label: '/a.mp4', wait: true, signal: controller.signal });
    await until('the waiter to block', someoneWaits);
    controller.abort('SIGINT');
    await assert.rejects(waiting, (e) => isVuploadError(e) && e.code === 'interrupted');
    await until('the cancelled wait to leave pg_locks', async () => !(await someoneWaits()));
    await held.release();
    await (await a.locks.acquire({ key: 'k', label: '/a.mp4' })).release();
  });

  test('a holder whose connection is cut is told the lock is lost, and another machine can take it', async () => {
    const schema = freshSchema();
    const a = await openStore({ schema });
    const b = await openStore({ schema });
    const lock = await a.locks.acquire({ key: 'k', label: '/a.mp4' });
    const [row] = await a.db.query<{ backend_pid: number }>(
      `SELECT backend_pid FROM ${a.db.table('locks')} WHERE key = 'k'`,
    );
    const lost = once(lock.lost, 'abort');
    await adminQuery(server(), 'SELECT pg_terminate_backend($1)', [row!.backend_pid]);
    await lost;
    assert.ok(isVuploadError(lock.lost.reason));
    await (await b.locks.acquire({ key: 'k', label: '/a.mp4' })).release();
    await lock.release();
  });

  test('another job of the same process holding the lock is waited for (not reported), whatever --wait-lock says', async () => {
    const a = await openStore({ schema: freshSchema() });
    const first = await a.locks.acquire({ key: 'same-content', label: '/a.mp4' });
    const waits: Array<[number, boolean]> = [];
    const second = a.locks.acquire({
      key: 'same-content',
      label: '/copy-of-a.mp4',
      onWait: (holder, sameProcess) => waits.push([holder.pid, sameProcess]),
    });
    await until('the second job to wait', someoneWaits);
    assert.deepEqual(waits, [[process.pid, true]]);
    await first.release();
    await (await second).release();
  });

  test('a holder between its advisory lock and its row is told apart by its connection: this run waits, another fails', async () => {
    const schema = freshSchema();
    const a = await openStore({ schema, host: 'machine-a' });
    // What another job sees in that instant: the lock granted to a connection whose holder row is not committed yet.
    const holdWithoutRow = async (name: string) => {
      const client = new pg.Client({ connectionString: server().url, application_name: name });
      await client.connect();
      await client.query('SELECT pg_advisory_lock($1::bigint)', [advisoryKey(`vupload:${schema}:lock:k`)]);
      return client;
    };
    const ours = await holdWithoutRow(`vupload lock pid ${process.pid}@machine-a`);
    const waits: Array<[number, boolean]> = [];
    const second = a.locks.acquire({
      key: 'k',
      label: '/copy.mp4',
      wait: false,
      onWait: (holder, sameProcess) => waits.push([holder.pid, sameProcess]),
    });
    await until('the second job to wait', someoneWaits);
    assert.deepEqual(waits, [[process.pid, true]]);
    await ours.end();
    await (await second).release();

    const theirs = await holdWithoutRow(`vupload lock pid ${process.pid + 1}@machine-a`);
    await assert.rejects(a.locks.acquire({ key: 'k', label: '/copy.mp4', wait: false }), (e) => {
      assert.ok(isVuploadError(e));
      assert.equal(e.code, 'locked');
      assert.match(e.message, new RegExp(`pid ${process.pid + 1} on machine-a`));
      return true;
    });
    await theirs.end();
  });

  test('a job whose lock was lost with its connection takes it again before going on, or stops if another has it', async () => {
    const schema = freshSchema();
    const a = await openStore({ schema });
    const b = await openStore({ schema, host: 'machine-b' });
    const backendOf = async () =>
      (
        await a.db.query<{ backend_pid: number }>(
          `SELECT backend_pid FROM ${a.db.table('locks')} WHERE key = 'k'`,
        )
      )[0]!.backend_pid;
    const job = new JobLock(a.locks, { key: 'k', label: '/a.mp4' });
    await job.take();
    assert.equal(await job.ensure(), false, 'held: nothing to do');
    await adminQuery(server(), 'SELECT pg_terminate_backend($1)', [await backendOf()]);
    await until('the job to see its lock lost', async () => job.lost);
    assert.equal(await job.ensure(), true, 'taken again');
    assert.equal((await a.locks.holder('k'))?.pid, process.pid);
    await adminQuery(server(), 'SELECT pg_terminate_backend($1)', [await backendOf()]);
    await until('the job to see its lock lost again', async () => job.lost);
    await until('the lock to be free', async () => (await a.locks.holder('k')) === undefined);
    const other = await b.locks.acquire({ key: 'k', label: '/b.mp4' });
    await assert.rejects(job.ensure(), (e) => {
      assert.ok(isVuploadError(e));
      assert.equal(e.code, 'lockLost');
      assert.equal(e.exitCode, 5);
      assert.match(
        e.message,
        /was lost when the connection to the state database broke, and another vupload .* on machine-b/,
      );
      return true;
    });
    await other.release();
    await job.release();
  });

  test('locks of two schemas in one database never block each other', async () => {
    const a = await openStore({ schema: freshSchema() });
    const b = await openStore({ schema: freshSchema() });
    const one = await a.locks.acquire({ key: 'same', label: '/x' });
    const two = await b.locks.acquire({ key: 'same', label: '/x' });
    await Promise.all([one.release(), two.release()]);
  });

  test("a released lock's connection is reused for the next lock, also after the server restarted", async () => {
    const schema = freshSchema();
    const a = await openStore({ schema });
    const backendOf = async (key: string) =>
      (
        await a.db.query<{ backend_pid: number }>(
          `SELECT backend_pid FROM ${a.db.table('locks')} WHERE key = $1`,
          [key],
        )
      )[0]!.backend_pid;
    const first = await a.locks.acquire({ key: 'one', label: '/1' });
    const backend = await backendOf('one');
    await first.release();
    const second = await a.locks.acquire({ key: 'two', label: '/2' });
    assert.equal(await backendOf('two'), backend, 'the parked connection was reused');
    assert.equal(await a.locks.holder('one'), undefined, 'and it holds nothing of the first lock');
    await second.release();
    await server().pause();
    await server().resume();
    const third = await a.locks.acquire({ key: 'three', label: '/3' });
    assert.notEqual(await backendOf('three'), backend);
    await third.release();
  });
});
