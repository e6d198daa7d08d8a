// This file tests the smaller hostile inputs of issue 29 (item 12): text that is not UTF-8, manifest keys every object
// inherits, unknown categories, control characters in `vupload history`, and state directories that cannot work.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawnCli } from '../helpers/cli.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

describe('hostile inputs (issue 29, item 12)', () => {
  let t: CliEnv;
  let video: string;
  before(async () => {
    t = await cliEnv();
    await t.login();
    video = await makeVideo(join(t.dir, 'talk.mp4'), 50_000);
  });
  after(() => t.close());

  test('a description or metadata file that is not UTF-8 is refused with where the bad byte is; nothing sent', async () => {
    // "Café" in Latin-1 on line 2: 0xE9 alone is not UTF-8 (Node would send U+FFFD in its place).
    const latin1 = Buffer.concat([
      Buffer.from('Line one\nCaf'),
      Buffer.from([0xe9]),
      Buffer.from(' au lait\n'),
    ]);
    await writeFile(join(t.dir, 'desc.txt'), latin1);
    await writeFile(
      join(t.dir, 'meta.json'),
      Buffer.concat([Buffer.from('{"snippet":{"title":"Caf'), Buffer.from([0xe9]), Buffer.from('"}}')]),
    );
    await makeVideo(join(t.dir, 'entry.mp4'), 50_000);
    await writeFile(
      join(t.dir, 'latin1.jsonl'),
      `${JSON.stringify({ file: 'entry.mp4', description_file: 'desc.txt' })}\n`,
    );
    const mark = t.sb.requests.length;
    const cases: Array<[string[], RegExp]> = [
      [
        ['upload', video, '--description-file', 'desc.txt'],
        /--description-file .*desc\.txt: is not UTF-8 text \(byte 12, on line 2, is 0xe9\)/,
      ],
      [
        ['upload', video, '--metadata', 'meta.json'],
        /--metadata .*meta\.json: is not UTF-8 text \(byte 24, on line 1, is 0xe9\)/,
      ],
      [['update', 'abcdefghijk', '--description-file', 'desc.txt'], /desc\.txt: is not UTF-8 text/],
      [['batch', 'latin1.jsonl'], /latin1\.jsonl line 1 .*desc\.txt: is not UTF-8 text/],
    ];
    for (const [argv, message] of cases) {
      const result = await t.run(argv);
      assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    assert.equal(t.since(mark).length, 0, 'nothing was sent');
    // UTF-8 with a byte order mark is text: the mark is not part of it.
    await writeFile(join(t.dir, 'bom.txt'), '\uFEFFCafé au lait');
    const ok = await t.run(['upload', video, '--description-file', 'bom.txt', '--title', 'BOM']);
    assert.equal(ok.code, 0, ok.stderr);
    const sent = t.since(mark).find((r) => r.kind === 'upload-init')?.json as {
      snippet: { description: string };
    };
    assert.equal(sent.snippet.description, 'Café au lait');
  });

  test('manifest keys every object inherits (__proto__, constructor, toString) are unknown keys, in JSON Lines and CSV', async () => {
    await makeVideo(join(t.dir, 'm.mp4'), 50_000);
    const lines = ['{"file": "m.mp4", "__proto__": {"x": 1}}', '{"file": "m.mp4", "constructor": "x"}'];
    lines.push('{"file": "m.mp4", "toString": "x"}');
    await writeFile(join(t.dir, 'inherited.jsonl'), `${lines.join('\n')}\n`);
    await writeFile(join(t.dir, 'inherited.csv'), 'file,constructor\nm.mp4,x\n');
    const mark = t.sb.requests.length;
    const jsonl = await t.run(['batch', 'inherited.jsonl', '--dry-run']);
    assert.equal(jsonl.code, 2, jsonl.stderr);
    for (const [line, key] of [
      [1, '__proto__'],
      [2, 'constructor'],
      [3, 'toString'],
    ] as const)
      assert.ok(jsonl.stderr.includes(`inherited.jsonl line ${line}: unknown key "${key}"`), jsonl.stderr);
    const csv = await t.run(['batch', 'inherited.csv', '--dry-run']);
    assert.equal(csv.code, 2, csv.stderr);
    assert.match(csv.stderr, /unknown column constructor/);
    assert.equal(t.since(mark).length, 0);
  });

  test('--category must be a category a video can be given: 99999 and 18 are refused before anything is sent', async () => {
    const mark = t.sb.requests.length;
    for (const argv of [
      ['upload', video, '--category', '99999'],
      ['upload', video, '--category', '18'],
      ['update', 'abcdefghijk', '--category', '99999'],
    ]) {
      const result = await t.run(argv);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /--category: \d+ is not a category a video can be given/);
      assert.match(result.stderr, /22 People & Blogs/);
    }
    await writeFile(join(t.dir, 'cat.json'), '{"snippet": {"categoryId": 99999}}');
    const file = await t.run(['upload', video, '--metadata', 'cat.json']);
    assert.equal(file.code, 2, file.stderr);
    assert.match(file.stderr, /--metadata cat\.json \(snippet\.categoryId\): 99999 is not a category/);
    assert.equal(t.since(mark).length, 0);
  });

  test("a newline and tabs in a file name add no line or field to `vupload history`'s plain output", async () => {
    const odd = await makeVideo(join(t.dir, 'odd\n2030-01-01T00:00:00.000Z\tforged\tname.mp4'), 30_000);
    const up = await t.run(['upload', odd]);
    assert.equal(up.code, 0, up.stderr);
    const history = await t.run(['history']);
    assert.equal(history.code, 0, history.stderr);
    const lines = history.stdout.trimEnd().split('\n');
    const line = lines.find((l) => l.includes(up.stdout.trim()));
    assert.ok(line, history.stdout);
    assert.equal(line.split('\t').length, 5, line);
    assert.ok(line.endsWith('odd\\n2030-01-01T00:00:00.000Z\\tforged\\tname.mp4'), line);
    assert.ok(!lines.some((l) => l.startsWith('2030-01-01')), 'a forged line');
  });

  test('VUPLOAD_STATE_DIR=/proc/self fails at once naming the folder (no endless mkdir loop)', {
    timeout: 30_000,
  }, async () => {
    const run = spawnCli(['upload', video, '--title', 'proc'], {
      cwd: t.dir,
      env: { ...t.env, VUPLOAD_STATE_DIR: '/proc/self' },
    });
    const started = Date.now();
    // On the code before the fix the process spins for ever and ignores SIGTERM: stop it for good after 10 s.
    const killer = setTimeout(() => run.child.kill('SIGKILL'), 10_000);
    const result = await run;
    clearTimeout(killer);
    assert.ok(Date.now() - started < 10_000, `still running after 10 s: ${result.stderr}`);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /Could not create the folder \/proc\/self\/\w+: no such file/);
  });

  test('a relative VUPLOAD_STATE_DIR or VUPLOAD_CONFIG_DIR is refused; a relative XDG_STATE_HOME is ignored', async () => {
    const mark = t.sb.requests.length;
    for (const name of ['VUPLOAD_STATE_DIR', 'VUPLOAD_CONFIG_DIR']) {
      const result = await t.run(['upload', video, '--title', 'rel'], { env: { [name]: 'state-here' } });
      assert.equal(result.code, 2, result.stderr);
      assert.ok(result.stderr.includes(`${name} "state-here": not an absolute path`), result.stderr);
      assert.ok(result.stderr.includes(`${name}="$PWD/state-here"`), result.stderr);
    }
    assert.equal(t.since(mark).length, 0);
    // Without VUPLOAD_STATE_DIR, a relative XDG_STATE_HOME is not a base: ~/.local/state/vupload is (HOME = t.dir).
    const env = { ...t.env, XDG_STATE_HOME: 'xdg-relative' } as Record<string, string | undefined>;
    delete env.VUPLOAD_STATE_DIR;
    const run = spawnCli(['upload', video, '--title', 'xdg', '--force'], {
      cwd: t.dir,
      env: env as Record<string, string>,
    });
    const result = await run;
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!existsSync(join(t.dir, 'xdg-relative')), 'a relative XDG_STATE_HOME was used');
    assert.ok(existsSync(join(t.dir, '.local', 'state', 'vupload', 'history.jsonl')));
  });
});
