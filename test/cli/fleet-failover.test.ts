// This file kills machines of a fleet and stops its database mid-upload: the upload goes on elsewhere or is recorded
// later, and there is always one video and one record.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { spawnCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { usePostgres } from '../state/postgres/server.js';
import { type Fleet, startedUploads, startFleet } from './fleet-env.js';
import { makeVideo } from './video-file.js';

const server = usePostgres();
const KiB = 1024;
const CHUNK = 256 * KiB;

/** What a spawned vupload has written on stderr so far. */
function stderrOf(run: ReturnType<typeof spawnCli>): () => string {
  let text = '';
  run.child.stderr?.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return () => text;
}

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('failures in a fleet', { timeout: 120_000 }, () => {
  let fleet: Fleet;
  before(async () => {
    fleet = await startFleet(server(), 2);
  });
  after(() => fleet.close());

  /** The sandbox has stored at least `bytes` of an upload begun after `mark`. */
  const storedAtLeast = (mark: number, bytes: number) => () =>
    fleet.since(mark).some((r) => r.kind === 'upload-chunk' && (r.storedAfter ?? 0) >= bytes);

  test('kill -9 of the machine holding the lock: the other takes it within a second and resumes at the offset', async () => {
    const [a, b] = fleet.machines;
    await mkdir(join(fleet.dir, 'nas'));
    await mkdir(join(fleet.dir, 'b-disk'));
    const onA = await makeVideo(join(fleet.dir, 'nas', 'talk.mp4'), 3 * 1024 * KiB);
    const onB = join(fleet.dir, 'b-disk', 'talk.mp4'); // the same recording, another path and time on B
    await copyFile(onA, onB);
    const args = ['--title', 'Talk', '--chunk-size', '256K'];
    fleet.sb.faults.add({ on: 'upload-chunk', bytesPerSec: 512 * KiB, times: 1000 });
    const mark = fleet.sb.requests.length;
    const first = a!.spawn(['upload', onA, ...args]);
    await waitFor('machine A to have 512 KiB on the server', storedAtLeast(mark, 2 * CHUNK));
    const second = b!.spawn(['upload', onB, ...args, '--wait-lock']);
    const secondErr = stderrOf(second);
    await waitFor('machine B to wait for the lock', () =>
      secondErr().includes(`Waiting for vupload (pid ${first.child.pid} on `),
    );
    const killedAt = performance.now();
    first.child.kill('SIGKILL');
    const holderIsB = async () =>
      (await fleet.query('SELECT 1 FROM vupload.locks WHERE pid = $1', [second.child.pid])).length > 0;
    while (!(await holderIsB())) {
      assert.ok(performance.now() - killedAt < 5000, 'B never took the lock');
      await delay(5);
    }
    const tookMs = performance.now() - killedAt;
    assert.ok(tookMs < 1000, `B took the lock ${Math.round(tookMs)} ms after the kill`);
    fleet.sb.faults.clear();
    assert.equal((await first).code, 137);
    const resumeMark = fleet.sb.requests.length;
    const result = await second;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Taking over the upload of talk\.mp4 that another machine started/);
    const id = result.stdout.trim();
    assert.equal(startedUploads(fleet, mark), 1, 'one upload session, started by A');
    const afterKill = fleet.since(resumeMark).filter((r) => r.kind === 'upload-chunk' && r.bodyBytes > 0);
    assert.ok((afterKill[0]?.firstByte ?? 0) >= 2 * CHUNK, `B resumed at ${afterKill[0]?.firstByte}`);
    const sent = fleet
      .since(mark)
      .filter((r) => r.kind === 'upload-chunk')
      .reduce((n, r) => n + r.bodyBytes, 0);
    assert.ok(sent - 3 * 1024 * KiB <= CHUNK, `${sent - 3 * 1024 * KiB} bytes sent twice`);
    assert.equal(fleet.sb.media(id)?.sha256, await sha256(onA));
    const records = await fleet.query('SELECT file FROM vupload.uploads WHERE video_id = $1', [id]);
    assert.deepEqual(records, [{ file: onB }]);
    assert.deepEqual(await fleet.query('SELECT key FROM vupload.sessions'), [], 'no session left');
  });

  /**
   * Machine A uploads a new file; once bytes are on the server the database is stopped, and once A says it waits for
   * the database to record the finished upload, `meanwhile` runs; then the database is started again.
   */
  async function stopDatabaseMidUpload(
    name: string,
    meanwhile: (run: ReturnType<typeof spawnCli>) => Promise<void>,
  ) {
    const [a] = fleet.machines;
    const file = await makeVideo(join(fleet.dir, name), 1024 * KiB);
    fleet.sb.faults.add({ on: 'upload-chunk', bytesPerSec: 1024 * KiB, times: 1000 });
    const mark = fleet.sb.requests.length;
    const run = a!.spawn(['upload', file, '--chunk-size', '256K']);
    const err = stderrOf(run);
    await waitFor('the upload to be under way', storedAtLeast(mark, CHUNK));
    await server().pause();
    try {
      fleet.sb.faults.clear();
      await waitFor('the upload to wait for the database', () => /does not answer/.test(err()));
      await meanwhile(run);
    } finally {
      await server().resume();
    }
    return { a: a!, file, mark, run };
  }

  test('the database stopped mid-upload: the upload finishes and is recorded once the database is back', async () => {
    const { file, mark, run } = await stopDatabaseMidUpload('db-stops.mp4', async () => {});
    const result = await run;
    assert.equal(result.code, 0, result.stderr);
    const id = result.stdout.trim();
    assert.equal(startedUploads(fleet, mark), 1);
    assert.equal(fleet.sb.media(id)?.sha256, await sha256(file));
    const records = await fleet.query('SELECT video_id FROM vupload.uploads WHERE file = $1', [file]);
    assert.deepEqual(records, [{ video_id: id }], 'one record');
    assert.deepEqual(await fleet.query('SELECT key FROM vupload.sessions'), [], 'its session removed');
  });

  test('stopped while waiting for the database, the next run finds the finished upload and records it', async () => {
    const { a, file, mark, run } = await stopDatabaseMidUpload('gives-up.mp4', async (running) => {
      running.child.kill('SIGTERM');
      await running;
    });
    const stopped = await run;
    assert.equal(stopped.code, 143, stopped.stderr);
    const id = stopped.stdout.trim();
    assert.match(stopped.stderr, new RegExp(`the video ${id} was uploaded, but could not record it`));
    const again = await a!.spawn(['upload', file, '--chunk-size', '256K']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), id, 'the same video');
    assert.equal(startedUploads(fleet, mark), 1, 'never a second upload');
    const records = await fleet.query('SELECT video_id FROM vupload.uploads WHERE file = $1', [file]);
    assert.deepEqual(records, [{ video_id: id }], 'one record');
  });
});
