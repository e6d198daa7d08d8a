// This file gives fleet-wide locks: PostgreSQL session advisory locks, freed by the server when the holder dies.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Client, QueryConfig } from 'pg';
import { interruptedError } from '../../errors.js';
import { type Lock, type LockHolder, lockedError } from '../../unattended/lock.js';
import { type Clock, systemClock } from '../../upload/clock.js';
import type { LockRequest, LockStore } from '../store.js';
import type { Database } from './database.js';
import { isUnreachable } from './errors.js';
import { LockConnections } from './lock-connections.js';
import { advisoryKey, advisoryKeyParts } from './lock-key.js';

/*
 * Why session advisory locks, not rows with a lease: the server releases a session lock the moment the holder's
 * connection ends (process killed, machine gone once TCP notices), with no clock, heartbeat or stale-age guess, and
 * a waiter blocked in pg_advisory_lock() is granted it at that very moment. A lease would need a heartbeat and a
 * timeout, and a paused holder would lose its lease while still uploading. The price: each held lock needs a
 * connection of its own for as long as it is held, and a holder whose connection breaks has lost its lock (`lost`).
 * The `locks` table only names holders for messages; pg_locks says whether a named holder still holds the lock.
 */

/** The content key of a file, or a manifest's path: the same keys as the file store's locks. */
export type PgLockOptions = LockRequest;

export interface PgLock extends Lock {
  /** Aborted if the lock's connection breaks while held: the lock is gone, another machine may take it. */
  readonly lost: AbortSignal;
}

interface HolderRow {
  backend_pid: number;
  application_name: string | null;
  client_addr: string | null;
  backend_start: Date | null;
  pid: number | null;
  host: string | null;
  label: string | null;
  started_at: Date | null;
  token: string | null;
}

export class PostgresLocks implements LockStore {
  private readonly db: Database;
  private readonly pid: number;
  private readonly host: string;
  private readonly clock: Clock;
  private readonly connections: LockConnections;
  /** Tokens of the locks this process holds: another job of this run is waited for, not reported as busy. */
  private readonly own = new Set<string>();

  constructor(db: Database, identity: { pid?: number; host?: string; clock?: Clock } = {}) {
    this.db = db;
    this.pid = identity.pid ?? process.pid;
    this.host = identity.host ?? hostname();
    this.clock = identity.clock ?? systemClock;
    // The holder's identity in the connection's name, so a busy lock can be named even before its row exists.
    this.connections = new LockConnections(db, `vupload lock pid ${this.pid}@${this.host}`.slice(0, 63));
  }

  /** Ends the parked lock connections (held locks keep theirs until released). */
  close(): Promise<void> {
    return this.connections.close();
  }

  private lockId(key: string): string {
    return advisoryKey(`vupload:${this.db.schema}:lock:${key}`);
  }

  /** Takes the lock for `options.key`, waiting if asked; throws lockedError (exit 1) naming the holder when busy. */
  async acquire(options: PgLockOptions): Promise<PgLock> {
    if (options.signal?.aborted) throw interruptedError(options.signal);
    const holder: LockHolder = {
      pid: this.pid,
      host: this.host,
      startedAt: new Date(this.clock.now()).toISOString(),
      label: options.label,
      token: randomUUID(),
    };
    // Ours from the first try: another job of this process may see the holder row before this call returns.
    this.own.add(holder.token);
    try {
      return await this.take(options, holder);
    } catch (error) {
      this.own.delete(holder.token);
      throw error;
    }
  }

  private async take(options: PgLockOptions, holder: LockHolder): Promise<PgLock> {
    const id = this.lockId(options.key);
    const values = [options.key, id, holder.token, holder.pid, holder.host, holder.label, holder.startedAt];
    let { client, reused } = await this.connections.take();
    let taken: boolean;
    try {
      taken = await this.tryTake(client, values);
    } catch (error) {
      // A parked connection may have died quietly (the server restarted): one more try on a new one.
      await this.connections.end(client);
      if (!reused || !isUnreachable(error)) throw error;
      ({ client, reused } = await this.connections.take());
      taken = await this.tryTake(client, values).catch(async (again: unknown) => {
        await this.connections.end(client);
        throw again;
      });
    }
    try {
      for (let notified = false; !taken; ) {
        const current = await this.holderOf(options.key, id);
        if (!current) {
          taken = await this.tryTake(client, values); // released between our try and our look
          continue;
        }
        const sameProcess = this.own.has(current.token) || this.isOwnConnection(current);
        if (!options.wait && !sameProcess) throw lockedError(options.label, current, options.howToWait);
        if (!notified) options.onWait?.(current, sameProcess);
        notified = true;
        await this.waitFor(client, id, options.signal);
        await this.run(
          client,
          `${this.insertHolder} VALUES ($1, $2, $3, $4, $5, $6, $7, pg_backend_pid()) ${this.upsert}`,
          values,
        );
        taken = true;
      }
    } catch (error) {
      await this.connections.end(client);
      throw error;
    }
    return this.heldLock(client, options.key, id, holder);
  }

  /**
   * A holder seen between its pg_try_advisory_lock and the commit of its row is named by its connection alone
   * (holderOf): when that name is this process's, it is another job of this run, to be waited for like one with a row.
   */
  private isOwnConnection(holder: LockHolder): boolean {
    return holder.token.startsWith('backend-') && holder.pid === this.pid && holder.host === this.host;
  }

