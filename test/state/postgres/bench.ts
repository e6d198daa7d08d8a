// This file measures the PostgreSQL state store against the file store (for `npm run bench`, not part of npm test).
// scripts/bench-state.mjs calls runStateBench(); `node dist/test/state/postgres/bench.js [UPLOADS]` runs it alone.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStateStore } from '../../../src/state/file-store.js';
import { PostgresStateStore } from '../../../src/state/postgres/index.js';
import type { StateStore } from '../../../src/state/store.js';
import { Step } from '../../../src/unattended/journal.js';
import type { SessionRecord } from '../../../src/upload/session-store.js';
import { freshSchema } from './helpers.js';
import { startPostgres } from './server.js';

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

/**
 * The state-store work of one upload, in the order src/cli/upload/run.ts, job.ts and the engine do it: the content's
 * lock, the journal asked, the quota reserved, the session looked up and saved, the id recorded, the session
 * removed, one step recorded, the lock released. Everything but the upload itself.
 */
async function bookkeeping(store: StateStore, i: number): Promise<void> {
  const lock = await store.locks.acquire({ key: `sha256:${i}`, label: `/rec/${i}.mp4` });
  const query = { account: 'default', provider: 'youtube', fingerprint: `fp-${i}`, size: 1000 + i };
  await store.journal.findConfirmedUpload({ ...query, hash: async () => `sha256:${i}` });
  await store.quota.reserve({ account: 'default', cost: 1600, budget: 1e12 });
  const sessions = store.uploadSessions({
    account: 'default',
    file: `/rec/${i}.mp4`,
    size: 1000 + i,
    fingerprint: `fp-${i}`,
    hash: async () => `sha256:${i}`,
  });
  await sessions.load(`k${i}`);
  await sessions.save(`k${i}`, session(i));
  await store.journal.appendUpload({
    time: new Date().toISOString(),
    ...query,
    file: `/rec/${i}.mp4`,
    contentHash: `sha256:${i}`,
    videoId: `vid-${i}`,
    title: `Talk ${i}`,
  });
  await sessions.remove(`k${i}`);
  await store.journal.recordStep({ videoId: `vid-${i}`, step: Step.thumbnail, ok: true });
  await lock.release();
}

interface Stats {
  median: number;
  p95: number;
  mean: number;
  n: number;
}

function stats(times: number[]): Stats {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    median: at(0.5),
    p95: at(0.95),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    n: times.length,
  };
}

const line = (name: string, s: Stats) =>
  `${name.padEnd(40)} median ${s.median.toFixed(2)} ms  p95 ${s.p95.toFixed(2)} ms  mean ${s.mean.toFixed(2)} ms  (n=${s.n})`;

async function perUpload(store: StateStore, uploads: number): Promise<Stats> {
  const times: number[] = [];
  for (let i = 0; i < uploads; i += 1) {
    const started = performance.now();
    await bookkeeping(store, i);
    times.push(performance.now() - started);
  }
  return stats(times);
}

export interface StateBench {
  lines: string[];
  /** Median added cost per upload of the PostgreSQL store over the file store, in ms (target: < 20). */
  addedMs: number;
  /** Median time of 50 concurrent reservations against one ledger, in ms. */
  reservationsMs: number;
}

/** Both stores through the StateStore interface, on a durable server (fsync, synchronous commit) as a real one. */
export async function runStateBench(options: { uploads?: number } = {}): Promise<StateBench> {
  const uploads = options.uploads ?? 200;
  const lines: string[] = [];
  const server = await startPostgres({ durable: true });
  const dir = await mkdtemp(join(tmpdir(), 'vupload-state-bench-'));
  try {
    lines.push(`PostgreSQL test server: initdb + start ${server.startMs} ms (not counted below)`);
    let started = performance.now();
    const store = await PostgresStateStore.open({ url: server.url, schema: freshSchema() });
    lines.push(
      `open, first in a process (load pg, connect, migrate): ${(performance.now() - started).toFixed(1)} ms`,
    );
    started = performance.now();
    const again = await PostgresStateStore.open({ url: server.url, schema: store.db.schema });
    lines.push(
      `open, schema current (what each run pays once):      ${(performance.now() - started).toFixed(1)} ms`,
    );
    await again.close();

    const files = await perUpload(new FileStateStore(dir), uploads);
    const database = await perUpload(store, uploads);
    lines.push(line('file store, bookkeeping per upload', files));
    lines.push(line('PostgreSQL store, bookkeeping per upload', database));
    const addedMs = database.median - files.median;
    lines.push(`added cost per upload (median): ${addedMs.toFixed(2)} ms (target: < 20 ms on loopback)`);
    await store.close();

    // 50 machines (a store of one connection each) reserving at once against one ledger.
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
    const reservations = stats(rounds);
    lines.push(
      `${line('50 concurrent reservations, one ledger', reservations)}: 33 of 33 that fit, never more`,
    );
    await Promise.all(fleet.map((s) => s.close()));
    return { lines, addedMs, reservationsMs: reservations.median };
  } finally {
    await server.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('state/postgres/bench.js')) {
  const result = await runStateBench({ uploads: Number(process.argv[2] ?? 200) });
  for (const text of result.lines) console.log(text);
}
