// This file drives PeerTube uploads through the CLI against the emulator (uploadx itself): intact bytes in one
// request and in chunks, stdout and --json, never twice per instance and account, the pipe refused, the quota,
// the steps (each asked first), status, update, and PeerTube's errors mapped to exit codes with its detail quoted.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeVideo } from '../../cli/video-file.js';
import { jsonLines } from '../../helpers/cli.js';
import { fixture } from '../../helpers/paths.js';
import { PEERTUBE_SANDBOX_USER, type PtEnv, ptEnv } from './helpers.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const PT = ['--provider', 'peertube'];

describe('vupload upload --provider peertube', () => {
  let t: PtEnv;
  before(async () => {
    t = await ptEnv();
    await t.login();
  });
  after(() => t.close());

  test('one request: stdout is the shortUUID; --json adds uuid and the INSTANCE/w/ page; the bytes are intact', async () => {
    const file = await makeVideo(join(t.dir, 'one.mp4'), 300_000);
    const r = await t.run(['upload', file, ...PT, '--title', 'One request', '--tags', 'aa,bb', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [out] = jsonLines<{ id: string; uuid: string; url: string; numericId: number }>(r.stdout);
    assert.equal(out!.url, `${t.sb.url}/w/${out!.id}`);
    const video = t.sb.video(out!.id)!;
    assert.equal(video.uuid, out!.uuid);
    assert.equal(video.name, 'One request');
    assert.deepEqual(video.tags, ['aa', 'bb']);
    assert.equal((video.privacy as { id: number }).id, 3, 'private unless --privacy says otherwise');
    assert.deepEqual(await t.sb.media(out!.id), { size: 300_000, sha256: sha256(await readFile(file)) });
    const plain = await t.run(['upload', await makeVideo(join(t.dir, 'two.mp4'), 1000), ...PT]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^[1-9A-HJ-NP-Za-km-z]{22}\n$/);
  });

  test('chunks: every chunk goes with Content-Range from the server offset; flags map to PeerTube fields', async () => {
    const file = await makeVideo(join(t.dir, 'chunks.mp4'), 3 * 1024 * 1024 + 17);
    const mark = t.sb.requests.length;
    const r = await t.run([
      'upload',
      file,
      ...PT,
      '--chunk-size',
      '1M',
      '--privacy',
      'unlisted',
      '--category',
      '15',
      '--licence',
      '7',
      '--language',
      'fr',
      '--nsfw',
      '--comments',
      'disabled',
      '--description',
      'A description',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const id = r.stdout.trim();
    const chunks = t.since(mark).filter((q) => q.kind === 'upload-chunk');
    assert.equal(chunks.length, 4);
    const init = t.since(mark).find((q) => q.kind === 'upload-init')!;
    assert.equal(init.headers['x-upload-content-length'], String(3 * 1024 * 1024 + 17));
    assert.equal(init.headers['x-upload-content-type'], 'video/mp4');
    const v = t.sb.video(id)!;
    const ids = (k: string) => (v[k] as { id: unknown }).id;
    assert.deepEqual(
      [ids('privacy'), ids('category'), ids('licence'), ids('language'), v.nsfw, ids('commentsPolicy')],
      [2, 15, 7, 'fr', true, 2],
    );
    assert.deepEqual(await t.sb.media(id), {
      size: 3 * 1024 * 1024 + 17,
      sha256: sha256(await readFile(file)),
    });
  });

  test('never twice per instance and account: the same file again sends nothing and prints the same id', async () => {
    const file = await makeVideo(join(t.dir, 'again.mp4'), 50_000);
    const first = await t.run(['upload', file, ...PT]);
    assert.equal(first.code, 0, first.stderr);
    const mark = t.sb.requests.length;
    const second = await t.run(['upload', file, ...PT, '--json']);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(
      jsonLines<{ id: string; alreadyUploaded: boolean }>(second.stdout)[0]!.alreadyUploaded,
      true,
    );
    assert.equal(jsonLines<{ id: string }>(second.stdout)[0]!.id, first.stdout.trim());
    assert.equal(t.since(mark).length, 0);
    // Another profile logged in to the same account is the same account: still once.
    await t.login('same-account');
    const third = await t.run(['upload', file, ...PT, '--profile', 'same-account']);
    assert.equal(third.code, 0, third.stderr);
    assert.equal(third.stdout.trim(), first.stdout.trim());
    const history = jsonLines<{ id: string; profile: string }>((await t.run(['history', '--json'])).stdout);
    assert.equal(
      history.find((h) => h.id === first.stdout.trim())!.profile,
      `sandbox@127.0.0.1:${t.sb.port}`,
    );
  });

  test('the same file goes once to each instance', async () => {
    const other = await ptEnv();
    try {
      const file = await makeVideo(join(t.dir, 'both.mp4'), 20_000);
      const here = await t.run(['upload', file, ...PT]);
      assert.equal(here.code, 0, here.stderr);
      // The other instance, with this test's state (one journal for both) and a profile logged in there.
      const env = { VUPLOAD_PEERTUBE_URL: other.sb.url };
      const log = await t.run(['auth', 'login', ...PT, '--username', 'sandbox', '--profile', 'other'], {
        env: { ...env, VUPLOAD_PEERTUBE_PASSWORD: PEERTUBE_SANDBOX_USER.password },
      });
      assert.equal(log.code, 0, log.stderr);
      const there = await t.run(['upload', file, ...PT, '--profile', 'other'], { env });
      assert.equal(there.code, 0, there.stderr);
      assert.notEqual(there.stdout.trim(), here.stdout.trim());
      assert.ok(other.sb.video(there.stdout.trim()));
      const again = await t.run(['upload', file, ...PT, '--profile', 'other'], { env });
      assert.equal(again.stdout.trim(), there.stdout.trim());
      assert.match(again.stderr, /already uploaded/);
    } finally {
      await other.close();
    }
  });

  test('a kept session given up for good (--restart) is ended with DELETE: uploadx frees what it held', async () => {
    const file = await makeVideo(join(t.dir, 'restart.mp4'), 600_000);
    t.sb.faults.add({ on: 'upload-chunk', cutAfterBytes: 100_000 });
    const cut = await t.run(['upload', file, ...PT, '--retries', '0']);
    t.sb.faults.clear();
    assert.equal(cut.code, 5, cut.stderr);
    const location = t.sb.requests.filter((q) => q.kind === 'upload-chunk').at(-1)!;
    const kept = location.uploadId!;
    assert.ok(await t.sb.upload(kept), 'uploadx holds the first bytes');
    const mark = t.sb.requests.length;
    const again = await t.run(['upload', file, ...PT, '--restart']);
    assert.equal(again.code, 0, again.stderr);
    assert.ok(t.since(mark).some((q) => q.method === 'DELETE' && q.uploadId === kept));
    assert.equal(await t.sb.upload(kept), undefined, 'the given-up session is gone');
  });

  test('a pipe is refused with exit 2 and why: PeerTube needs the size first', async () => {
    const mark = t.sb.requests.length;
    const r = await t.run(['upload', '-', ...PT, '--title', 'Live'], { stdin: 'bytes' });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /X-Upload-Content-Length/);
    assert.equal(t.since(mark).length, 0);
  });

  test('flags with no meaning on PeerTube are refused, naming them; a dry run sends nothing', async () => {
    const file = await makeVideo(join(t.dir, 'flags.mp4'), 1000);
    const mark = t.sb.requests.length;
    for (const flag of [
      ['--publish-at', '2099-01-01T00:00:00Z'],
      ['--made-for-kids'],
      ['--license', 'youtube'],
    ]) {
      const r = await t.run(['upload', file, ...PT, ...flag]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`${flag[0]}.*not available with the peertube provider`));
    }
    const dry = await t.run(['upload', file, ...PT, '--dry-run', '--channel', 'sandbox_channel', '--json']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /upload-resumable/);
    assert.equal(t.since(mark).length, 0);
  });

  test('the quota: a file that does not fit exits 4 with the numbers before any upload; quota shows them', async () => {
    t.sb.setUser('sandbox', { videoQuota: 10_000_000 });
    try {
      const used = Number(
        JSON.parse((await t.run(['quota', ...PT, '--json'])).stdout).videoQuotaUsed as number,
      );
      const file = await makeVideo(join(t.dir, 'big.mp4'), 10_000_000 - used);
      const mark = t.sb.requests.length;
      const r = await t.run(['upload', file, ...PT]);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, new RegExp(`${used} of 10000000 bytes used`));
      assert.equal(t.since(mark).filter((q) => q.kind === 'upload-init').length, 0);
      const show = await t.run(['quota', ...PT]);
      assert.match(show.stdout, /total: .* used of 9\.5 MiB \(10000000 bytes\)/);
    } finally {
      t.sb.setUser('sandbox', { videoQuota: -1 });
    }
  });

  test('steps: thumbnail, a playlist created once and the video added once, a caption, --wait until published', async () => {
    const file = await makeVideo(join(t.dir, 'steps.mp4'), 30_000);
    const caption = join(t.dir, 'subs.vtt');
    await writeFile(caption, 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n');
    const args = [
      'upload',
      file,
      ...PT,
      '--thumbnail',
      fixture('thumbnail.png'),
      '--playlist',
      'Talks',
      '--create-playlist',
      '--caption',
      `${caption}:en`,
      '--wait',
      '--json',
    ];
    const r = await t.run(args);
    assert.equal(r.code, 0, r.stderr);
    const out = jsonLines<{
      id: string;
      playlists: Array<{ created: boolean }>;
      processing: { state: { id: number } };
    }>(r.stdout)[0]!;
    assert.equal(out.playlists[0]!.created, true);
    assert.equal(out.processing.state.id, 1);
    assert.ok(t.sb.thumbnail(out.id));
    assert.deepEqual(
      t.sb.captions(out.id).map((c) => c.language),
      ['en'],
    );
    const talks = () => t.sb.playlists().filter((p) => p.displayName === 'Talks');
    assert.equal(talks().length, 1);
    const numeric = (t.sb.video(out.id)!.id as number) ?? 0;
    assert.deepEqual(talks()[0]!.videoIds, [numeric]);
    // Another video to the same playlist: found by its name, not created again.
    const second = await t.run([
      'upload',
      await makeVideo(join(t.dir, 'steps2.mp4'), 30_000),
      ...PT,
      '--playlist',
      'Talks',
    ]);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(talks().length, 1);
    assert.equal(talks()[0]!.videoIds.length, 2);
    // A playlist that does not exist, without --create-playlist: exit 1, as for YouTube (the video was sent: not
    // exit 2, which says nothing was); the hint names the way out; the video stays.
    const missing = await t.run([
      'upload',
      await makeVideo(join(t.dir, 'steps3.mp4'), 30_000),
      ...PT,
      '--playlist',
      'Nope',
    ]);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /--create-playlist/);
  });

  test('status and update of a PeerTube video; update --dry-run sends nothing', async () => {
    const file = await makeVideo(join(t.dir, 'upd.mp4'), 5000);
    const id = (await t.run(['upload', file, ...PT, '--title', 'Before'])).stdout.trim();
    const status = await t.run(['status', ...PT, id, '--json']);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).title, 'Before');
    const mark = t.sb.requests.length;
    const dry = await t.run(['update', ...PT, id, '--title', 'After', '--licence', '2', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /name: "Before" -> "After"/);
    assert.ok(t.since(mark).every((q) => q.method === 'GET'));
    const upd = await t.run(['update', ...PT, id, '--title', 'After', '--add-tags', 'new1']);
    assert.equal(upd.code, 0, upd.stderr);
    const v = t.sb.video(id)!;
    assert.equal(v.name, 'After');
    assert.deepEqual(v.tags, ['new1']);
    const yt = await t.run(['update', id, '--licence', '2']);
    assert.equal(yt.code, 2);
    assert.match(yt.stderr, /--licence.*not available with the youtube provider/);
  });

  test("PeerTube's errors: a 400 exits 2 quoting its detail; a 401 refreshes once, then exits 3 naming the login", async () => {
    const file = await makeVideo(join(t.dir, 'err.mp4'), 2000);
    const bad = await t.run(['upload', file, ...PT, '--category', '999']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /PeerTube answered 400 "Incorrect request parameters: category"/);
    // The access token is refused: one refresh (a new pair), then the upload goes on.
    t.sb.faults.add({ on: 'upload-init', status: 401, times: 1 });
    const mark = t.sb.requests.length;
    const once = await t.run(['upload', file, ...PT, '--title', 'After 401']);
    assert.equal(once.code, 0, once.stderr);
    assert.equal(t.since(mark).filter((q) => q.form?.grant_type === 'refresh_token').length, 1);
    t.sb.faults.add({ on: 'api', status: 401, times: 5 });
    const twice = await t.run(['quota', ...PT]);
    t.sb.faults.clear();
    assert.equal(twice.code, 3, twice.stderr);
    assert.match(twice.stderr, /vupload auth login --provider peertube/);
  });

  test('a REST call PeerTube answers 503 is tried again with a line on stderr, not a silent wait', async () => {
    t.sb.faults.add({ on: 'api', status: 503, times: 1 });
    const r = await t.run(['quota', ...PT]);
    t.sb.faults.clear();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Retry 1 in \S+: the instance answered 503 to GET \/api\/v1\/users\/me/);
  });

  test('a REST answer cut short is asked again, never read as empty', async () => {
    t.sb.faults.add({ on: 'api', shortResponse: 10, times: 1 });
    const r = await t.run(['quota', ...PT, '--json']);
    t.sb.faults.clear();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Retry 1 in \S+: the instance's answer to GET \/api\/v1\/users\/me was cut short/);
    assert.ok(jsonLines(r.stdout)[0]!.videoQuota !== undefined, r.stdout);
  });

  test('no password, refresh token or access token appears on stdout or stderr, even with --verbose', async () => {
    const tokens = JSON.parse(
      await readFile(join(t.env.VUPLOAD_CONFIG_DIR!, 'peertube-tokens', 'default.json'), 'utf8'),
    );
    t.sb.faults.add({ on: 'upload-chunk', status: 500, times: 1 });
    t.sb.faults.add({ on: 'api', status: 401, times: 10 });
    const file = await makeVideo(join(t.dir, 'secret.mp4'), 3000);
    const r = await t.run(['upload', file, ...PT, '--verbose', '--json']);
    t.sb.faults.clear();
    const all = r.stdout + r.stderr;
    for (const secret of [
      PEERTUBE_SANDBOX_USER.password,
      tokens.access_token,
      tokens.refresh_token,
      tokens.client_secret,
    ])
      assert.ok(!all.includes(secret), `a secret appeared: ${all}`);
    assert.ok(!/upload_id=[^R&]/.test(all), 'the upload id is redacted');
  });
});
