// This file tests that content never comes from vupload's own directories and that manifests stay in their folder.
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixture } from '../helpers/paths.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

describe("content never comes from vupload's own directories; manifests stay in their folder", () => {
  let t: CliEnv;
  let tokenFile: string;
  let secrets: string[];
  before(async () => {
    t = await cliEnv();
    await t.login();
    tokenFile = join(t.env.VUPLOAD_CONFIG_DIR!, 'tokens', 'default.json');
    const stored = JSON.parse(await readFile(tokenFile, 'utf8')) as Record<string, string>;
    secrets = [stored.access_token!, stored.refresh_token!];
  });
  after(() => t.close());

  const leaks = (text: string) => secrets.some((s) => text.includes(s));

  test('a manifest line naming a token file is refused with its line and key, even with --allow-outside', async () => {
    const folder = join(t.dir, 'batch', 'sub');
    await mkdir(folder, { recursive: true });
    await makeVideo(join(folder, 'a.mp4'), 100_000);
    await makeVideo(join(folder, 'b.mp4'), 100_000);
    const manifest = join(folder, 'uploads.jsonl');
    await writeFile(
      manifest,
      [
        JSON.stringify({ file: 'a.mp4', title: 'fine' }),
        JSON.stringify({
          file: 'b.mp4',
          description_file: '../../config/tokens/default.json',
          privacy: 'public',
        }),
      ].join('\n'),
    );
    for (const extra of [[], ['--allow-outside']]) {
      const dry = await t.run(['batch', manifest, '--dry-run', ...extra]);
      assert.equal(dry.code, 2, dry.stderr);
      assert.match(
        dry.stderr,
        /uploads\.jsonl line 2: "description_file" .*default\.json: is inside vupload's config/,
      );
      assert.ok(!leaks(dry.stdout + dry.stderr), 'the dry run printed a token');
    }
    const mark = t.sb.requests.length;
    const real = await t.run(['batch', manifest, '--json']);
    assert.equal(real.code, 2, real.stderr);
    const inits = t.since(mark).filter((r) => r.kind === 'upload-init');
    assert.equal(inits.length, 1, 'only the good line was uploaded');
    assert.ok(!leaks(JSON.stringify(inits[0]?.json)), 'a token reached a description');
    const ids = real.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id?: string }).id)
      .filter((id): id is string => id !== undefined);
    assert.equal(ids.length, 1);
    assert.ok(!leaks(JSON.stringify(t.sb.video(ids[0]!))), 'a token reached the video');
  });

  test('manifest paths outside its folder need --allow-outside; symlinks are judged by where they lead', async () => {
    const folder = join(t.dir, 'm2');
    const outside = join(t.dir, 'elsewhere');
    await mkdir(folder, { recursive: true });
    await mkdir(outside, { recursive: true });
    for (const n of [1, 2, 3, 4]) await makeVideo(join(folder, `c${n}.mp4`), 100_000);
    await writeFile(join(outside, 'desc.txt'), 'A description kept elsewhere');
    await symlink(join(outside, 'desc.txt'), join(folder, 'linked.txt'));
    await symlink(tokenFile, join(folder, 'token-link.txt'));
    await copyFile(fixture('thumbnail.jpg'), join(outside, 'cover.jpg'));
    const manifest = join(folder, 'm.jsonl');
    const lines = [
      { file: 'c1.mp4', description_file: '../elsewhere/desc.txt' },
      { file: 'c2.mp4', description_file: 'linked.txt' },
      { file: 'c3.mp4', thumbnail: join(outside, 'cover.jpg') },
      { file: 'c4.mp4', description_file: 'token-link.txt' },
    ];
    await writeFile(manifest, lines.map((l) => JSON.stringify(l)).join('\n'));
    const confined = await t.run(['batch', manifest, '--dry-run']);
    assert.equal(confined.code, 2);
    for (const [line, key] of [
      [1, 'description_file'],
      [2, 'description_file'],
      [3, 'thumbnail'],
    ] as const) {
      assert.match(
        confined.stderr,
        new RegExp(`m\\.jsonl line ${line}: "${key}" .* is outside the manifest's folder .*--allow-outside`),
      );
    }
    assert.match(confined.stderr, /line 4: "description_file" .*token-link\.txt: is inside vupload's config/);

    const allowed = await t.run(['batch', manifest, '--dry-run', '--allow-outside']);
    assert.equal(allowed.code, 2, 'line 4 stays refused');
    assert.doesNotMatch(allowed.stderr, /line [123]:/);
    assert.match(allowed.stderr, /line 4: "description_file" .*token-link\.txt: is inside vupload's config/);
    assert.match(allowed.stdout, /A description kept elsewhere/);
    assert.ok(!leaks(allowed.stdout + allowed.stderr));
  });

  test("no flag reads vupload's config or state as content: each is refused with exit 2, nothing sent", async () => {
    const video = await makeVideo(join(t.dir, 'flags.mp4'), 100_000);
    const state = t.env.VUPLOAD_STATE_DIR!;
    await mkdir(state, { recursive: true });
    const stateVideo = await makeVideo(join(state, 'inside.mp4'), 100_000);
    const mark = t.sb.requests.length;
    const cases: Array<[string, string[]]> = [
      ['--description-file', ['--file', video, '--description-file', tokenFile]],
      ['--metadata', ['--file', video, '--metadata', tokenFile]],
      ['--thumbnail', ['--file', video, '--thumbnail', tokenFile]],
      ['--caption', ['--file', video, '--caption', `${tokenFile}:en`]],
      ['--file', ['--file', stateVideo]],
      ['--file', ['upload', join(t.env.VUPLOAD_CONFIG_DIR!, 'tokens', '..', 'tokens', 'default.json')]],
      ['--description-file', ['update', 'abcdefghijk', '--description-file', tokenFile]],
      ['thumbnail file', ['thumbnail', 'abcdefghijk', tokenFile]],
    ];
    for (const [flag, argv] of cases) {
      for (const dry of [['--dry-run'], []]) {
        if (dry.length > 0 && (argv[0] === 'thumbnail' || argv[0] === 'update')) continue;
        const result = await t.run([...argv, ...dry]);
        assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`);
        const named = flag === '--file' && argv[0] === 'upload' ? 'file' : flag;
        assert.ok(result.stderr.includes(named), `${argv.join(' ')} names ${named}: ${result.stderr}`);
        assert.match(result.stderr, /is inside vupload's (config|state) directory/);
        assert.ok(!leaks(result.stdout + result.stderr));
      }
    }
    assert.deepEqual(t.since(mark), [], 'nothing was sent');
  });
});
