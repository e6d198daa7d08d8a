// This file tests the per-file locks through vupload: same content twice in one run, reused pids, corrupt lock files.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { lockPath } from '../../src/unattended/lock.js';
import { processIdentity } from '../../src/unattended/process-identity.js';
import { fingerprintFile } from '../../src/upload/index.js';
import { spawnCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

const lockChild = fileURLToPath(new URL('../unattended/lock-child.js', import.meta.url));

describe('locks through the CLI', { timeout: 30_000 }, () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  /** Writes the lock file vupload would look for when uploading `file`. */
  async function plantLock(file: string, text: string): Promise<string> {
    const path = lockPath(join(t.env.VUPLOAD_STATE_DIR!, 'locks'), await fingerprintFile(file));
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, text);
    return path;
  }

  test('without --wait-lock a run stops at once naming the other vupload that works on the file', async () => {
    const file = await makeVideo(join(t.dir, 'locked.mp4'), 50_000);
    const dir = join(t.env.VUPLOAD_STATE_DIR!, 'locks');
    // Another process holds the file's lock (lock-child.ts takes it the way an upload does and keeps it).
    const child = spawn(process.execPath, [lockChild, dir, await fingerprintFile(file), file], {
      stdio: 'pipe',
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      assert.equal((JSON.parse(line) as { pid: number }).pid, child.pid);
      const mark = t.sb.requests.length;
      const second = await t.run(['--file', file]);
      assert.equal(second.code, 1, second.stderr);
      assert.match(second.stderr, new RegExp(`Another vupload \\(pid ${child.pid} on `));
      assert.match(second.stderr, /--wait-lock/);
      assert.equal(t.since(mark).length, 0, 'nothing was sent');
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('a run listing the same content twice under --concurrency uploads it once and blames no other vupload', async () => {
    const a = await makeVideo(join(t.dir, 'twice-a.mp4'), 200_000);
    const b = join(t.dir, 'twice-b.mp4');
    await copyFile(a, b);
    const mark = t.sb.requests.length;
    const result = await t.run(['upload', a, b, '--concurrency', '2']);
    assert.equal(result.code, 0, result.stderr);
    const ids = result.stdout.trim().split('\n');
    assert.equal(ids.length, 2);
    assert.equal(ids[0], ids[1], 'both entries print the one video');
    assert.equal(t.since(mark).filter((r) => r.kind === 'upload-init').length, 1, 'uploaded once');
    assert.doesNotMatch(result.stderr, /Another vupload|pid \d+/);
    assert.match(result.stderr, /has the same content as .*twice-[ab]\.mp4, which this run is uploading/);
  });

  test('--wait-lock takes over a lock whose pid now belongs to another process, instead of waiting for ever', {
    skip: !existsSync('/proc/self/stat') && 'needs /proc',
  }, async () => {
    const file = await makeVideo(join(t.dir, 'reused.mp4'), 50_000);
    // Our parent is alive and is no vupload: the pid of a dead holder, reused, with a start time that differs.
    const parent = await processIdentity(process.ppid);
    assert.ok(parent);
    const holder = {
      pid: process.ppid,
      host: hostname(),
      startedAt: '2020-01-01T00:00:00.000Z',
      label: file,
      token: 'left-by-a-killed-run',
      startTime: parent.startTime + 1,
      bootId: parent.bootId,
    };
    await plantLock(file, JSON.stringify(holder));
    const run = spawnCli(['--file', file, '--wait-lock'], { env: t.env, cwd: t.dir });
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
    const result = await run.finally(() => clearTimeout(timer));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^[A-Za-z0-9_-]{11}\n$/);
  });

  /**
   * A lock holder killed by SIGKILL whose parent never reaps it: `sh` starts it in the background and becomes
   * `sleep`, which never calls wait(), so the holder stays a zombie (state Z) until the returned parent is killed.
   */
  async function zombieHolder(file: string): Promise<{ pid: number; parent: ReturnType<typeof spawn> }> {
    const dir = join(t.env.VUPLOAD_STATE_DIR!, 'locks');
    const parent = spawn(
      'sh',
      [
        '-c',
        '"$0" "$@" <&0 & exec sleep 60',
        process.execPath,
        lockChild,
        dir,
        await fingerprintFile(file),
        file,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const [line] = (await once(createInterface({ input: parent.stdout! }), 'line')) as [string];
    const { pid } = JSON.parse(line) as { pid: number };
    process.kill(pid, 'SIGKILL');
    const state = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    await waitFor('the killed holder to be a zombie', () => state() === 'Z');
    return { pid, parent };
  }

  test('a killed lock holder that its parent never reaped (a zombie) holds nothing, with or without --wait-lock', {
    skip: !existsSync('/proc/self/stat') && 'needs /proc',
  }, async () => {
    for (const wait of [false, true]) {
      const file = await makeVideo(join(t.dir, `zombie-${wait}.mp4`), 50_000);
      const { pid, parent } = await zombieHolder(file);
      try {
        const run = spawnCli(['--file', file, ...(wait ? ['--wait-lock'] : [])], { env: t.env, cwd: t.dir });
        // Before the fix --wait-lock waited for the zombie for ever.
        const timer = setTimeout(() => run.child.kill('SIGKILL'), 15_000);
        const result = await run.finally(() => clearTimeout(timer));
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /^[A-Za-z0-9_-]{11}\n$/);
        assert.doesNotMatch(result.stderr, new RegExp(`pid ${pid}`));
        assert.equal(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0], 'Z', 'still a zombie');
      } finally {
        parent.kill('SIGKILL');
      }
    }
  });

  test('a corrupt lock file is named as corrupt, with what to do', async () => {
    const file = await makeVideo(join(t.dir, 'corrupt-lock.mp4'), 50_000);
    const path = await plantLock(file, 'not a lock\n');
    const mark = t.sb.requests.length;
    const result = await t.run(['--file', file]);
    assert.equal(result.code, 1, result.stderr);
    assert.ok(result.stderr.includes(`The lock file ${path}`), result.stderr);
    assert.match(result.stderr, /corrupt/);
    assert.ok(result.stderr.includes(`rm ${path}`), result.stderr);
    assert.doesNotMatch(result.stderr, /pid 0|on \?/);
    assert.equal(t.since(mark).length, 0, 'nothing was sent');
  });
});
