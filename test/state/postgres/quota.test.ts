// This file tests the shared quota ledger on a real PostgreSQL: concurrent reservations never overspend.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { type CheckRequest, QuotaLedger } from '../../../src/unattended/quota.js';
import type { Clock } from '../../../src/upload/clock.js';
import { freshSchema, storeFactory } from './helpers.js';
import { usePostgres } from './server.js';

const server = usePostgres();
const openStore = storeFactory(server);

/** 2026-03-02 10:00 in Los Angeles. */
const MORNING = Date.parse('2026-03-02T18:00:00Z');
const fixedClock = (ms: number): Clock => ({ now: () => ms, sleep: async () => {} });

/** `count` stores on one schema, each with one pooled connection: `count` machines. */
async function machines(count: number, schema = freshSchema()) {
  return Promise.all(
    Array.from({ length: count }, () => openStore({ schema, poolSize: 1, clock: fixedClock(MORNING) })),
  );
}

describe('the shared quota ledger', { timeout: 120_000 }, () => {
  test('eight machines reserving one upload each against a budget of three uploads: exactly three start', async () => {
    const fleet = await machines(8);
    const request: CheckRequest = { account: 'default', cost: 1600, budget: 4800 };
    const results = await Promise.all(fleet.map((store) => store.quota.reserve(request)));
    assert.equal(results.filter((r) => r.ok).length, 3);
    for (const refused of results.filter((r) => !r.ok)) {
      assert.deepEqual([refused.ok, 'exceeded' in refused && refused.spent], [false, 4800]);
    }
    assert.deepEqual(await fleet[0]!.quota.today('default'), { spent: 4800 });
  });

  test('fifty concurrent reservations never overspend: every unit that fits is taken, no more', async () => {
    const fleet = await machines(50);
    const started = performance.now();
    const results = await Promise.all(
      fleet.map((store) => store.quota.reserve({ account: 'default', cost: 300, budget: 10_000 })),
    );
    const ms = Math.round(performance.now() - started);
    assert.equal(results.filter((r) => r.ok).length, 33);
    assert.deepEqual(await fleet[0]!.quota.today('default'), { spent: 9900 });
    console.error(`# 50 concurrent reservations: ${ms} ms`);
  });

  test('quotaExceeded seen by one machine stops the others until the Pacific-day reset', async () => {
    const [a, b] = await machines(2);
    await a!.quota.markExhausted('default');
    const refused = await b!.quota.reserve({ account: 'default', cost: 1 });
    assert.equal(refused.ok, false);
    assert.ok(!refused.ok && refused.exhausted);
    assert.equal(!refused.ok && refused.resetAt.toISOString(), '2026-03-03T08:00:00.000Z');
    const tomorrow = new Date('2026-03-03T08:00:01Z');
    assert.equal((await b!.quota.reserve({ account: 'default', cost: 1, now: tomorrow })).ok, true);
    assert.equal(
      (await b!.quota.reserve({ account: 'other', cost: 1 })).ok,
      true,
      'other accounts are not stopped',
    );
  });

  test('budgets and spends beyond 32 bits (--quota takes up to 10^12) are counted exactly, as numbers', async () => {
    const [store] = await machines(1);
    const request = { account: 'big', cost: 3_000_000_000, budget: 1_000_000_000_000 };
    assert.deepEqual(await store!.quota.reserve(request), {
      ok: true,
      spent: 0,
      remaining: 1_000_000_000_000,
    });
    assert.equal((await store!.quota.reserve(request)).ok, true);
    assert.deepEqual(await store!.quota.today('big'), { spent: 6_000_000_000 });
    assert.equal(await store!.quota.spend('big', 1), 6_000_000_001);
    assert.deepEqual(
      (await store!.quota.allToday()).find((u) => u.account === 'big'),
      { account: 'big', day: { spent: 6_000_000_001 } },
    );
  });

  test('answers exactly as the file ledger does for the same sequence', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vupload-pg-ledger-'));
    try {
      const [store] = await machines(1);
      const file = QuotaLedger.inStateDir(dir, fixedClock(MORNING));
      const steps = async (
        ledger: Pick<QuotaLedger, 'reserve' | 'spend' | 'check' | 'today' | 'markExhausted'>,
      ) => [
        await ledger.reserve({ account: 'default', cost: 1600, budget: 2000 }),
        await ledger.reserve({ account: 'default', cost: 1600, budget: 2000 }),
        await ledger.spend('default', 50),
        await ledger.check({ account: 'default', cost: 350, budget: 2000 }),
        await ledger.check({ account: 'default', cost: 351, budget: 2000 }),
        await ledger.today('default'),
        await ledger.markExhausted('default'),
        await ledger.check({ account: 'default', cost: 1 }),
        await ledger.today('default'),
        await ledger.today('nobody'),
      ];
      assert.deepEqual(await steps(store!.quota), await steps(file));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
