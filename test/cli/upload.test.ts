// This file tests the upload command's contract against the sandbox: request bodies, validation, stdout, exit codes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ANSI } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

const video = fixture('sample.mp4');
const inits = (t: CliEnv, mark: number) => t.since(mark).filter((r) => r.kind === 'upload-init');

describe('vupload upload', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  test("takes Google's sample command unchanged and sends exactly the sample's resource", async () => {
    const mark = t.sb.requests.length;
    const result = await t.run([
      '--force',
      `--file=${video}`,
      '--title=Summer vacation in California',
      '--description=Had fun surfing in Santa Cruz',
      '--keywords=surfing,Santa Cruz',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const [init] = inits(t, mark);
    assert.ok(init, 'an initiation request was made');
    assert.deepEqual(init.json, {
      snippet: {
        title: 'Summer vacation in California',
        description: 'Had fun surfing in Santa Cruz',
        tags: ['surfing', 'Santa Cruz'],
        categoryId: '22',
      },
      status: { privacyStatus: 'private' },
    });
    assert.equal(String(init.query.uploadType), 'resumable');
    const id = result.stdout.trim();
    assert.match(result.stdout, /^[A-Za-z0-9_-]{11}\n$/);
    const expected = createHash('sha256')
      .update(await readFile(video))
      .digest('hex');
    assert.equal(t.sb.media(id)?.sha256, expected);
  });

  test('every metadata flag reaches the request', async () => {
    const mark = t.sb.requests.length;
    const descriptionFile = join(t.dir, 'desc.txt');
    await writeFile(descriptionFile, 'From a file\nline two');
    const metadata = join(t.dir, 'meta.json');
    await writeFile(metadata, JSON.stringify({ snippet: { title: 'from file', tags: ['file'] } }));
    const publishAt = new Date(Date.now() + 86_400_000).toISOString();
    const result = await t.run([
      'upload',
      video,
      '--force',
      '--metadata',
      metadata,
      '--title',
      'All flags',
      '--description-file',
      descriptionFile,
      '--category',
      '10',
      '--tags',
      ' a , b c ',
      '--privacy',
      'private',
      '--publish-at',
      publishAt,
      '--not-made-for-kids',
      '--synthetic-media',
      '--license',
      'creativeCommon',
      '--no-embeddable',
      '--no-public-stats',
      '--default-language',
      'en',
      '--default-audio-language',
      'en-US',
      '--recording-date',
      '2026-01-02',
      '--localization',
      'fr:Tous les drapeaux:Une description',
      '--no-notify-subscribers',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const [init] = inits(t, mark);
    assert.deepEqual(init?.json, {
      snippet: {
        title: 'All flags',
        description: 'From a file\nline two',
        tags: ['a', 'b c'],
        categoryId: '10',
        defaultLanguage: 'en',
        defaultAudioLanguage: 'en-US',
      },
      status: {
        privacyStatus: 'private',
        publishAt,
        selfDeclaredMadeForKids: false,
        containsSyntheticMedia: true,
        license: 'creativeCommon',
        embeddable: false,
        publicStatsViewable: false,
      },
      recordingDetails: { recordingDate: '2026-01-02T00:00:00Z' },
      localizations: { fr: { title: 'Tous les drapeaux', description: 'Une description' } },
    });
    assert.equal(String(init?.query.notifySubscribers), 'false');
    const parts = String(init?.query.part).split(',').sort();
    assert.deepEqual(parts, ['localizations', 'recordingDetails', 'snippet', 'status']);
  });

  const invalid: Array<[string, string[], RegExp]> = [
    ['a missing file', ['--file', 'nope.mp4'], /--file .*nope\.mp4: no such file/],
    ['an empty file', ['--file', 'EMPTY'], /the file is empty/],
    ['a directory', ['--file', '.'], /not a regular file/],
    ['a title over 100 characters', ['--title', 'x'.repeat(101)], /--title/],
    ['a title with <', ['--title', 'a <b>'], /--title/],
    ['a description over 5000 bytes', ['--description', 'é'.repeat(2501)], /--description/],
    ['tags over 500 characters', ['--keywords', Array(60).fill('abcdefghi').join(',')], /--keywords/],
    ['a non-numeric category', ['--category', 'music'], /--category/],
    ['an unknown privacy', ['--privacyStatus', 'secret'], /--privacyStatus/],
    ['a past publish time', ['--publish-at', '2001-01-01T00:00:00Z'], /--publish-at/],
    [
      'publish-at with public',
      ['--publish-at', '2099-01-01T00:00:00Z', '--privacy', 'public'],
      /--publish-at|--privacy/,
    ],
    ['a thumbnail that is no image', ['--thumbnail', fixture('not-an-image.gif')], /--thumbnail/],
    ['a malformed language', ['--default-language', 'english!'], /--default-language/],
    ['a bad chunk size', ['--chunk-size', 'lots'], /--chunk-size/],
    ['an unknown flag', ['--colour', 'red'], /unknown option/],
  ];
  for (const [what, args, message] of invalid) {
    test(`refuses ${what} with exit 2 and sends nothing`, async () => {
      const empty = join(t.dir, 'empty.mp4');
      await writeFile(empty, '');
      const argv = args.map((a) => (a === 'EMPTY' ? empty : a));
      const withFile = argv.includes('--file') ? argv : ['--force', '--file', video, ...argv];
      const mark = t.sb.requests.length;
      const result = await t.run(withFile);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      assert.equal(t.since(mark).length, 0, 'nothing reached the sandbox');
    });
  }

  test('--dry-run prints the requests with the token redacted, needs no login and sends nothing', async () => {
    const mark = t.sb.requests.length;
    const result = await t.run([
      '--force',
      '--file',
      video,
      '--title',
      'Dry',
      '--dry-run',
      '--profile',
      'nobody',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const printed = JSON.parse(result.stdout) as {
      requests: Array<{ body?: unknown; headers?: Record<string, string> }>;
    };
    assert.deepEqual(printed.requests[0]?.body, {
      snippet: { title: 'Dry', categoryId: '22' },
      status: { privacyStatus: 'private' },
    });
    assert.equal(printed.requests[0]?.headers?.Authorization, 'Bearer <redacted>');
    assert.equal(t.since(mark).length, 0);
  });

  test('stdout holds only the id on a TTY and off it; stderr has no ANSI codes off a TTY', async () => {
    const plain = await t.run(['--force', '--file', video]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^[A-Za-z0-9_-]{11}\n$/);
    assert.doesNotMatch(plain.stderr, ANSI);
    assert.match(plain.stderr, /Uploaded sample\.mp4/);
    const tty = await t.run(['--force', '--file', video], { tty: true });
    assert.equal(tty.code, 0, tty.stderr);
    assert.match(tty.stdout, /^[A-Za-z0-9_-]{11}\n$/);
    const quiet = await t.run(['--force', '--file', video, '--quiet']);
    assert.equal(quiet.stderr, '');
    assert.match(quiet.stdout, /^[A-Za-z0-9_-]{11}\n$/);
  });

  test('--json prints one object describing the upload', async () => {
    const result = await t.run(['--force', '--file', video, '--title', 'As JSON', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const outcome = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.equal(outcome.title, 'As JSON');
    assert.equal(outcome.privacyStatus, 'private');
    assert.equal(outcome.bytes, (await readFile(video)).length);
    assert.equal(outcome.url, `https://youtu.be/${outcome.id}`);
    assert.equal(outcome.resumed, false);
    assert.equal(outcome.retries, 0);
  });

  test('thumbnail, playlist, caption and --wait in one run', async () => {
    const captions = join(t.dir, 'talk.srt');
    await writeFile(captions, '1\n00:00:00,000 --> 00:00:01,000\nHello\n');
    const result = await t.run([
      '--force',
      '--file',
      video,
      '--thumbnail',
      fixture('thumbnail.png'),
      '--playlist',
      'Talks',
      '--create-playlist',
      '--caption',
      `${captions}:en`,
      '--wait',
      '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const outcome = JSON.parse(result.stdout) as {
      id: string;
      thumbnail: string;
      playlists: Array<{ title: string; created: boolean }>;
      captions: Array<{ language: string }>;
      processing: { state: string };
    };
    assert.ok(outcome.thumbnail);
    assert.deepEqual(
      outcome.playlists.map((p) => [p.title, p.created]),
      [['Talks', true]],
    );
    assert.deepEqual(
      outcome.captions.map((c) => c.language),
      ['en'],
    );
    assert.equal(outcome.processing.state, 'succeeded');
    const stored = t.sb.video(outcome.id) as { status?: { uploadStatus?: string } };
    assert.equal(stored.status?.uploadStatus, 'processed');
  });

  test("a step that fails after the upload still prints the id, and exits with that step's code", async () => {
    const result = await t.run(['--force', '--file', video, '--playlist', 'No such playlist']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /^[A-Za-z0-9_-]{11}\n$/);
    // One sentence, its second half in lower case (issue 27, item 9); the hint names upload's own flag (item 5).
    assert.match(
      result.stderr,
      /was uploaded, but none of your playlists has the id or title "No such playlist"/,
    );
    assert.match(result.stderr, /Add --create-playlist to create it/);
  });

  test('--chunk-size sends 256 KiB-aligned chunks (with a note when rounded) and --open opens the video page', async () => {
    const file = await makeVideo(join(t.dir, 'chunked.mp4'), 1024 * 1024 + 100);
    const opened: string[] = [];
    const mark = t.sb.requests.length;
    const result = await t.run(['--file', file, '--chunk-size', '300K', '--open'], {
      openUrl: async (url) => {
        opened.push(url);
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /rounded to 262144 bytes/);
    const chunks = t.since(mark).filter((r) => r.kind === 'upload-chunk' && r.bodyBytes > 0);
    assert.deepEqual(
      chunks.map((r) => r.firstByte),
      [0, 262144, 524288, 786432, 1048576],
    );
    assert.deepEqual(opened, [`https://youtu.be/${result.stdout.trim()}`]);
    const expected = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    assert.equal(t.sb.media(result.stdout.trim())?.sha256, expected);
  });
});
