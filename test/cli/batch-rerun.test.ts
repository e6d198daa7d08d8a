// This file kills a real `vupload batch --move-to` halfway and runs it again, as a nightly cron job would: entries
// that vupload already uploaded and moved away are done, not missing files (issue 29, item 9).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listHistory } from '../../src/unattended/journal.js';
import { jsonLines, spawnCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

interface Line {
  id: string;
  file: string;
  alreadyUploaded: boolean;
  housekeeping?: string;
}

describe('a batch with --move-to run again after a kill', { timeout: 60_000 }, () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  const idOf = async (file: string) =>
    (await listHistory(t.env.VUPLOAD_STATE_DIR!)).filter((h) => h.file === file).map((h) => h.id);

  test('entries moved before the kill are reported as already uploaded: exit 0, every night', async () => {
    const folder = join(t.dir, 'night');
    await mkdir(folder);
    const [a, b] = [join(folder, 'a.mp4'), join(folder, 'b.mp4')];
    await makeVideo(a, 40_000);
    await makeVideo(b, 41_000);
    const manifest = join(folder, 'uploads.jsonl');
    await writeFile(manifest, '{"file": "a.mp4", "title": "A"}\n{"file": "b.mp4", "title": "B"}\n');
    const done = join(folder, 'done');
    const argv = ['batch', manifest, '--move-to', done, '--json'];
    // The second upload is held back; the batch is killed once the first one is moved.
    t.sb.faults.add({ on: 'upload-init', nth: 2, delayMs: 3000 });
    const killed = spawnCli(argv, { env: t.env, cwd: t.dir });
    // Moved for good: in the folder, its private name gone, the step recorded (steps.jsonl is written before it).
    const moved = () =>
      existsSync(join(done, 'a.mp4')) && !existsSync(a) && !existsSync(join(folder, '.vupload-held.a.mp4'));
    await waitFor('a.mp4 to be moved', moved);
    assert.ok(
      (await listHistory(t.env.VUPLOAD_STATE_DIR!)).some((h) =>
        h.steps.some((s) => s.step === 'moved' && s.ok),
      ),
    );
    killed.child.kill('SIGKILL');
    assert.equal((await killed).code, 137);

    const again = await t.run(argv);
    assert.equal(again.code, 0, again.stderr);
    const [first, second] = jsonLines<Line>(again.stdout);
    assert.deepEqual(
      first && { id: first.id, file: first.file, already: first.alreadyUploaded, moved: first.housekeeping },
      { id: (await idOf(a))[0], file: a, already: true, moved: join(done, 'a.mp4') },
    );
    assert.match(
      again.stderr,
      /a\.mp4 is not there: vupload uploaded it as [\w-]{11} on .* and moved it to .*done/,
    );
    assert.equal(second?.alreadyUploaded, false);
    assert.equal(second?.housekeeping, join(done, 'b.mp4'));
    assert.equal((await idOf(a)).length, 1, 'a.mp4 uploaded once');
    assert.equal((await idOf(b)).length, 1, 'b.mp4 uploaded once');

    // The next night, and a dry run: both done, nothing sent.
    const mark = t.sb.requests.length;
    const third = await t.run(argv);
    assert.equal(third.code, 0, third.stderr);
    assert.deepEqual(
      jsonLines<Line>(third.stdout).map((l) => [l.id, l.alreadyUploaded]),
      [
        [(await idOf(a))[0], true],
        [(await idOf(b))[0], true],
      ],
    );
    const dry = await t.run([...argv, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.deepEqual(
      jsonLines<Line & { dryRun: boolean }>(dry.stdout).map((l) => [l.dryRun, l.id, l.alreadyUploaded]),
      [
        [true, (await idOf(a))[0], true],
        [true, (await idOf(b))[0], true],
      ],
    );
    assert.equal(t.since(mark).length, 0, 'nothing sent');
  });

  test('a missing file that vupload never moved or deleted is still an error (exit 2)', async () => {
    const folder = join(t.dir, 'other');
    await mkdir(folder);
    const kept = await makeVideo(join(folder, 'kept.mp4'), 42_000);
    const first = await t.run(['upload', kept, '--title', 'Kept']);
    assert.equal(first.code, 0, first.stderr);
    await rm(kept); // removed by hand: the journal has the upload, but no move or delete by vupload
    const never = join(folder, 'never.mp4');
    const manifest = join(folder, 'uploads.jsonl');
    await writeFile(manifest, '{"file": "kept.mp4"}\n{"file": "never.mp4"}\n');
    const again = await t.run(['batch', manifest, '--delete-after']);
    assert.equal(again.code, 2, again.stderr);
    assert.match(again.stderr, /kept\.mp4.*no such file/);
    assert.match(again.stderr, /never\.mp4.*no such file/);
    const single = await t.run(['upload', never, '--delete-after']);
    assert.equal(single.code, 2, single.stderr);
  });
});
