// This file tests the batch runner: order, concurrency limit, isolated failures, interruption and the worst code.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExitCode, usageError, VuploadError } from '../../src/errors.js';
import { exitCodeOf, runBatch, worstExitCode } from '../../src/unattended/batch.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('batch runner', () => {
  test('one after another by default, results in input order', async () => {
    const log: string[] = [];
    const { results, exitCode } = await runBatch(['a', 'b', 'c'], {
      uploadOne: async (entry, index) => {
        log.push(`start ${entry}`);
        await tick();
        log.push(`end ${entry}`);
        return `${entry}${index}`;
      },
    });
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    assert.deepEqual(
      results.map((r) => (r.status === 'ok' ? r.value : r.status)),
      ['a0', 'b1', 'c2'],
    );
    assert.equal(exitCode, 0);
  });

  test('never more than N at once with --concurrency N, and every entry runs', async () => {
    let running = 0;
    let peak = 0;
    const delays = [5, 1, 3, 1, 2, 4, 1];
    const settled: number[] = [];
    const { results } = await runBatch(delays, {
      concurrency: 3,
      uploadOne: async (ms, index) => {
        running += 1;
        peak = Math.max(peak, running);
        for (let i = 0; i < ms; i += 1) await tick();
        running -= 1;
        return index;
      },
      onSettled: (r) => settled.push(r.index),
    });
    assert.equal(peak, 3);
    assert.deepEqual(
      results.map((r) => r.index),
      [0, 1, 2, 3, 4, 5, 6],
    );
    assert.deepEqual([...settled].sort(), [0, 1, 2, 3, 4, 5, 6]);
    assert.notDeepEqual(settled, [0, 1, 2, 3, 4, 5, 6]); // they finished out of order
  });

  test('a failure does not stop the others; the run reports the worst code', async () => {
    const failures: Record<string, unknown> = {
      b: usageError('bad title'),
      d: new VuploadError('quotaExceeded', ExitCode.quota, 'quota'),
      e: new Error('boom'),
    };
    const { results, exitCode } = await runBatch(['a', 'b', 'c', 'd', 'e'], {
      concurrency: 2,
      uploadOne: async (entry) => {
        await tick();
        if (failures[entry]) throw failures[entry];
        return entry;
      },
    });
    assert.deepEqual(
      results.map((r) => [r.status, r.exitCode]),
      [
        ['ok', 0],
        ['failed', 2],
        ['ok', 0],
        ['failed', 4],
        ['failed', 1],
      ],
    );
    assert.equal(exitCode, 4);
  });

  test('after an interruption nothing new starts; the rest are skipped with the signal code', async () => {
    const controller = new AbortController();
    const started: string[] = [];
    const { results, exitCode } = await runBatch(['a', 'b', 'c'], {
      signal: controller.signal,
      uploadOne: async (entry, _index, signal) => {
        started.push(entry);
        controller.abort('SIGTERM');
        assert.equal(signal.aborted, true);
        throw new Error('aborted mid-upload');
      },
    });
    assert.deepEqual(started, ['a']);
    assert.deepEqual(
      results.map((r) => [r.status, r.exitCode]),
      [
        ['failed', 143],
        ['skipped', 143],
        ['skipped', 143],
      ],
    );
    assert.equal(exitCode, 143);
  });

  test('worst exit code ordering: interrupted > auth > quota > network > api > usage > ok', () => {
    assert.equal(worstExitCode([]), 0);
    assert.equal(worstExitCode([0, 2, 1]), 1);
    assert.equal(worstExitCode([2, 5, 1]), 5);
    assert.equal(worstExitCode([5, 4]), 4);
    assert.equal(worstExitCode([4, 3, 5]), 3);
    assert.equal(worstExitCode([3, 130]), 130);
    assert.equal(worstExitCode([130, 143]), 143);
    assert.equal(worstExitCode([0, 77]), 1);
    assert.equal(exitCodeOf(Object.assign(new Error('x'), { name: 'AbortError' })), 130);
  });

  test('a concurrency below 1 is a usage error', async () => {
    await assert.rejects(runBatch([1], { concurrency: 0, uploadOne: async () => 1 }), /--concurrency/);
  });
});
