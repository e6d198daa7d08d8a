// This file runs Vimeo's steps after an upload against the emulator (thumbnail, folder, showcase, text track, --wait),
// their re-run after a failure (asked first: nothing twice), and `vupload status` / `vupload update` for Vimeo.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { makeVideo } from '../../cli/video-file.js';
import { jsonLines } from '../../helpers/cli.js';
import { fixture } from '../../helpers/paths.js';
import { sha256, type VimeoWorld, vimeoWorld } from './helpers.js';

let w: VimeoWorld;
let vtt: string;
before(async () => {
  w = await vimeoWorld();
  vtt = join(w.dir, 'talk.vtt');
  await writeFile(vtt, 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n');
});
afterEach(() => w.sb.faults.clear());
after(() => w.close());

const upload = (file: string, ...flags: string[]) =>
  w.run(['upload', file, '--provider', 'vimeo', '--json', ...flags]);

describe('steps after a Vimeo upload', () => {
  test('thumbnail, folder, showcase, captions and --wait, each done once and reported in --json', async () => {
    const file = await makeVideo(join(w.dir, 'all.mp4'), 40_000);
    const r = await upload(
      file,
      ...['--thumbnail', fixture('thumbnail.jpg'), '--folder', 'Talks 2026', '--create-folder'],
      ...['--playlist', 'Best of', '--create-playlist', '--caption', `${vtt}:en`, '--wait'],
    );
    assert.equal(r.code, 0, r.stderr);
    const line = jsonLines(r.stdout)[0]!;
    const id = String(line.id);
    const pictures = w.sb.pictures(id);
    assert.equal(pictures.length, 1);
    assert.equal(pictures[0]!.active, true);
    assert.equal(pictures[0]!.sha256, sha256(await readFile(fixture('thumbnail.jpg'))));
    const folder = w.sb.folders().find((f) => f.name === 'Talks 2026')!;
    assert.deepEqual(folder.videoIds, [id]);
    const showcase = w.sb.showcases().find((s) => s.name === 'Best of')!;
    assert.deepEqual(showcase.videoIds, [id]);
    const tracks = w.sb.textTracks(id);
    assert.deepEqual(
      tracks.map((t) => [t.language, t.type, t.active]),
      [['en', 'captions', true]],
    );
    assert.equal(tracks[0]!.sha256, sha256(await readFile(vtt)));
    assert.deepEqual(line.folder, { id: folder.id, name: 'Talks 2026', created: true });
    assert.deepEqual(line.playlists, [{ id: showcase.id, title: 'Best of', created: true }]);
    assert.deepEqual(line.captions, [{ id: tracks[0]!.id, language: 'en' }]);
    assert.equal((line.processing as { state: string }).state, 'processed');
    assert.equal(w.sb.transcodeStatus(id), 'complete');
  });

  test('a list of folders whose answer is cut short is asked again, never read as empty (as "no such folder")', async () => {
    const a = await makeVideo(join(w.dir, 'cut-list.mp4'), 20_000);
    const first = await upload(a, '--folder', 'Cut list', '--create-folder');
    assert.equal(first.code, 0, first.stderr);
    w.sb.faults.add({ on: { method: 'GET', path: '/me/projects' }, shortResponse: 12, times: 1 });
    const b = await makeVideo(join(w.dir, 'cut-list-2.mp4'), 20_000);
    const second = await upload(b, '--folder', 'Cut list');
    w.sb.faults.clear();
    assert.equal(second.code, 0, second.stderr);
    assert.equal(w.sb.folders().filter((f) => f.name === 'Cut list').length, 1, 'one folder');
    assert.match(second.stderr, /Retry 1 in \S+: Vimeo's answer to GET \/me\/projects was cut short/);
  });

  test('an existing folder and showcase are found by name; a missing one without --create-* fails the step (exit 1, as for YouTube: the video was sent)', async () => {
    const a = await makeVideo(join(w.dir, 'found.mp4'), 20_000);
    const r = await upload(a, '--folder', 'Talks 2026', '--playlist', 'Best of');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(w.sb.folders().filter((f) => f.name === 'Talks 2026').length, 1);
    assert.equal(w.sb.showcases().filter((s) => s.name === 'Best of').length, 1);
    const b = await makeVideo(join(w.dir, 'missing.mp4'), 20_000);
    const missing = await upload(b, '--playlist', 'Nowhere');
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /uploaded, but vimeo has no showcase named "Nowhere"/);
    assert.match(missing.stderr, /--create-playlist/);
    assert.match(String(jsonLines(missing.stdout)[0]!.id), /^\d+$/, 'the video exists: its id is the result');
  });

  test('a thumbnail and a text track that failed half-way: the re-run leaves one of each, active', async () => {
    const file = await makeVideo(join(w.dir, 'half.mp4'), 20_000);
    const flags = ['--thumbnail', fixture('thumbnail.png'), '--caption', `${vtt}:fr`];
    // The files never reach their links: the picture and the track are made, not activated.
    w.sb.faults.add({ on: 'thumbnail', status: 500, times: 20 });
    const first = await upload(file, ...flags);
    assert.notEqual(first.code, 0);
    const id = String(jsonLines(first.stdout)[0]!.id);
    assert.deepEqual(
      w.sb.pictures(id).map((p) => p.active),
      [false],
    );
    w.sb.faults.clear();
    w.sb.faults.add({ on: 'caption', status: 500, times: 20 });
    const second = await upload(file, ...flags);
    assert.notEqual(second.code, 0);
    assert.deepEqual(
      w.sb.textTracks(id).map((t) => t.active),
      [false],
    );
    w.sb.faults.clear();
    const third = await upload(file, ...flags);
    assert.equal(third.code, 0, third.stderr);
    assert.equal(String(jsonLines(third.stdout)[0]!.id), id);
    assert.deepEqual(
      w.sb.pictures(id).map((p) => p.active),
      [true],
    );
    assert.deepEqual(
      w.sb.textTracks(id).map((t) => [t.language, t.active]),
      [['fr', true]],
    );
  });
});

describe('vupload status and update for Vimeo videos', () => {
  test('status: the upload and transcode states; --wait until transcoded; --json', async () => {
    const file = await makeVideo(join(w.dir, 'status.mp4'), 20_000);
    const id = String(jsonLines((await upload(file, '--title', 'S')).stdout)[0]!.id);
    const r = await w.run(['status', '--provider', 'vimeo', id, '--wait', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [view] = jsonLines(r.stdout);
    assert.deepEqual(
      { ...view, url: undefined },
      {
        provider: 'vimeo',
        id,
        url: undefined,
        title: 'S',
        state: 'processed',
        done: true,
        uploadStatus: 'complete',
        transcodeStatus: 'complete',
        privacyStatus: 'nobody',
      },
    );
    const text = await w.run(['status', '--provider', 'vimeo', id]);
    assert.match(text.stdout, /state: +processed/);
  });

  test('update: PATCH of what changes; --dry-run sends none; other flags refused', async () => {
    const file = await makeVideo(join(w.dir, 'update.mp4'), 20_000);
    const id = String(jsonLines((await upload(file, '--title', 'Old')).stdout)[0]!.id);
    const mark = w.sb.requests.length;
    const dry = await w.run(['update', '--provider', 'vimeo', id, '--title', 'New', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /name: "Old" -> "New"/);
    assert.equal(w.since(mark).filter((e) => e.method === 'PATCH').length, 0);
    const r = await w.run([
      'update',
      '--provider',
      'vimeo',
      id,
      '--title',
      'New',
      '--privacy',
      'unlisted',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const [out] = jsonLines(r.stdout);
    assert.deepEqual(out!.parts, ['name', 'privacy']);
    const video = w.sb.video(id) as { name: string; privacy: { view: string } };
    assert.equal(video.name, 'New');
    assert.equal(video.privacy.view, 'unlisted');
    const patch = w.since(mark).find((e) => e.method === 'PATCH')!;
    assert.deepEqual(patch.json, { name: 'New', privacy: { view: 'unlisted' } });
    const pass = join(w.dir, 'update-pass.txt');
    await writeFile(pass, 'n3w-secret\n', { mode: 0o600 });
    const locked = await w.run([
      'update',
      '--provider',
      'vimeo',
      id,
      '--privacy',
      'password',
      '--password-file',
      pass,
    ]);
    assert.equal(locked.code, 0, locked.stderr);
    assert.equal((w.sb.video(id) as { password?: string }).password, 'n3w-secret');
    assert.doesNotMatch(locked.stdout + locked.stderr, /n3w-secret/);
    const refused = await w.run(['update', '--provider', 'vimeo', id, '--category', '22']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--category is not available with the vimeo provider/);
  });
});
