// This file tests that credential files are never content (issue 29, item 6): the client secrets in use, files named
// like Google's download, Youku's client file, by any path, symlink or hard link, from flags, manifests and watch.
import assert from 'node:assert/strict';
import { copyFile, link, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../helpers/wait.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';
import { killWatchers, startWatcher } from './watcher.js';

describe('credential files are never content', () => {
  let t: CliEnv;
  let secret: string;
  before(async () => {
    t = await cliEnv();
    await t.login();
    const secrets = JSON.parse(await readFile(t.env.VUPLOAD_CLIENT_SECRETS!, 'utf8')) as {
      installed: { client_secret: string };
    };
    secret = secrets.installed.client_secret;
    await makeVideo(join(t.dir, 'talk.mp4'), 100_000);
  });
  after(() => {
    killWatchers();
    return t.close();
  });

  /** Whether the client secret reached the sandbox in anything it stored or was sent since `mark`. */
  const leaked = (mark: number) =>
    t.since(mark).some((r) => r.kind !== 'token' && JSON.stringify(r.json ?? '').includes(secret));

  test('a manifest line naming ./client_secrets.json as its public description is refused with its line and key', async () => {
    await makeVideo(join(t.dir, 'a.mp4'), 100_000);
    const manifest = join(t.dir, 'uploads.jsonl');
    await writeFile(
      manifest,
      `${JSON.stringify({ file: 'a.mp4', description_file: 'client_secrets.json', privacy: 'public' })}\n`,
    );
    const mark = t.sb.requests.length;
    const result = await t.run(['batch', manifest, '--json']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /uploads\.jsonl line 1: "description_file" .*client_secrets\.json: is the client secrets file \(VUPLOAD_CLIENT_SECRETS\); credential files are never content/,
    );
    assert.equal(t.since(mark).filter((r) => r.kind === 'upload-init').length, 0);
    assert.ok(!leaked(mark), 'the client secret was sent');
  });

  test('--description-file, --metadata, --thumbnail, --caption and the video itself: the secrets in use by any name', async () => {
    const other = join(t.dir, 'oauth-client.json'); // named by --client-secrets: not a telling name
    await copyFile(t.env.VUPLOAD_CLIENT_SECRETS!, other);
    await symlink(t.env.VUPLOAD_CLIENT_SECRETS!, join(t.dir, 'notes.txt'));
    await link(other, join(t.dir, 'hard-link.txt'));
    const cases: Array<[string[], RegExp]> = [
      [
        ['--description-file', t.env.VUPLOAD_CLIENT_SECRETS!],
        /--description-file .*client_secrets\.json: is the client secrets file \(VUPLOAD_CLIENT_SECRETS\)/,
      ],
      [
        ['--description-file', 'notes.txt'],
        /--description-file .*notes\.txt: is the client secrets file \(VUPLOAD_CLIENT_SECRETS\)/,
      ],
      [
        ['--client-secrets', other, '--metadata', 'oauth-client.json'],
        /--metadata .*oauth-client\.json: is the client secrets file \(--client-secrets\)/,
      ],
      [
        ['--client-secrets', other, '--description-file', 'hard-link.txt'],
        /hard-link\.txt: is the client secrets file \(--client-secrets\).*the same file under another name/,
      ],
      [['--thumbnail', 'notes.txt'], /--thumbnail .*notes\.txt: is .*client secrets/],
      [['--caption', 'notes.txt:en'], /--caption .*notes\.txt: is .*client secrets/],
    ];
    const mark = t.sb.requests.length;
    for (const [flags, message] of cases) {
      const result = await t.run(['upload', 'talk.mp4', '--privacy', 'public', ...flags]);
      assert.equal(result.code, 2, `${flags.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /credential files are never content/);
    }
    const video = await t.run(['upload', 'notes.txt', '--title', 'Not a video']);
    assert.equal(video.code, 2, video.stderr);
    assert.match(video.stderr, /file .*notes\.txt: is .*client secrets/);
    const thumbnail = await t.run(['thumbnail', 'abcdefghijk', 'notes.txt']);
    assert.equal(thumbnail.code, 2, thumbnail.stderr);
    assert.equal(t.since(mark).length, 0, 'nothing was sent');
  });

  test("Google's downloaded client_secret_<id>.json and Youku's client file are refused wherever they lie", async () => {
    const folder = join(t.dir, 'elsewhere');
    await mkdir(folder, { recursive: true });
    const download = join(folder, 'client_secret_1234-abcd.apps.googleusercontent.com.json');
    await writeFile(download, '{"installed":{"client_id":"x","client_secret":"GOCSPX-not-for-videos"}}');
    await writeFile(join(folder, 'youku-client.json'), '{"client_id":"y","client_secret":"z"}');
    const mark = t.sb.requests.length;
    for (const [flag, file, what] of [
      ['--description-file', download, /named like a client secrets file/],
      ['--description-file', join(folder, 'youku-client.json'), /named like a Youku client file/],
    ] as const) {
      const result = await t.run(['upload', 'talk.mp4', flag, file, '--dry-run']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, what);
    }
    assert.equal(t.since(mark).length, 0);
  });

  test("vupload watch --pattern '*' never uploads the client secrets lying in the watched folder", async () => {
    const dir = join(t.dir, 'watched');
    await mkdir(dir);
    await copyFile(t.env.VUPLOAD_CLIENT_SECRETS!, join(dir, 'client_secrets.json'));
    await makeVideo(join(dir, 'rec.mp4'), 120_000);
    const mark = t.sb.requests.length;
    const w = startWatcher(t, dir, ['--pattern', '*'], { settle: '200ms' });
    await waitFor('the video', () => w.ids().length === 1);
    await waitFor('the refusal', () => /client_secrets\.json: .*never content/.test(w.stderr));
    assert.equal(await w.stop(), 143);
    const titles = t
      .since(mark)
      .filter((r) => r.kind === 'upload-init')
      .map((r) => (r.json as { snippet?: { title?: string } }).snippet?.title);
    assert.deepEqual(titles, ['rec'], w.stderr);
    assert.ok(!leaked(mark));
  });
});