  private get insertHolder(): string {
    return `INSERT INTO ${this.db.table('locks')} (key, lock_id, token, pid, host, label, started_at, backend_pid)`;
  }

  private readonly upsert =
    `ON CONFLICT (key) DO UPDATE SET lock_id = EXCLUDED.lock_id, token = EXCLUDED.token,
    pid = EXCLUDED.pid, host = EXCLUDED.host, label = EXCLUDED.label, started_at = EXCLUDED.started_at,
    backend_pid = EXCLUDED.backend_pid`;

  /** pg_try_advisory_lock and, only if it succeeded, the holder row: one round trip. */
  private async tryTake(client: Client, values: unknown[]): Promise<boolean> {
    const rows = await this.run(
      client,
      `${this.insertHolder}
       SELECT $1::text, $2::bigint, $3::text, $4::integer, $5::text, $6::text, $7::timestamptz, pg_backend_pid()
        WHERE pg_try_advisory_lock($2::bigint)
       ${this.upsert} RETURNING 1`,
      values,
    );
    return rows.length > 0;
  }

  /** Runs `fn` holding the lock, and releases it however `fn` ends. */
  async withLock<T>(options: PgLockOptions, fn: (lock: PgLock) => Promise<T>): Promise<T> {
    const lock = await this.acquire(options);
    try {
      return await fn(lock);
    } finally {
      await lock.release();
    }
  }

  /** Who holds the lock for `key` now, or undefined if nobody does. */
  async holder(key: string): Promise<LockHolder | undefined> {
    return this.holderOf(key, this.lockId(key));
  }

  private async holderOf(key: string, id: string): Promise<LockHolder | undefined> {
    const { classid, objid } = advisoryKeyParts(id);
    const rows = await this.db.query<HolderRow>(
      `SELECT p.pid AS backend_pid, a.application_name, a.client_addr::text AS client_addr, a.backend_start,
              l.pid, l.host, l.label, l.started_at, l.token
         FROM pg_locks p
         LEFT JOIN pg_stat_activity a ON a.pid = p.pid
         LEFT JOIN ${this.db.table('locks')} l ON l.key = $1 AND l.backend_pid = p.pid
        WHERE p.locktype = 'advisory' AND p.granted AND p.classid = $2::oid AND p.objid = $3::oid AND p.objsubid = 1
          AND p.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [key, classid, objid],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.pid !== null && row.host !== null) {
      return {
        pid: row.pid,
        host: row.host,
        startedAt: row.started_at?.toISOString() ?? '?',
        label: row.label ?? '',
        token: row.token ?? '',
      };
    }
    // The holder has its lock but has not written its row yet: its connection's name says who it is.
    const named = /pid (\d+)@(.+)$/.exec(row.application_name ?? '');
    return {
      pid: named ? Number(named[1]) : 0,
      host: named?.[2] ?? row.client_addr ?? 'another machine',
      startedAt: row.backend_start?.toISOString() ?? '?',
      label: '',
      token: `backend-${row.backend_pid}`,
    };
  }

  /** Blocks in pg_advisory_lock() until granted; an abort cancels the wait and ends the connection. */
  private async waitFor(client: Client, id: string, signal?: AbortSignal): Promise<void> {
    // pg sets processID from the server's BackendKeyData; its types do not declare it.
    const backend = (client as unknown as { processID: number }).processID;
    const onAbort = () => {
      void this.db
        .query('SELECT pg_cancel_backend($1)', [backend])
        .catch(() => {})
        .finally(() => client.connection.stream.destroy());
    };
    if (signal?.aborted) throw interruptedError(signal);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.run(client, 'SELECT pg_advisory_lock($1::bigint)', [id]);
    } catch (error) {
      if (signal?.aborted) throw interruptedError(signal);
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted) throw interruptedError(signal); // granted as the abort came: the caller's catch ends it
  }

  private async run(client: Client, text: string, values: unknown[]): Promise<unknown[]> {
    try {
      return (await client.query(text, values)).rows;
    } catch (error) {
      throw this.db.fail(error);
    }
  }

  private heldLock(client: Client, key: string, id: string, holder: LockHolder): PgLock {
    const lost = new AbortController();
    const onGone = (error?: Error) => lost.abort(this.db.fail(error ?? new Error('Connection terminated')));
    client.on('error', onGone);
    client.on('end', onGone);
    let released = false;
    return {
      path: `${this.db.settings.display} advisory lock ${id}`,
      holder,
      lost: lost.signal,
      release: async () => {
        if (released) return;
        released = true;
        this.own.delete(holder.token);
        client.off('error', onGone);
        client.off('end', onGone);
        if (lost.signal.aborted) return this.connections.end(client); // the server already dropped the lock
        try {
          // A bounded wait: a database that stopped answering must not hold the upload's end for ever.
          // pg honours query_timeout per query; its types declare it on the client config only.
          const unlock: QueryConfig & { query_timeout: number } = {
            text: `WITH gone AS (DELETE FROM ${this.db.table('locks')} WHERE key = $1 AND token = $2)
                   SELECT pg_advisory_unlock($3::bigint) AS ok`,
            values: [key, holder.token, id],
            query_timeout: 10_000,
          };
          const { rows } = await client.query<{ ok: boolean }>(unlock);
          const [row] = rows;
          if (row?.ok) return this.connections.park(client);
        } catch {
          // Ending the connection below releases the lock all the same.
        }
        await this.connections.end(client);
      },
    };
  }
}
