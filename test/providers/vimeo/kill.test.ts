// This file kills real vupload processes uploading to the Vimeo emulator at the durable steps Vimeo adds (after the
// create answer and before the session is saved; after the last PATCH and before the journal line) and at every
// durable change of a whole job, then runs the same command again: one video per upload, whole, never lost.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeVideo } from '../../cli/video-file.js';
import { jsonLines } from '../../helpers/cli.js';
import { fixture } from '../../helpers/paths.js';
import { crashAt, journal, sha256, type VimeoWorld, vimeoWorld } from './helpers.js';

let w: VimeoWorld;
before(async () => {
  w = await vimeoWorld();
  await mkdir(w.env.VUPLOAD_STATE_DIR!, { recursive: true });
});
after(() => w.close());

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The videos named `title`, each with what the server holds of it. */
async function videosNamed(title: string) {
  return (await w.videos()).filter((v) => v.name === title);
}

async function assertOneWholeVideo(file: string, title: string, what: string): Promise<string> {
  const videos = await videosNamed(title);
  assert.equal(videos.length, 1, `${what}: videos named ${title}: ${JSON.stringify(videos)}`);
  const [video] = videos;
  assert.equal(video!.sha256, sha256(await readFile(file)), `${what}: the server holds the file`);
  const lines = (await journal(w)).filter((l) => l.videoId === video!.id);
  assert.equal(lines.length, 1, `${what}: journal lines`);
  return video!.id;
}

