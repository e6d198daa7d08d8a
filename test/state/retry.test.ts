// This file tests how a record is retried while the state store cannot be reached: backoff, patience, interruption.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExitCode } from '../../src/errors.js';
import { untilReachable } from '../../src/state/retry.js';
import type { Clock } from '../../src/upload/clock.js';

/** A clock whose sleeps pass at once and are written down. */
function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new Error('aborted');
      slept.push(ms);
      now += ms;
    },
  };
}

const unreachable = Object.assign(new Error('connect ECONNREFUSED'), { unreachable: true });
const store = { isUnreachable: (e: unknown) => (e as { unreachable?: boolean }).unreachable === true };

describe('retrying a record while the state store does not answer', () => {
  test('waits 0.5 s, 1 s, 2 s … and writes as soon as the store answers, telling each wait', async () => {
    const clock = fakeClock();
    let calls = 0;
    const waits: number[] = [];
    const result = await untilReachable(
      store,
      async () => {
        calls += 1;
        if (calls < 5) throw unreachable;
        return 'written';
      },
      { clock, onWait: (_e, attempt) => waits.push(attempt) },
    );
    assert.equal(result, 'written');
    assert.deepEqual(clock.slept, [500, 1000, 2000, 4000]);
    assert.deepEqual(waits, [1, 2, 3, 4]);
  });

  test('any other failure is not retried', async () => {
    const clock = fakeClock();
    const disk = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    await assert.rejects(
      untilReachable(store, () => Promise.reject(disk), { clock }),
      disk,
    );
    assert.deepEqual(clock.slept, []);
  });

  test('gives up with the store’s error once the patience is spent; waits never exceed 15 s', async () => {
    const clock = fakeClock();
    await assert.rejects(
      untilReachable(store, () => Promise.reject(unreachable), { clock, patienceMs: 60_000 }),
      unreachable,
    );
    assert.ok(Math.max(...clock.slept) <= 15_000);
    assert.equal(
      clock.slept.reduce((a, b) => a + b, 0),
      60_000,
    );
  });

  test('an interruption (Ctrl-C, SIGTERM) ends the wait with the interrupted error and its exit code', async () => {
    const controller = new AbortController();
    controller.abort('SIGTERM');
    await assert.rejects(
      untilReachable(store, () => Promise.reject(unreachable), {
        clock: fakeClock(),
        signal: controller.signal,
      }),
      (e) => (e as { exitCode?: number }).exitCode === ExitCode.sigterm,
    );
  });
});
