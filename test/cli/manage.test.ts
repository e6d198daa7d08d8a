// This file tests managing existing videos through the CLI: update keeps fields, thumbnails, status, playlists.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jsonLines } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { type CliEnv, cliEnv } from './env.js';

async function upload(t: CliEnv, args: string[] = []): Promise<string> {
  const result = await t.run(['--force', '--file', fixture('sample.mp4'), ...args]);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim();
}

describe('vupload update', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  test('changing only the title leaves every other field exactly as it was', async () => {
    const id = await upload(t, [
      '--title',
      'Before',
      '--description',
      'Kept',
      '--tags',
      'a,b',
      '--category',
      '10',
      '--default-language',
      'en',
      '--localization',
      'fr:Avant:Gardé',
      '--publish-at',
      new Date(Date.now() + 86_400_000).toISOString(),
      '--license',
      'creativeCommon',
      '--no-embeddable',
      '--recording-date',
      '2026-02-03',
    ]);
    // Let processing finish so that only the update can change the resource.
    assert.equal((await t.run(['status', id, '--wait'])).code, 0);
    const before = structuredClone(t.sb.video(id)) as Record<string, Record<string, unknown>>;
    const result = await t.run(['update', id, '--title', 'After']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${id}\n`);
    const afterUpdate = structuredClone(t.sb.video(id)) as Record<string, Record<string, unknown>>;
    assert.equal(afterUpdate.snippet?.title, 'After');
    afterUpdate.snippet!.title = 'Before';
    // snippet.localized is read-only and mirrors the title in the default language.
    (afterUpdate.snippet!.localized as { title: string }).title = 'Before';
    for (const volatile of ['etag']) {
      delete before[volatile];
      delete afterUpdate[volatile];
    }
    assert.deepEqual(afterUpdate, before);
  });

  test('--dry-run prints the diff and sends no update', async () => {
    const id = await upload(t, ['--tags', 'x']);
    const mark = t.sb.requests.length;
    const result = await t.run(['update', id, '--add-tags', 'y', '--privacy', 'unlisted', '--dry-run']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /snippet\.tags: \["x"\] -> \["x","y"\]/);
    assert.match(result.stdout, /status\.privacyStatus: "private" -> "unlisted"/);
    assert.equal(t.since(mark).filter((r) => r.method === 'PUT').length, 0);
  });

  test('an invalid value exits 2 before anything is sent', async () => {
    const mark = t.sb.requests.length;
    const result = await t.run(['update', 'abcdefghijk', '--title', 'x'.repeat(101)]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--title/);
    assert.equal(t.since(mark).length, 0);
  });

  test('an unknown video exits 1 with videoNotFound', async () => {
    const result = await t.run(['update', 'doesNotExis', '--title', 'x']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /videoNotFound/);
  });

  test('an API refusal from the seed table maps to a message and exit 1', async () => {
    const id = await upload(t);
    t.sb.faults.add({
      on: { method: 'PUT', path: '/youtube/v3/videos' },
      status: 400,
      reason: 'invalidTags',
    });
    const result = await t.run(['update', id, '--tags', 'fine']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /invalidTags/);
  });
});

describe('vupload thumbnail, status, playlist, categories', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  test('thumbnail sets a PNG, refuses a GIF with nothing sent, and explains an unverified channel', async () => {
    const id = await upload(t);
    const ok = await t.run(['thumbnail', id, fixture('thumbnail.png')]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(t.sb.thumbnail(id)?.mimeType, 'image/png');
    const mark = t.sb.requests.length;
    const gif = await t.run(['thumbnail', id, fixture('not-an-image.gif')]);
    assert.equal(gif.code, 2);
    assert.equal(t.since(mark).length, 0);
    t.sb.setUser('sandbox-user', { customThumbnails: false });
    try {
      const forbidden = await t.run(['thumbnail', id, fixture('thumbnail.jpg')]);
      assert.equal(forbidden.code, 1);
      assert.match(forbidden.stderr, /verif/i);
    } finally {
      t.sb.setUser('sandbox-user', { customThumbnails: true });
    }
  });

  test('status --wait ends at succeeded (exit 0) or failed (non-zero, with the reason)', async () => {
    const good = await upload(t);
    const ok = await t.run(['status', good, '--wait', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).state, 'succeeded');
    const bad = await t.run(['--file', fixture('not-a-video.bin')]);
    assert.equal(bad.code, 0, bad.stderr);
    const failed = await t.run(['status', bad.stdout.trim(), '--wait']);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /failed/);
    assert.match(failed.stdout + failed.stderr, /invalidFile|not a video|invalid file/i);
  });

  test('an API answer cut short is asked again with a line on stderr, never read as empty (as videoNotFound)', async () => {
    const id = await upload(t);
    t.sb.faults.add({ on: 'api', shortResponse: 10 });
    const result = await t.run(['status', id, '--json']);
    t.sb.faults.clear();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).id, id);
    assert.match(result.stderr, /Retry 1 in \S+: videos\.list: the answer was cut short/);
  });

  test('status flags public asked for but private given (unaudited API project)', async () => {
    const id = await upload(t);
    const result = await t.run(['status', id, '--requested-privacy', 'public']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /private/i);
  });

  test('playlist add by title, playlist list --json, categories --json', async () => {
    const id = await upload(t);
    const missing = await t.run(['playlist', 'add', id, 'Holidays']);
    assert.equal(missing.code, 1);
    // This command's flag, not upload's --create-playlist (issue 27, item 5).
    assert.match(missing.stderr, /Add --create to create it/);
    assert.doesNotMatch(missing.stderr, /--create-playlist/);
    const created = await t.run(['playlist', 'add', id, 'Holidays', '--create']);
    assert.equal(created.code, 0, created.stderr);
    const again = await t.run(['playlist', 'add', id, 'Holidays', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /already in playlist "Holidays"/);
    const [line] = jsonLines<{ itemId: string; added: boolean; created: boolean }>(again.stdout);
    assert.deepEqual([line?.added, line?.created], [false, false]);
    assert.equal(line?.itemId, created.stdout.trim(), 'the item the first run added');
    const list = jsonLines<{
      title: string;
      itemCount: number;
    }>((await t.run(['playlist', 'list', '--json'])).stdout);
    // README's `id=$(vupload …); vupload playlist add "$id" Talks`, run twice: the video is in the playlist once.
    assert.equal(list.find((p) => p.title === 'Holidays')?.itemCount, 1);
    const categories = jsonLines<{ id: string }>((await t.run(['categories', '--json'])).stdout);
    assert.ok(categories.some((c) => c.id === '22'));
    assert.equal((await t.run(['categories', '--region', 'USA'])).code, 2);
  });
});
