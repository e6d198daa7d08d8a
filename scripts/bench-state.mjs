// This file is the state-store part of `npm run bench` (issue 16): the added cost per upload of the PostgreSQL store
// against the file store, and 50 concurrent quota reservations against one ledger. It starts its own PostgreSQL.
import { join } from 'node:path';

/** Runs the state-store bench (BENCH_QUICK=1: 50 uploads, else 200) and returns the lines to print. */
export async function benchState() {
  const root = join(import.meta.dirname, '..');
  const { runStateBench } = await import(join(root, 'dist/test/state/postgres/bench.js'));
  const result = await runStateBench({ uploads: process.env.BENCH_QUICK ? 50 : 200 });
  return result.lines;
}
