// This file tests the cron chores: move or delete only the uploaded content after a complete upload, never
// overwrite, put back what is not the upload (or what a killed run held).
import assert from 'node:assert/strict';
import {
  copyFile,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isVuploadError } from '../../src/errors.js';
import type { LockStore } from '../../src/state/store.js';
import { heldPath, restoreHeld, restoreHeldIn } from '../../src/unattended/held-file.js';
import { afterUpload } from '../../src/unattended/housekeeping.js';
import { listHistory } from '../../src/unattended/journal.js';
import { pathTag } from '../../src/unattended/place.js';
import { hashFile } from '../../src/upload/content-hash.js';
import { appendHistory } from '../../src/upload/journal.js';

/** A lock store that always grants (these tests run one process), or refuses as a live holder would. */
const locks =
  (held = false) =>
  async (): Promise<LockStore> => ({
    acquire: async () => {
      if (held) throw Object.assign(new Error('locked'), { code: 'locked' });
      return { holder: { pid: 1, host: 'h', startedAt: '', label: '', token: 't' }, release: async () => {} };
    },
  });
const noLinks = {
  link: async () => {
    throw Object.assign(new Error('cross-device link'), { code: 'EXDEV' });
  },
  copyFile,
  unlink,
  rename,
};
describe('housekeeping', () => {
  let dir: string;
  let stateDir: string;
  let video: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vupload-house-'));
    stateDir = join(dir, 'state');
    video = join(dir, 'in', 'talk.mp4');
    await mkdir(join(dir, 'in'));
    await writeFile(video, 'video bytes');
    await appendHistory(stateDir, {
      time: '2025-01-01T00:00:00.000Z',
      account: 'a',
      provider: 'youtube',
      file: video,
      size: 11,
      fingerprint: 'f',
      videoId: 'VID',
    });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** afterUpload of `video` as the upload of its current content. */
  async function house(options: Partial<Parameters<typeof afterUpload>[0]> = {}) {
    const content = { contentHash: await hashFile(video), size: (await readFile(video)).length };
    return afterUpload({ file: video, videoId: 'VID', stateDir, complete: true, content, ...options });
  }
  const steps = async () =>
    (await listHistory(stateDir))[0]?.steps.map((s) => [s.step, s.ok, s.detail ?? s.reason]);

  test('a move creates the folder and never overwrites: later files get -1, -2', async () => {
    const done = join(dir, 'done', 'sub');
    assert.equal((await house({ moveTo: done })).path, join(done, 'talk.mp4'));
    await writeFile(video, 'second');
    assert.equal((await house({ moveTo: done })).path, join(done, 'talk-1.mp4'));
    await writeFile(video, 'third');
    assert.equal((await house({ moveTo: done })).path, join(done, 'talk-2.mp4'));
    assert.equal(await readFile(join(done, 'talk.mp4'), 'utf8'), 'video bytes');
    assert.equal(await readFile(join(done, 'talk-2.mp4'), 'utf8'), 'third');
    assert.deepEqual(await readdir(join(dir, 'in')), []);
  });

  test('across devices (EXDEV) the file is copied without overwriting, then the original removed', async () => {
    const done = join(dir, 'done');
    await mkdir(done);
    await writeFile(join(done, 'talk.mp4'), 'someone else');
    assert.equal((await house({ moveTo: done, ops: noLinks })).path, join(done, 'talk-1.mp4'));
    assert.equal(await readFile(join(done, 'talk.mp4'), 'utf8'), 'someone else');
    assert.equal(await readFile(join(done, 'talk-1.mp4'), 'utf8'), 'video bytes');
    assert.deepEqual(await readdir(join(dir, 'in')), []);
  });

  test('a move killed after the file got its new name is finished by the next run, not copied to -1', async () => {
    const done = join(dir, 'done');
    await mkdir(done);
    await link(video, join(done, 'talk.mp4')); // what a run killed between link and unlink left
    assert.deepEqual(await house({ moveTo: done }), { action: 'moved', path: join(done, 'talk.mp4') });
    assert.deepEqual(await readdir(done), ['talk.mp4']);
    assert.deepEqual(await readdir(join(dir, 'in')), []);
    assert.deepEqual(await steps(), [['moved', true, join(done, 'talk.mp4')]]);
  });

  test('across devices a complete copy left by a killed run is taken, a partial one replaced, other content kept', async () => {
    const done = join(dir, 'done');
    await mkdir(done);
    // Same size, other bytes: someone else's file keeps its name.
    await writeFile(join(done, 'talk.mp4'), 'VIDEO BYTES');
    // A complete copy under the next name (killed after it was placed), and a partial temp of an earlier attempt.
    await writeFile(join(done, 'talk-1.mp4'), 'video bytes');
    const temps = async () => (await readdir(done)).filter((name) => name.endsWith('.partial'));
    assert.equal((await house({ moveTo: done, ops: noLinks })).path, join(done, 'talk-1.mp4'));
    assert.deepEqual((await readdir(done)).sort(), ['talk-1.mp4', 'talk.mp4']);
    assert.deepEqual(await readdir(join(dir, 'in')), []);
    // A partial copy in the move's temp file (killed while copying) is replaced by a whole one, then removed.
    await writeFile(video, 'second video');
    await writeFile(join(done, `.talk.mp4.vupload-${pathTag(video)}.partial`), 'sec');
    assert.equal((await house({ moveTo: done, ops: noLinks })).path, join(done, 'talk-2.mp4'));
    assert.equal(await readFile(join(done, 'talk-2.mp4'), 'utf8'), 'second video');
    assert.deepEqual(await temps(), []);
  });

  test('when the step cannot be recorded the file is back in one place and the failure is recorded', async () => {
    const done = join(dir, 'done');
    const failures: unknown[] = [];
    const journal = {
      recordStep: async (step: { ok: boolean }) => {
        if (step.ok) throw Object.assign(new Error('read-only journal'), { code: 'EROFS' });
        failures.push(step);
      },
    };
    await assert.rejects(house({ moveTo: done, journal }), /read-only journal/);
    assert.deepEqual(await readdir(done), []);
    assert.deepEqual(await readdir(join(dir, 'in')), ['talk.mp4']);
    assert.equal((failures[0] as { reason: string }).reason, 'EROFS');
  });

  test('nothing moves unless the upload and all its steps completed, and only when asked', async () => {
    const done = join(dir, 'done');
    assert.deepEqual(await house({ complete: false, moveTo: done }), { action: 'kept', path: video });
    assert.deepEqual(await house(), { action: 'kept', path: video });
    assert.deepEqual(await readdir(join(dir, 'in')), ['talk.mp4']);
    const moved = await house({ moveTo: done, now: () => 0 });
    assert.deepEqual(moved, { action: 'moved', path: join(done, 'talk.mp4') });
    const [item] = await listHistory(stateDir);
    assert.deepEqual(item?.steps, [
      { step: 'moved', ok: true, time: '1970-01-01T00:00:00.000Z', detail: join(done, 'talk.mp4') },
    ]);
  });

  test('delete-after deletes a complete upload and records it; both options together are a usage error', async () => {
    await assert.rejects(
      house({ moveTo: dir, deleteAfter: true }),
      (e) => isVuploadError(e) && e.exitCode === 2,
    );
    assert.deepEqual(await house({ deleteAfter: true }), { action: 'deleted', path: video });
    assert.deepEqual(await readdir(join(dir, 'in')), []);
    assert.deepEqual(await steps(), [['deleted', true, video]]);
  });

  test('a failed move is recorded as a failed step and rethrown; the file stays', async () => {
    const ops = {
      link: async () => {
        throw Object.assign(new Error('no'), { code: 'EACCES' });
      },
      copyFile,
      unlink,
    };
    await assert.rejects(house({ moveTo: join(dir, 'x'), ops }), /no/);
    assert.deepEqual(await steps(), [['moved', false, 'EACCES']]);
    assert.deepEqual(await readdir(join(dir, 'in')), ['talk.mp4']);
  });

  test('a file that is not the uploaded content is given its name back, never moved or deleted: exit 1, why', async () => {
    const content = { contentHash: await hashFile(video), size: 11 };
    for (const bytes of ['VIDEO BYTES', 'other length']) {
      await writeFile(video, bytes); // edited in place, or replaced
      for (const action of [{ deleteAfter: true }, { moveTo: join(dir, 'done') }]) {
        await assert.rejects(
          afterUpload({ file: video, videoId: 'VID', stateDir, complete: true, content, ...action }),
          (e) =>
            isVuploadError(e) &&
            e.exitCode === 1 &&
            /talk\.mp4 was left where it is: it is not the content uploaded as VID/.test(e.message),
        );
        assert.deepEqual(await readdir(join(dir, 'in')), ['talk.mp4']);
        assert.equal(await readFile(video, 'utf8'), bytes);
      }
    }
    assert.deepEqual(await readdir(join(dir, 'done')).catch(() => []), []);
    assert.deepEqual(new Set((await steps())?.map((s) => String(s[2]))), new Set(['changed']));
  });

  test('only the held file is acted on: a file that takes the name meanwhile is left alone', async () => {
    const done = join(dir, 'done');
    const ops = {
      ...noLinks,
      link,
      rename: async (from: string, to: string) => {
        await rename(from, to);
        if (from === video) await writeFile(video, 'a new recording'); // right after the uploaded one was taken
      },
    };
    assert.equal((await house({ moveTo: done, ops })).path, join(done, 'talk.mp4'));
    assert.equal(await readFile(join(done, 'talk.mp4'), 'utf8'), 'video bytes');
    assert.equal(await readFile(video, 'utf8'), 'a new recording');
  });

  test('a relative symbolic link is moved as a link that still leads to the same file', async () => {
    await mkdir(join(dir, 'store'));
    await rename(video, join(dir, 'store', 'real.mp4'));
    await symlink('../store/real.mp4', video);
    const done = join(dir, 'done', 'deep');
    const moved = await house({ moveTo: done });
    assert.deepEqual(moved, { action: 'moved', path: join(done, 'talk.mp4'), link: true });
    assert.equal(await readlink(join(done, 'talk.mp4')), '../../store/real.mp4');
    assert.equal(await readFile(join(done, 'talk.mp4'), 'utf8'), 'video bytes');
    assert.deepEqual(await readdir(join(dir, 'in')), []);
    assert.deepEqual(await readdir(join(dir, 'store')), ['real.mp4'], 'the file it leads to stays');
  });

  test('a file a killed run held is put back, under -1 when its name is taken, unless a live run holds it', async () => {
    const held = heldPath(video);
    await rename(video, held);
    assert.equal(await restoreHeld(video, locks(true)), undefined, 'a live holder keeps it');
    assert.ok(await lstat(held));
    assert.equal(await restoreHeld(video, locks()), video);
    assert.deepEqual(await readdir(join(dir, 'in')), ['talk.mp4']);
    // Killed between the put-back's link and unlink: one inode under both names.
    await link(video, held);
    assert.equal(await restoreHeld(video, locks()), undefined);
    assert.deepEqual(await readdir(join(dir, 'in')), ['talk.mp4']);
    // A new file took the name meanwhile: the held one comes back beside it (a watcher finds it at start).
    await rename(video, held);
    await writeFile(video, 'new');
    assert.deepEqual(await restoreHeldIn(join(dir, 'in'), locks()), [join(dir, 'in', 'talk-1.mp4')]);
    assert.equal(await readFile(join(dir, 'in', 'talk-1.mp4'), 'utf8'), 'video bytes');
    assert.equal(await readFile(video, 'utf8'), 'new');
  });
});
