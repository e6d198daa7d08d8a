// This file is a child process standing for another machine: it takes a PostgreSQL lock and holds it until killed.
// Usage: node lock-child.js URL SCHEMA KEY LABEL — prints the holder as one JSON line once the lock is held.
import { PostgresStateStore } from '../../../src/state/postgres/index.js';

const [url, schema, key, label] = process.argv.slice(2);
const store = await PostgresStateStore.open({ url: url!, schema: schema!, host: 'machine-b' });
const lock = await store.locks.acquire({ key: key!, label: label! });
process.stdout.write(`${JSON.stringify(lock.holder)}\n`);
setInterval(() => {}, 60_000);