describe('a Vimeo upload killed with SIGKILL, then run again', { timeout: 300_000 }, () => {
  test('after the create answer, before its session is saved: the video Vimeo made is taken, not a second one', async () => {
    const file = await makeVideo(join(w.dir, 'created.mp4'), 300_000);
    const argv = ['upload', file, '--provider', 'vimeo', '--title', 'Killed after create', '--json'];
    const mark = w.sb.requests.length;
    const killed = await w.spawn(argv, crashAt(1, { match: 'sessions/' }));
    assert.equal(killed.code, 137, killed.stderr);
    const creates = () => w.since(mark).filter((e) => e.method === 'POST' && e.path === '/me/videos');
    assert.deepEqual(
      creates().map((e) => e.status),
      [200],
      'Vimeo made the video before the kill',
    );
    assert.equal((await videosNamed('Killed after create'))[0]?.status, 'in_progress');
    const again = await w.spawn(argv);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /Continuing video \d+, which an interrupted run created/);
    assert.equal(creates().length, 1, 'no second create');
    const id = await assertOneWholeVideo(file, 'Killed after create', 'after create');
    assert.equal(jsonLines(again.stdout)[0]!.id, id);
    assert.deepEqual(
      await readdir(join(w.env.VUPLOAD_STATE_DIR!, 'vimeo')),
      [],
      'the pending create is settled',
    );
  });

  test('after the create answer, then run with another title: the empty video is replaced, one video remains', async () => {
    const file = await makeVideo(join(w.dir, 'renamed.mp4'), 100_000);
    const argv = (title: string) => ['upload', file, '--provider', 'vimeo', '--title', title];
    const killed = await w.spawn(argv('First name'), crashAt(1, { match: 'sessions/' }));
    assert.equal(killed.code, 137, killed.stderr);
    const [orphan] = await videosNamed('First name');
    assert.equal(orphan?.status, 'in_progress');
    const again = await w.spawn(argv('Second name'));
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, new RegExp(`Deleted video ${orphan!.id}`));
    assert.deepEqual(await videosNamed('First name'), []);
    await assertOneWholeVideo(file, 'Second name', 'renamed');
  });

  test('after the last PATCH, before the journal line: the re-run asks, finds it finished, records it', async () => {
    const file = await makeVideo(join(w.dir, 'finished.mp4'), 300_000);
    const argv = ['upload', file, '--provider', 'vimeo', '--title', 'Killed before journal', '--json'];
    const killed = await w.spawn(argv, crashAt(1, { match: 'open .*history\\.jsonl' }));
    assert.equal(killed.code, 137, killed.stderr);
    const [before] = await videosNamed('Killed before journal');
    assert.equal(before?.status, 'complete', 'every byte reached Vimeo before the kill');
    const mark = w.sb.requests.length;
    const again = await w.spawn(argv);
    assert.equal(again.code, 0, again.stderr);
    const line = jsonLines(again.stdout)[0]!;
    assert.equal(line.finishedEarlier, true);
    assert.equal(line.bytesSent, 0);
    const seen = w.since(mark).map((e) => `${e.method} ${e.host === 'upload' ? '<link>' : e.path}`);
    assert.ok(!seen.includes('POST /me/videos') && !seen.includes('PATCH <link>'), seen.join(', '));
    assert.ok(seen.includes('HEAD <link>') && seen.includes(`GET /videos/${before!.id}`), seen.join(', '));
    assert.equal(await assertOneWholeVideo(file, 'Killed before journal', 'before journal'), line.id);
  });

  test('at every durable change of a job with every step and --move-to: each upload and step once', async () => {
    const rec = join(w.dir, 'rec');
    const done = join(w.dir, 'done');
    await mkdir(rec, { recursive: true });
    const vtt = join(w.dir, 'sweep.vtt');
    await writeFile(vtt, 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n');
    const job = (file: string) => [
      'upload',
      file,
      '--provider',
      'vimeo',
      ...['--title', `Sweep ${basename(file)}`, '--thumbnail', fixture('thumbnail.jpg')],
      ...['--folder', `Sweep ${basename(file)}`, '--create-folder'],
      ...['--playlist', `Sweep ${basename(file)}`, '--create-playlist', '--caption', `${vtt}:en`],
      ...['--chunk-size', '100000', '--move-to', done],
    ];
    const match = `${escapeRegex(w.env.VUPLOAD_STATE_DIR!)}|${escapeRegex(rec)}/|${escapeRegex(done)}`;
    const trace = join(w.dir, 'sweep.trace');
    const probe = await makeVideo(join(rec, 'probe.mp4'), 250_000);
    const traced = await w.spawn(job(probe), crashAt(0, { trace, match }));
    assert.equal(traced.code, 0, traced.stderr);
    const changes = (await readFile(trace, 'utf8')).trim().split('\n');
    assert.ok(
      changes.some((c) => /vimeo\/create-/.test(c)),
      changes.join('\n'),
    );
    for (let k = 1; k <= changes.length; k++) {
      const what = `kill before ${changes[k - 1]}`;
      const name = `k${k}.mp4`;
      const file = await makeVideo(join(rec, name), 250_000);
      const bytes = await readFile(file);
      const killed = await w.spawn(job(file), crashAt(k, { match }));
      assert.equal(killed.code, 137, `${what}: ${killed.stderr}`);
      const again = await w.spawn(job(file));
      // Killed after the file was moved away: the job is complete, and the file is no longer where it was.
      const moved = await stat(join(done, name)).then(
        () => true,
        () => false,
      );
      assert.ok(again.code === 0 || (again.code === 2 && moved), `${what}: ${again.code} ${again.stderr}`);
      const title = `Sweep ${name}`;
      const videos = await videosNamed(title);
      assert.equal(videos.length, 1, `${what}: ${JSON.stringify(videos)}`);
      const id = videos[0]!.id;
      assert.equal(videos[0]!.sha256, sha256(bytes), `${what}: content`);
      assert.equal((await journal(w)).filter((l) => l.videoId === id).length, 1, `${what}: journal`);
      assert.deepEqual(
        w.sb.pictures(id).map((p) => p.active),
        [true],
        `${what}: thumbnail`,
      );
      const folders = w.sb.folders().filter((f) => f.name === title);
      assert.deepEqual(
        folders.map((f) => f.videoIds),
        [[id]],
        `${what}: folder`,
      );
      const showcases = w.sb.showcases().filter((s) => s.name === title);
      assert.deepEqual(
        showcases.map((s) => s.videoIds),
        [[id]],
        `${what}: showcase`,
      );
      assert.deepEqual(
        w.sb.textTracks(id).map((t) => [t.language, t.active]),
        [['en', true]],
        `${what}: captions`,
      );
      assert.equal(moved, true, `${what}: moved`);
    }
  });
});
