// This file measures the PostgreSQL state store against the file store (not part of npm test).
// Run after a build: node dist/test/state/postgres/bench.js [UPLOADS]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStateStore } from '../../../src/state/postgres/index.js';
import { recordStep, Step } from '../../../src/unattended/journal.js';
import { acquireLock } from '../../../src/unattended/lock.js';
import { QuotaLedger } from '../../../src/unattended/quota.js';
import { appendHistory } from '../../../src/upload/journal.js';
import {
  createFileSessionStore,
  type SessionRecord,
  sessionsDir,
} from '../../../src/upload/session-store.js';
import { freshSchema } from './helpers.js';
import { startPostgres } from './server.js';

const uploads = Number(process.argv[2] ?? 200);

const session = (i: number): SessionRecord => ({
  version: 1,
  sessionUri: `http://127.0.0.1:1/upload?upload_id=${i}`,
  path: `/rec/${i}.mp4`,
  size: 1000 + i,
  mtimeMs: 1,
  fingerprint: `fp-${i}`,
  metadata: { snippet: { title: `Talk ${i}` } },
  account: 'default',
  initUrl: 'http://127.0.0.1:1/upload/youtube/v3/videos',
  contentType: 'video/mp4',
  createdAt: 1,
});

const entry = (i: number) => ({
  time: new Date().toISOString(),
  account: 'default',
  provider: 'youtube',
  file: `/rec/${i}.mp4`,
  size: 1000 + i,
  fingerprint: `fp-${i}`,
  contentHash: `sha256:${i}`,
  videoId: `vid-${i}`,
  title: `Talk ${i}`,
});

/** The bookkeeping of one upload: lock, reserve, save session, record id, drop session, one step, unlock. */
interface Bookkeeping {
  lock(i: number): Promise<{ release(): Promise<void> }>;
  reserve(): Promise<unknown>;
  saveSession(i: number): Promise<void>;
  record(i: number): Promise<unknown>;
  removeSession(i: number): Promise<void>;
  step(i: number): Promise<void>;
}

async function measure(name: string, book: Bookkeeping): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < uploads; i += 1) {
    const started = performance.now();
    const lock = await book.lock(i);
    await book.reserve();
    await book.saveSession(i);
    await book.record(i);
    await book.removeSession(i);
    await book.step(i);
    await lock.release();
    times.push(performance.now() - started);
  }
  report(name, times);
  return times;
}

function report(name: string, times: number[]): void {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2);
  const mean = (times.reduce((a, b) => a + b, 0) / times.length).toFixed(2);
  console.log(
    `${name.padEnd(34)} median ${at(0.5)} ms  p95 ${at(0.95)} ms  mean ${mean} ms  (n=${times.length})`,
  );
}

// A durable server (fsync, synchronous commit), as a real one: the file store fsyncs each record too.
const server = await startPostgres({ durable: true });
const dir = await mkdtemp(join(tmpdir(), 'vupload-pg-bench-'));
try {
  console.log(`PostgreSQL test server: initdb + start ${server.startMs} ms`);
  let started = performance.now();
  const store = await PostgresStateStore.open({ url: server.url, schema: freshSchema() });
  console.log(`open (load pg, connect, create schema): ${(performance.now() - started).toFixed(1)} ms`);
  started = performance.now();
  const again = await PostgresStateStore.open({ url: server.url, schema: store.db.schema });
  console.log(`open again (schema current):             ${(performance.now() - started).toFixed(1)} ms`);
  await again.close();

  const files = createFileSessionStore(sessionsDir(dir));
  const ledger = QuotaLedger.inStateDir(dir);
  const fileTimes = await measure('file store, per upload', {
    lock: (i) => acquireLock({ dir: join(dir, 'locks'), key: `sha256:${i}`, label: `/rec/${i}.mp4` }),
    reserve: () => ledger.reserve({ account: 'default', cost: 1, budget: 1e9 }),
    saveSession: (i) => files.save(`k${i}`, session(i)),
    record: (i) => appendHistory(dir, entry(i)),
    removeSession: (i) => files.remove(`k${i}`),
    step: (i) => recordStep({ stateDir: dir, videoId: `vid-${i}`, step: Step.thumbnail, ok: true }),
  });
  const pgTimes = await measure('PostgreSQL store, per upload', {
    lock: (i) => store.locks.acquire({ key: `sha256:${i}`, label: `/rec/${i}.mp4` }),
    reserve: () => store.quota.reserve({ account: 'default', cost: 1, budget: 1e9 }),
    saveSession: (i) => store.sessions.save(`k${i}`, session(i)),
    record: (i) => store.journal.appendUpload(entry(i)),
    removeSession: (i) => store.sessions.remove(`k${i}`),
    step: (i) => store.journal.recordStep({ videoId: `vid-${i}`, step: Step.thumbnail, ok: true }),
  });
  const median = (t: number[]) => [...t].sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
  console.log(`added cost per upload (median): ${(median(pgTimes) - median(fileTimes)).toFixed(2)} ms`);

  const minimal = async (
    name: string,
    lock: Bookkeeping['lock'],
    record: Bookkeeping['record'],
    step: Bookkeeping['step'],
  ) => {
    const times: number[] = [];
    for (let i = uploads; i < 2 * uploads; i += 1) {
      const t = performance.now();
      const held = await lock(i);
      await record(i);
      await step(i);
      await held.release();
      times.push(performance.now() - t);
    }
    report(name, times);
  };
  await minimal(
    'file: lock + append + step',
    (i) => acquireLock({ dir: join(dir, 'locks'), key: `sha256:${i}`, label: `/rec/${i}.mp4` }),
    (i) => appendHistory(dir, entry(i)),
    (i) => recordStep({ stateDir: dir, videoId: `vid-${i}`, step: Step.thumbnail, ok: true }),
  );
  await minimal(
    'PostgreSQL: lock + append + step',
    (i) => store.locks.acquire({ key: `sha256:${i}`, label: `/rec/${i}.mp4` }),
    (i) => store.journal.appendUpload(entry(i)),
    (i) => store.journal.recordStep({ videoId: `vid-${i}`, step: Step.thumbnail, ok: true }),
  );

  const lockTimes: number[] = [];
  for (let i = 0; i < uploads; i += 1) {
    const t = performance.now();
    await (await store.locks.acquire({ key: `lock-${i}`, label: 'x' })).release();
    lockTimes.push(performance.now() - t);
  }
  report('PostgreSQL lock take + release', lockTimes);
  await store.close();

  const schema = freshSchema();
  const fleet = await Promise.all(
    Array.from({ length: 50 }, () => PostgresStateStore.open({ url: server.url, schema, poolSize: 1 })),
  );
  const rounds: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    const account = `acct-${round}`;
    await Promise.all(fleet.map((s) => s.quota.today(account))); // every pool has its connection open
    const t = performance.now();
    const results = await Promise.all(
      fleet.map((s) => s.quota.reserve({ account, cost: 300, budget: 10_000 })),
    );
    rounds.push(performance.now() - t);
    const ok = results.filter((r) => r.ok).length;
    const spent = (await fleet[0]!.quota.today(account)).spent;
    if (ok !== 33 || spent !== 9900)
      throw new Error(`overspent or underspent: ${ok} reservations, ${spent} units`);
  }
  report('50 concurrent reservations', rounds);
  await Promise.all(fleet.map((s) => s.close()));
} finally {
  await server.destroy();
  await rm(dir, { recursive: true, force: true });
}
