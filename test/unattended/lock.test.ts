// This file tests the per-file lock: one holder at a time, across processes, stale takeover and waiting.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isVuploadError } from '../../src/errors.js';
import { acquireLock, type LockHolder, lockPath, waitingText, withLock } from '../../src/unattended/lock.js';
import { parseStartTime, parseState, processIdentity } from '../../src/unattended/process-identity.js';
import type { Clock } from '../../src/upload/clock.js';
import { waitFor } from '../helpers/wait.js';

const childScript = fileURLToPath(new URL('./lock-child.js', import.meta.url));
const linuxProc = existsSync('/proc/self/stat');

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

  test('another job of this process waits for the first instead of calling it another vupload', async () => {
    const first = await acquireLock({ dir, key: 'sha256:abc', label: '/rec/a.mp4' });
    const waits: Array<[LockHolder, boolean]> = [];
    let settled = false;
    const second = acquireLock({
      dir,
      key: 'sha256:abc',
      label: '/rec/copy-of-a.mp4',
      onWait: (holder, sameProcess) => waits.push([holder, sameProcess]),
    }).finally(() => {
      settled = true;
    });
    await waitFor('the second job to wait', () => waits.length === 1);
    assert.equal(waits[0]?.[0].token, first.holder.token);
    assert.equal(waits[0]?.[1], true, 'the holder is known to be this process');
    assert.equal(settled, false, 'it waits while the first job holds the lock');
    assert.match(waitingText('/rec/copy-of-a.mp4', first.holder, true), /same content as \/rec\/a\.mp4/);
    await first.release();
    await first.release();
    const lock = await second;
    assert.equal(lock.holder.pid, process.pid);
    await lock.release();
    assert.deepEqual(await readdir(dir), []);
  });

  test('a busy lock of another process fails at once naming the holder and how to wait', async () => {
    const first = await acquireLock({ dir, key: 'sha256:abc', label: '/rec/a.mp4', pid: 4242 });
    const second = {
      dir,
      key: 'sha256:abc',
      label: '/rec/copy-of-a.mp4',
      howToWait: 'run again with --wait-lock to wait for it',
      isAlive: () => true,
    };
    await assert.rejects(acquireLock(second), (e) => {
      assert.ok(isVuploadError(e));
      assert.equal(e.code, 'locked');
      assert.equal(e.exitCode, 1);
      assert.match(e.message, new RegExp(`pid 4242 on .+, since ${first.holder.startedAt}`));
      assert.match(e.message, /copy-of-a\.mp4 \(same content: \/rec\/a\.mp4\)/);
      assert.match(e.hint ?? '', /--wait-lock/);
      return true;
    });
    await first.release();
  });

  test('many simultaneous attempts of different processes: exactly one wins', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        acquireLock({ dir, key: 'same', label: 'f', pid: 5000 + i, isAlive: () => true }),
      ),
    );
    assert.equal(attempts.filter((a) => a.status === 'fulfilled').length, 1);
  });

  test('many simultaneous jobs of one process take the lock one after another', async () => {
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        withLock({ dir, key: 'same', label: 'f' }, async () => {
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((resolve) => setImmediate(resolve));
          inside -= 1;
        }),
      ),
    );
    assert.equal(most, 1);
    assert.deepEqual(await readdir(dir), []);
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
    await assert.rejects(
      acquireLock({ dir, key: 'sha256:dead', label: 'x', pid: 4243, isAlive: () => true }),
      /already working on x/,
    );
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

  /** A lock file on this host held by `pid` (default: our parent, alive and not a vupload), with `extra` fields. */
  async function plantLock(key: string, extra: Partial<LockHolder>, pid = process.ppid): Promise<string> {
    const path = lockPath(dir, key);
    const holder = {
      pid,
      host: hostname(),
      startedAt: 't',
      label: '/rec/old.mp4',
      token: 'planted',
      ...extra,
    };
    await writeFile(path, JSON.stringify(holder));
    return path;
  }

  test('a lock whose pid now belongs to another live process (other start time) is taken over', {
    skip: !linuxProc && 'needs /proc',
  }, async () => {
    const parent = await processIdentity(process.ppid);
    assert.ok(parent);
    await plantLock('k', { startTime: parent.startTime + 1, bootId: parent.bootId });
    const lock = await acquireLock({ dir, key: 'k', label: 'f' });
    const me = await processIdentity(process.pid);
    assert.equal(lock.holder.startTime, me?.startTime, 'the new lock records our own start time');
    assert.equal(lock.holder.bootId, me?.bootId);
    await lock.release();
    // The same pid with its true start time is its holder: it keeps the lock.
    await plantLock('k', { startTime: parent.startTime, bootId: parent.bootId });
    await assert.rejects(acquireLock({ dir, key: 'k', label: 'f' }), /pid \d+ on /);
  });

  test('--wait-lock on a lock held by a reused pid takes it over without waiting', {
    skip: !linuxProc && 'needs /proc',
  }, async () => {
    const parent = await processIdentity(process.ppid);
    await plantLock('k', { startTime: (parent?.startTime ?? 0) + 7, bootId: parent?.bootId ?? '' });
    const clock = fakeClock(() => assert.fail('it waited for a holder that is gone'));
    const lock = await acquireLock({ dir, key: 'k', label: 'f', wait: true, clock });
    assert.deepEqual(clock.slept, []);
    await lock.release();
  });

  test('a lock taken before the machine rebooted is taken over though its pid is alive', async () => {
    await plantLock('k', { startTime: 1, bootId: 'another-boot' });
    const identify = async () => ({ startTime: 1, bootId: 'this-boot' });
    const lock = await acquireLock({ dir, key: 'k', label: 'f', identify });
    await lock.release();
  });

  test('a lock with our own pid that this process never took is taken over (pid 1 in a container)', async () => {
    await plantLock('k', {}, process.pid);
    const lock = await acquireLock({ dir, key: 'k', label: 'f', identify: async () => undefined });
    assert.notEqual(lock.holder.token, 'planted');
    await lock.release();
  });

  test('without /proc a live pid keeps its lock whatever start time it recorded', async () => {
    await plantLock('k', { startTime: 1, bootId: 'b' });
    await assert.rejects(
      acquireLock({ dir, key: 'k', label: 'f', identify: async () => undefined }),
      (e) => isVuploadError(e) && e.code === 'locked',
    );
  });

  test('a corrupt lock file is named as corrupt, and taken over once it is a few seconds old', async () => {
    const path = lockPath(dir, 'k');
    await writeFile(path, '{"pid": "garbage');
    await assert.rejects(acquireLock({ dir, key: 'k', label: '/rec/a.mp4' }), (e) => {
      assert.ok(isVuploadError(e));
      assert.equal(e.code, 'lockCorrupt');
      assert.equal(e.exitCode, 1);
      assert.ok(e.message.includes(path), e.message);
      assert.match(e.message, /corrupt/);
      assert.doesNotMatch(e.message, /pid 0|on \?/);
      assert.ok(e.hint?.includes(`rm ${path}`), e.hint);
      return true;
    });
    const old = new Date(Date.now() - 60_000);
    await utimes(path, old, old);
    const lock = await acquireLock({ dir, key: 'k', label: '/rec/a.mp4' });
    await lock.release();
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

  // The waiters below stand for another process (another pid, alive): a job of this process waits without polling.
  const otherProcess = { pid: 4244, isAlive: () => true };

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
      ...otherProcess,
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
      acquireLock({
        dir,
        key: 'k',
        label: 'f',
        wait: true,
        clock,
        signal: controller.signal,
        ...otherProcess,
      }),
      (e) => isVuploadError(e) && e.exitCode === 143,
    );
    // A job of this process waiting for its sibling stops the same way.
    const sibling = new AbortController();
    const waiting = acquireLock({
      dir,
      key: 'k',
      label: 'f',
      signal: sibling.signal,
      onWait: () => sibling.abort('SIGINT'),
    });
    await assert.rejects(waiting, (e) => isVuploadError(e) && e.exitCode === 130);
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

test('the start time is field 22 of /proc/PID/stat, even when the command name holds spaces and parentheses', () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  assert.equal(parseStartTime(`77 (a) b (c)) ${fields.join(' ')}`), 22);
  assert.equal(parseStartTime('77 (short) S 1'), undefined);
});

test('the state is field 3 of /proc/PID/stat, after a command name with spaces and parentheses', () => {
  assert.equal(parseState('77 (a) b (c)) Z 1 77 77'), 'Z');
  assert.equal(parseState('77 (node) S 1 77 77'), 'S');
  assert.equal(parseState('77 (short)'), undefined);
});
