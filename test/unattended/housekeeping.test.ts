// This file tests the cron chores: move or delete only after a complete upload, never overwrite.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  copyFile,
  link,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isVuploadError } from '../../src/errors.js';
import { afterUpload, deleteAfterUpload, moveAfterUpload } from '../../src/unattended/housekeeping.js';
import { listHistory } from '../../src/unattended/journal.js';
import { appendHistory } from '../../src/upload/journal.js';

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

  test('a move creates the folder and never overwrites: later files get -1, -2', async () => {
    const done = join(dir, 'done', 'sub');
    assert.equal(await moveAfterUpload(video, done), join(done, 'talk.mp4'));
    await writeFile(video, 'second');
    assert.equal(await moveAfterUpload(video, done), join(done, 'talk-1.mp4'));
    await writeFile(video, 'third');
    assert.equal(await moveAfterUpload(video, done), join(done, 'talk-2.mp4'));
    assert.equal(await readFile(join(done, 'talk.mp4'), 'utf8'), 'video bytes');
    assert.equal(await readFile(join(done, 'talk-2.mp4'), 'utf8'), 'third');
    assert.deepEqual(await readdir(join(dir, 'in')), []);
  });

  test('across devices (EXDEV) the file is copied without overwriting, then the original removed', async () => {
    const done = join(dir, 'done');
    await mkdir(done);
    await writeFile(join(done, 'talk.mp4'), 'someone else');
    const ops = {
      link: async () => {
        throw Object.assign(new Error('cross-device link'), { code: 'EXDEV' });
      },
      copyFile,
      unlink,
    };
    assert.equal(await moveAfterUpload(video, done, ops), join(done, 'talk-1.mp4'));
    assert.equal(await readFile(join(done, 'talk.mp4'), 'utf8'), 'someone else');
    assert.equal(await readFile(join(done, 'talk-1.mp4'), 'utf8'), 'video bytes');
    assert.deepEqual(await readdir(join(dir, 'in')), []);
  });

  test('a move killed after the file got its new name is finished by the next run, not copied to -1', async () => {
    const done = join(dir, 'done');
    await mkdir(done);
    await link(video, join(done, 'talk.mp4')); // what a run killed between link and unlink left
    const moved = await afterUpload({ file: video, videoId: 'VID', stateDir, complete: true, moveTo: done });
    assert.deepEqual(moved, { action: 'moved', path: join(done, 'talk.mp4') });
    assert.deepEqual(await readdir(done), ['talk.mp4']);
    assert.deepEqual(await readdir(join(dir, 'in')), []);
    assert.deepEqual(
      (await listHistory(stateDir))[0]?.steps.map((s) => [s.step, s.ok, s.detail]),
      [['moved', true, join(done, 'talk.mp4')]],
    );
  });

  test('across devices a complete copy left by a killed run is taken, a partial one replaced, other content kept', async () => {
    const done = join(dir, 'done');
    await mkdir(done);
    const noLinks = {
      link: async () => {
        throw Object.assign(new Error('cross-device link'), { code: 'EXDEV' });
      },
      copyFile,
      unlink,
      rename,
    };
    // Same size, other bytes: someone else's file keeps its name.
    await writeFile(join(done, 'talk.mp4'), 'VIDEO BYTES');
    // A complete copy under the next name (killed after it was placed), and a partial temp of an earlier attempt.
    await writeFile(join(done, 'talk-1.mp4'), 'video bytes');
    const temps = async () => (await readdir(done)).filter((name) => name.endsWith('.partial'));
    assert.equal(await moveAfterUpload(video, done, noLinks), join(done, 'talk-1.mp4'));
    assert.deepEqual((await readdir(done)).sort(), ['talk-1.mp4', 'talk.mp4']);
    assert.deepEqual(await readdir(join(dir, 'in')), []);
    // A partial copy in the move's temp file (killed while copying) is replaced by a whole one, then removed.
    await writeFile(video, 'second video');
    const tag = createHash('sha256').update(video).digest('hex').slice(0, 8);
    await writeFile(join(done, `.talk.mp4.vupload-${tag}.partial`), 'sec');
    assert.equal(await moveAfterUpload(video, done, noLinks), join(done, 'talk-2.mp4'));
    assert.equal(await readFile(join(done, 'talk-2.mp4'), 'utf8'), 'second video');
    assert.deepEqual(await temps(), []);
  });

  test('when the source cannot be removed the file stays in one place and the failure is recorded', async () => {
    const done = join(dir, 'done');
    const ops = {
      link,
      copyFile,
      unlink: async (path: string) => {
        if (path === video) throw Object.assign(new Error('read-only folder'), { code: 'EROFS' });
        await unlink(path);
      },
    };
    await assert.rejects(
      afterUpload({ file: video, videoId: 'VID', stateDir, complete: true, moveTo: done, ops }),
      /read-only folder/,
    );
    assert.deepEqual(await readdir(done), []);
    assert.deepEqual(await readdir(join(dir, 'in')), ['talk.mp4']);
    assert.deepEqual(
      (await listHistory(stateDir))[0]?.steps.map((s) => [s.step, s.ok, s.reason]),
      [['moved', false, 'EROFS']],
    );
  });

  test('nothing moves unless the upload and all its steps completed, and only when asked', async () => {
    const done = join(dir, 'done');
    const base = { file: video, videoId: 'VID', stateDir };
    assert.deepEqual(await afterUpload({ ...base, complete: false, moveTo: done }), {
      action: 'kept',
      path: video,
    });
    assert.deepEqual(await afterUpload({ ...base, complete: true }), { action: 'kept', path: video });
    assert.deepEqual(await readdir(join(dir, 'in')), ['talk.mp4']);
    const moved = await afterUpload({ ...base, complete: true, moveTo: done, now: () => 0 });
    assert.deepEqual(moved, { action: 'moved', path: join(done, 'talk.mp4') });
    const [item] = await listHistory(stateDir);
    assert.deepEqual(item?.steps, [
      { step: 'moved', ok: true, time: '1970-01-01T00:00:00.000Z', detail: join(done, 'talk.mp4') },
    ]);
  });

  test('delete-after deletes a complete upload and records it; both options together are a usage error', async () => {
    const base = { file: video, videoId: 'VID', stateDir, complete: true };
    await assert.rejects(
      afterUpload({ ...base, moveTo: dir, deleteAfter: true }),
      (e) => isVuploadError(e) && e.exitCode === 2,
    );
    assert.deepEqual(await afterUpload({ ...base, deleteAfter: true }), { action: 'deleted', path: video });
    assert.deepEqual(await readdir(join(dir, 'in')), []);
    assert.equal(await deleteAfterUpload(video), false);
    assert.deepEqual(
      (await listHistory(stateDir))[0]?.steps.map((s) => [s.step, s.ok]),
      [['deleted', true]],
    );
  });

  test('a failed move is recorded as a failed step and rethrown', async () => {
    const ops = {
      link: async () => {
        throw Object.assign(new Error('no'), { code: 'EACCES' });
      },
      copyFile,
      unlink,
    };
    await assert.rejects(
      afterUpload({ file: video, videoId: 'VID', stateDir, complete: true, moveTo: join(dir, 'x'), ops }),
      /no/,
    );
    assert.deepEqual(
      (await listHistory(stateDir))[0]?.steps.map((s) => [s.step, s.ok, s.reason]),
      [['moved', false, 'EACCES']],
    );
    assert.deepEqual(await readdir(join(dir, 'in')), ['talk.mp4']);
  });
});
