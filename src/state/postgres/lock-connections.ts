// This file keeps a few connections for locks open between uploads: a new connection per lock costs a login.
import type { Client } from 'pg';
import type { Database } from './database.js';

/** pg's socket is a net.Socket; its types only say Duplex. */
type Refable = { ref?(): void; unref?(): void };

/**
 * Connections for session advisory locks. A lock needs a connection of its own for as long as it is held; a
 * released lock's connection (all its advisory locks released) is parked here, unreferenced so it never keeps the
 * process alive, and handed to the next lock. Opening a connection (TCP, SCRAM login, a new server process) costs
 * several milliseconds; a parked one costs nothing. A parked connection that breaks is dropped.
 */
export class LockConnections {
  private readonly db: Database;
  private readonly applicationName: string;
  private readonly maxIdle: number;
  private readonly idle: Client[] = [];
  private closed = false;

  constructor(db: Database, applicationName: string, maxIdle = 2) {
    this.db = db;
    this.applicationName = applicationName;
    this.maxIdle = maxIdle;
  }

  /** A parked connection if there is one (`reused` true), else a new one. */
  async take(): Promise<{ client: Client; reused: boolean }> {
    const client = this.idle.pop();
    if (client) {
      client.removeAllListeners('end');
      (client.connection.stream as Refable).ref?.();
      return { client, reused: true };
    }
    return { client: await this.db.dedicated(undefined, this.applicationName), reused: false };
  }

  /** Parks `client` (which must hold no lock) for a later take(), or ends it if enough are parked. */
  async park(client: Client): Promise<void> {
    if (this.closed || this.idle.length >= this.maxIdle) return this.end(client);
    const drop = () => {
      const at = this.idle.indexOf(client);
      if (at >= 0) this.idle.splice(at, 1);
    };
    client.once('end', drop);
    (client.connection.stream as Refable).unref?.();
    this.idle.push(client);
  }

  /** Ends `client`; if the server does not answer within a second (network gone), the socket is destroyed. */
  async end(client: Client): Promise<void> {
    client.removeAllListeners('end');
    // A parked connection is unreferenced: ending it must keep the process alive until it has ended.
    (client.connection.stream as Refable).ref?.();
    let timer: NodeJS.Timeout | undefined;
    const gone = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        client.connection.stream.destroy();
        resolve();
      }, 1000);
      timer.unref();
    });
    await Promise.race([client.end().catch(() => {}), gone]);
    clearTimeout(timer);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((client) => this.end(client)));
  }
}
