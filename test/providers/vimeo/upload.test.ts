// This file uploads to the Vimeo emulator with the real CLI: the create as Vimeo's guide has it, tus on the upload
// link with no credential but the link, the finish confirmed by upload.status, and what stdout and --json say.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeVideo } from '../../cli/video-file.js';
import { jsonLines } from '../../helpers/cli.js';
import { journal, sha256, type VimeoWorld, vimeoWorld } from './helpers.js';

let w: VimeoWorld;
before(async () => {
  w = await vimeoWorld();
});
after(() => w.close());

const upload = (file: string, ...flags: string[]) => w.run(['upload', file, '--provider', 'vimeo', ...flags]);

describe('an upload to Vimeo over tus', () => {
  test('creates the video with the tus approach, sends the bytes to the upload link, prints only the id', async () => {
    const file = await makeVideo(join(w.dir, 'talk.mp4'), 700_000);
    const mark = w.sb.requests.length;
    const r = await upload(file, '--title', 'My talk', '--description', 'About tus', '--privacy', 'unlisted');
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    assert.match(id, /^\d+$/);
    assert.deepEqual(w.sb.media(id), { size: 700_000, sha256: sha256(await readFile(file)) });
    const seen = w.since(mark);
    const create = seen.find((e) => e.method === 'POST' && e.path === '/me/videos')!;
    assert.deepEqual(create.json, {
      upload: { approach: 'tus', size: 700_000 },
      name: 'My talk',
      description: 'About tus',
      privacy: { view: 'unlisted' },
    });
    assert.equal(create.apiVersion, '3.4');
    assert.match(create.headers.authorization ?? '', /^bearer \*\*\*$/i);
    // The upload link is its own credential: no Authorization header ever reaches the upload host.
    const tus = seen.filter((e) => e.host === 'upload');
    assert.ok(tus.length > 0);
    for (const e of tus) assert.equal(e.headers.authorization, undefined, `${e.method} ${e.path}`);
    const patch = tus.find((e) => e.method === 'PATCH')!;
    assert.equal(patch.headers['tus-resumable'], '1.0.0');
    assert.equal(patch.headers['content-type'], 'application/offset+octet-stream');
    assert.equal(patch.headers['upload-offset'], '0');
    // Done only once Vimeo says so.
    const confirm = seen.findIndex((e) => e.method === 'GET' && e.path === `/videos/${id}`);
    assert.ok(confirm > seen.indexOf(patch), 'upload.status is asked after the last PATCH');
    assert.match(String(seen[confirm]!.query.fields), /upload\.status/);
    assert.deepEqual(
      (await journal(w)).filter((l) => l.videoId === id).map((l) => l.provider),
      ['vimeo'],
    );
  });

  test('--json adds the url Vimeo gave (an unlisted video keeps its hash), title and privacy', async () => {
    const file = await makeVideo(join(w.dir, 'json.mp4'), 50_000);
    const r = await upload(file, '--title', 'J', '--privacy', 'unlisted', '--json');
    assert.equal(r.code, 0, r.stderr);
    const [line] = jsonLines(r.stdout);
    const video = w.sb.video(String(line!.id)) as { link: string };
    assert.equal(line!.provider, 'vimeo');
    assert.equal(line!.url, video.link);
    assert.match(String(line!.url), /\/[0-9a-f]{10}$/);
    assert.equal(line!.title, 'J');
    assert.equal(line!.privacyStatus, 'unlisted');
  });

  test('in chunks: one PATCH per chunk at the offsets of --chunk-size, used as given (tus needs no 256 KiB grid)', async () => {
    const file = await makeVideo(join(w.dir, 'chunks.mp4'), 250_001);
    const mark = w.sb.requests.length;
    const r = await upload(file, '--chunk-size', '100000', '--json');
    assert.equal(r.code, 0, r.stderr);
    const offsets = w
      .since(mark)
      .filter((e) => e.method === 'PATCH')
      .map((e) => e.offset);
    assert.deepEqual(offsets, [0, 100_000, 200_000]);
    assert.equal(w.sb.media(String(jsonLines(r.stdout)[0]!.id))?.size, 250_001);
  });

  test('without --privacy the video is private to its owner (nobody), as vupload keeps YouTube videos private', async () => {
    const file = await makeVideo(join(w.dir, 'private.mp4'), 20_000);
    const r = await upload(file);
    assert.equal(r.code, 0, r.stderr);
    const video = w.sb.video(r.stdout.trim()) as { name: string; privacy: { view: string } };
    assert.equal(video.privacy.view, 'nobody');
    assert.equal(video.name, 'private');
  });

  test('--privacy password sends the password from --password-file at create, never to the session or journal', async () => {
    const file = await makeVideo(join(w.dir, 'secret.mp4'), 20_000);
    const pass = join(w.dir, 'pass.txt');
    const { writeFile, chmod } = await import('node:fs/promises');
    await writeFile(pass, 'hunter2-secret\n');
    await chmod(pass, 0o600);
    const r = await upload(file, '--privacy', 'password', '--password-file', pass);
    assert.equal(r.code, 0, r.stderr);
    const video = w.sb.video(r.stdout.trim()) as { password?: string; privacy: { view: string } };
    assert.equal(video.privacy.view, 'password');
    assert.equal(video.password, 'hunter2-secret');
    const state = await readFile(join(w.env.VUPLOAD_STATE_DIR!, 'history.jsonl'), 'utf8');
    assert.doesNotMatch(state, /hunter2/);
    assert.doesNotMatch(r.stderr, /hunter2/);
  });

  test('a re-run of the same content uploads nothing and prints the same id', async () => {
    const file = await makeVideo(join(w.dir, 'again.mp4'), 30_000);
    const first = await upload(file);
    assert.equal(first.code, 0, first.stderr);
    const mark = w.sb.requests.length;
    const again = await upload(file);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), first.stdout.trim());
    assert.equal(w.since(mark).filter((e) => e.path === '/me/videos').length, 0);
  });

  test('--dry-run prints the requests with the password and token redacted and sends nothing', async () => {
    const file = await makeVideo(join(w.dir, 'dry.mp4'), 20_000);
    const mark = w.sb.requests.length;
    const r = await upload(file, '--dry-run', '--json', '--folder', 'X', '--playlist', 'S');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(w.since(mark).length, 0);
    const [line] = jsonLines(r.stdout);
    const text = JSON.stringify(line);
    assert.match(text, /"approach":"tus"/);
    assert.doesNotMatch(text, new RegExp(w.token));
  });
});
