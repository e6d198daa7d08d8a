// This file tests the per-file lock: one holder at a time, across processes, stale takeover and waiting.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isVuploadError } from '../../src/errors.js';
import { acquireLock, type LockHolder, lockPath, withLock } from '../../src/unattended/lock.js';
import type { Clock } from '../../src/upload/clock.js';

const childScript = fileURLToPath(new URL('./lock-child.js', import.meta.url));

function startChild(
  dir: string,
  key: string,
): Promise<{ child: ChildProcessWithoutNullStreams; holder: LockHolder }> {
  const child = spawn(process.execPath, [childScript, dir, key, '/rec/child.mp4'], { stdio: 'pipe' });
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`lock child exited early (${code})`)));
    lines.once('line', (line) => resolve({ child, holder: JSON.parse(line) as LockHolder }));
  });
}

/** A clock whose sleep runs `onSleep` instead of waiting, so waiting tests take no real time. */
function fakeClock(onSleep: (ms: number) => void | Promise<void>): Clock & { slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    now: () => Date.now(),
    sleep: async (ms, signal) => {
      slept.push(ms);
      signal?.throwIfAborted();
      await onSleep(ms);
    },
  };
}

// A timeout, so a child that never exits fails the test instead of hanging the run.
describe('locks', { timeout: 20_000 }, () => {
  let dir: string;
  const children: ChildProcessWithoutNullStreams[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vupload-lock-'));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  test('a second holder in the same process fails at once naming the holder and --wait-lock', async () => {
    const first = await acquireLock({ dir, key: 'sha256:abc', label: '/rec/a.mp4' });
    await assert.rejects(acquireLock({ dir, key: 'sha256:abc', label: '/rec/copy-of-a.mp4' }), (e) => {
      assert.ok(isVuploadError(e));
      assert.equal(e.code, 'locked');
      assert.equal(e.exitCode, 1);
      assert.match(e.message, new RegExp(`pid ${process.pid} on .+, since ${first.holder.startedAt}`));
      assert.match(e.message, /copy-of-a\.mp4 \(same content: \/rec\/a\.mp4\)/);
      assert.match(e.hint ?? '', /--wait-lock/);
      return true;
    });
    const other = await acquireLock({ dir, key: 'sha256:other', label: '/rec/b.mp4' });
    await first.release();
    await first.release();
    const again = await acquireLock({ dir, key: 'sha256:abc', label: '/rec/a.mp4' });
    await again.release();
    await other.release();
    assert.deepEqual(await readdir(dir), []);
  });

  test('many simultaneous attempts: exactly one wins', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, () => acquireLock({ dir, key: 'same', label: 'f' })),
    );
    assert.equal(attempts.filter((a) => a.status === 'fulfilled').length, 1);
  });

  test('a lock held by another live process blocks; after it releases the lock can be taken', async () => {
    const { child, holder } = await startChild(dir, 'sha256:shared');
    children.push(child);
    assert.equal(holder.pid, child.pid);
    await assert.rejects(
      acquireLock({ dir, key: 'sha256:shared', label: '/rec/child.mp4' }),
      (e) => isVuploadError(e) && e.code === 'locked' && e.message.includes(`pid ${child.pid}`),
    );
    child.stdin.write('release\n');
    await once(child, 'exit');
    const lock = await acquireLock({ dir, key: 'sha256:shared', label: '/rec/child.mp4' });
    await lock.release();
  });

  test('a lock left by a SIGKILLed process is taken over', async () => {
    const { child } = await startChild(dir, 'sha256:dead');
    child.kill('SIGKILL');
    await once(child, 'exit');
    const lock = await acquireLock({ dir, key: 'sha256:dead', label: '/rec/child.mp4' });
    assert.equal(lock.holder.pid, process.pid);
    // Only the lock file is left: no temp files, no takeover markers.
    assert.deepEqual(await readdir(dir), [lockPath(dir, 'sha256:dead').split('/').pop()]);
    await assert.rejects(acquireLock({ dir, key: 'sha256:dead', label: 'x' }), /already working on x/);
    await lock.release();
  });

  test('concurrent takeovers of one dead lock leave exactly one holder', async () => {
    const path = lockPath(dir, 'k');
    const dead = { pid: 999_999, host: 'h', startedAt: 't', label: 'l', token: 'dead-token' };
    await writeFile(path, JSON.stringify(dead));
    const isAlive = (pid: number) => pid !== 999_999;
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        acquireLock({ dir, key: 'k', label: 'f', host: 'h', pid: 1000 + i, isAlive }),
      ),
    );
    assert.equal(attempts.filter((a) => a.status === 'fulfilled').length, 1);
  });

  test("another host's lock is respected while its heartbeat is fresh and taken over when old", async () => {
    const path = lockPath(dir, 'k');
    const remote = { pid: process.pid, host: 'elsewhere', startedAt: 't', label: 'l', token: 'remote-token' };
    await writeFile(path, JSON.stringify(remote));
    await assert.rejects(acquireLock({ dir, key: 'k', label: 'f', staleMs: 60_000 }), /on elsewhere/);
    const old = new Date(Date.now() - 120_000);
    await utimes(path, old, old);
    const lock = await acquireLock({ dir, key: 'k', label: 'f', staleMs: 60_000 });
    await lock.release();
  });

  test('wait mode polls with the injected sleep and acquires after release', async () => {
    const first = await acquireLock({ dir, key: 'k', label: 'f' });
    const waits: LockHolder[] = [];
    const clock = fakeClock(async () => {
      if (clock.slept.length === 3) await first.release();
    });
    const lock = await acquireLock({
      dir,
      key: 'k',
      label: 'f',
      wait: true,
      pollMs: 500,
      clock,
      onWait: (h) => waits.push(h),
    });
    assert.deepEqual(clock.slept, [500, 500, 500]);
    assert.equal(waits.length, 1);
    assert.equal(waits[0]?.token, first.holder.token);
    await lock.release();
  });

  test('waiting stops when the signal aborts, with the interrupted exit code', async () => {
    const first = await acquireLock({ dir, key: 'k', label: 'f' });
    const controller = new AbortController();
    const clock = fakeClock(() => controller.abort('SIGTERM'));
    await assert.rejects(
      acquireLock({ dir, key: 'k', label: 'f', wait: true, clock, signal: controller.signal }),
      (e) => isVuploadError(e) && e.exitCode === 143,
    );
    await first.release();
  });

  test('withLock releases on success and on failure', async () => {
    assert.equal(await withLock({ dir, key: 'k', label: 'f' }, async () => 42), 42);
    await assert.rejects(
      withLock({ dir, key: 'k', label: 'f' }, async () => {
        throw new Error('upload failed');
      }),
      /upload failed/,
    );
    assert.deepEqual(await readdir(dir), []);
  });
});
