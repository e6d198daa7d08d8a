// This file checks what a Vimeo upload says and exits with when it cannot go on: quota (ours and Vimeo's own
// refusal: exit 4, with the numbers), a revoked login (exit 3, naming the login), Vimeo's validation (exit 2, its
// error quoted), and bad input refused before anything is sent (exit 2, naming the flag).
import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { parseVimeoError, vimeoHttpError } from '../../../src/providers/vimeo/errors.js';
import { makeVideo } from '../../cli/video-file.js';
import { jsonLines } from '../../helpers/cli.js';
import { type VimeoWorld, vimeoWorld } from './helpers.js';

let w: VimeoWorld;
before(async () => {
  w = await vimeoWorld();
});
afterEach(() => {
  w.sb.faults.clear();
  w.sb.setUser('sandbox-user', { quota: { lifetime: { max: 1024 ** 4 }, periodic: { max: null } } });
});
after(() => w.close());

const creates = (mark: number) => w.since(mark).filter((e) => e.method === 'POST' && e.path === '/me/videos');

describe('Vimeo errors', () => {
  test('a file larger than the free space: exit 4 with the numbers, before anything is created', async () => {
    const file = await makeVideo(join(w.dir, 'big.mp4'), 60_000);
    const used = (w.sb.quota() as { lifetime: { used: number } }).lifetime.used;
    w.sb.setUser('sandbox-user', { quota: { lifetime: { max: used + 50_000 } } });
    const mark = w.sb.requests.length;
    const r = await w.run(['upload', file, '--provider', 'vimeo', '--json']);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /60000 bytes.*does not fit in the account's total space: .*50000 bytes\) free/);
    assert.equal(creates(mark).length, 0);
    assert.equal(jsonLines(r.stdout).at(-1)?.error && 'quotaExceeded', 'quotaExceeded');
  });

  test("the week's allowance too (periodic), with its reset date", async () => {
    const file = await makeVideo(join(w.dir, 'week.mp4'), 60_000);
    w.sb.setUser('sandbox-user', { quota: { periodic: { max: 10_000, used: 0 } } });
    const r = await w.run(['upload', file, '--provider', 'vimeo']);
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /allowance of this period.*resets at \d{4}-/);
  });

  test("Vimeo's own refusal of the create (403, error_code 4101) is exit 4 too, quoting Vimeo", async () => {
    const file = await makeVideo(join(w.dir, 'refused.mp4'), 20_000);
    w.sb.faults.add({
      on: 'upload-init',
      status: 403,
      reason: '4101',
      message: 'You don’t have enough space.',
    });
    const mark = w.sb.requests.length;
    const r = await w.run(['upload', file, '--provider', 'vimeo']);
    assert.equal(r.code, 4, r.stderr);
    assert.match(
      r.stderr,
      /Vimeo refused to upload refused\.mp4: "You don.t have enough space\." .*\(error_code 4101\)/,
    );
    assert.equal(w.since(mark).filter((e) => e.host === 'upload').length, 0, 'no byte sent');
  });

  test('a revoked token: exit 3, naming how to log in again', async () => {
    const file = await makeVideo(join(w.dir, 'revoked.mp4'), 20_000);
    const token = w.sb.mintToken();
    w.sb.revokeToken(token);
    const r = await w.run(['upload', file, '--provider', 'vimeo'], { env: { VUPLOAD_VIMEO_TOKEN: token } });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /vupload auth login --provider vimeo/);
    assert.doesNotMatch(r.stderr, new RegExp(token));
  });

  test("Vimeo's validation error (400 2204) is exit 2 with its words and the fields it names", async () => {
    const file = await makeVideo(join(w.dir, 'invalid.mp4'), 20_000);
    w.sb.faults.add({ on: 'upload-init', status: 400, message: 'You have provided an invalid parameter.' });
    const r = await w.run(['upload', file, '--provider', 'vimeo']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /"You have provided an invalid parameter\." .*\(error_code 2204\)/);
  });

  test('a pipe is refused with exit 2, saying why', async () => {
    const r = await w.run(['upload', '-', '--provider', 'vimeo', '--title', 'Live'], { stdin: 'bytes' });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /needs the size of the whole video when the video is created/);
  });

  test('flags with no meaning on Vimeo are refused, naming them, before any request', async () => {
    const file = await makeVideo(join(w.dir, 'flags.mp4'), 20_000);
    const mark = w.sb.requests.length;
    for (const flags of [
      ['--tags', 'a,b'],
      ['--category', '22'],
      ['--made-for-kids'],
      ['--publish-at', '2030-01-01T00:00:00Z'],
    ]) {
      const r = await w.run(['upload', file, '--provider', 'vimeo', ...flags]);
      assert.equal(r.code, 2, `${flags[0]}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`${flags[0]} is not available with the vimeo provider`));
    }
    assert.equal(w.since(mark).length, 0);
  });

  test('bad values: privacy, password file, folder flags, caption format; exit 2, nothing sent', async () => {
    const file = await makeVideo(join(w.dir, 'bad.mp4'), 20_000);
    const open = join(w.dir, 'open-pass.txt');
    await writeFile(open, 'x\n');
    await chmod(open, 0o644);
    const mine = join(w.dir, 'pass.txt');
    await writeFile(mine, 'pw\n');
    await chmod(mine, 0o600);
    const srt = join(w.dir, 'subs.txt');
    await writeFile(srt, 'hello');
    const mark = w.sb.requests.length;
    const cases: Array<[string[], RegExp]> = [
      [
        ['--privacy', 'friends'],
        /--privacy: "friends" is not one of Vimeo's anybody, nobody, unlisted, password, disable/,
      ],
      [['--privacy', 'password'], /--privacy password needs --password-file/],
      [['--password-file', mine], /--password-file is only for --privacy password/],
      [['--privacy', 'password', '--password-file', open], /other users can read it.*chmod 600/s],
      [['--privacy', 'password', '--password-file', file], /is also given as content/],
      [['--create-folder'], /--create-folder needs --folder/],
      [['--create-playlist'], /--create-playlist needs --playlist/],
      [['--caption', `${srt}:en`], /Vimeo takes \.vtt, \.srt/],
      [['--thumbnail', file], /not a JPEG, PNG, GIF or WebP/],
    ];
    for (const [flags, message] of cases) {
      const r = await w.run(['upload', file, '--provider', 'vimeo', ...flags]);
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, flags.join(' '));
    }
    assert.equal(w.since(mark).length, 0);
  });
});

describe('vupload quota --provider vimeo, and credential files', () => {
  test("shows Vimeo's upload_quota, and --json the numbers", async () => {
    w.sb.setUser('sandbox-user', { quota: { periodic: { max: 5_000_000, used: 1_000 } } });
    const r = await w.run(['quota', '--provider', 'vimeo', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [line] = jsonLines(r.stdout);
    assert.equal(line!.provider, 'vimeo');
    assert.deepEqual((line!.periodic as { max: number; free: number }).max, 5_000_000);
    assert.equal((line!.periodic as { free: number }).free, 5_000_000 - 1_000);
    const text = await w.run(['quota', '--provider', 'vimeo']);
    assert.match(text.stdout, /this period: .* free of 4\.8 MiB; resets \d{4}-/);
  });

  test("Vimeo's client file is never content", async () => {
    const file = await makeVideo(join(w.dir, 'cred.mp4'), 20_000);
    const client = join(w.dir, 'vimeo-client.json');
    await writeFile(client, '{"client_id":"x","client_secret":"y"}');
    const r = await w.run(['upload', file, '--provider', 'vimeo', '--description-file', client]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /a Vimeo client file/);
  });
});

describe("Vimeo's error JSON", () => {
  test('is read and mapped: 401 → 3, quota codes → 4, 400 → 2, 429/5xx → 5, 404 → 1', () => {
    const body = (code: number, extra = {}) =>
      JSON.stringify({ error: 'E', developer_message: 'D', error_code: code, link: null, ...extra });
    const where = { method: 'POST', path: '/me/videos', action: 'create the video' };
    assert.equal(vimeoHttpError(401, body(8000), where).exitCode, 3);
    assert.equal(vimeoHttpError(403, body(4102), where).exitCode, 4);
    assert.equal(vimeoHttpError(400, body(2204), where).exitCode, 2);
    assert.equal(vimeoHttpError(429, body(9000), where).exitCode, 5);
    assert.equal(vimeoHttpError(503, 'not json', where).exitCode, 5);
    assert.equal(vimeoHttpError(404, body(5000), where).exitCode, 1);
    assert.equal(
      vimeoHttpError(403, body(8004, { error: 'Your access token does not have the "edit" scope' }), where)
        .exitCode,
      3,
    );
    const info = parseVimeoError(
      body(2204, { invalid_parameters: [{ field: 'name', error: 'name: too long', error_code: 2204 }] }),
    );
    assert.deepEqual(info, {
      error: 'E',
      developerMessage: 'D',
      errorCode: 2204,
      invalid: [{ field: 'name', error: 'name: too long' }],
    });
    assert.equal(
      vimeoHttpError(400, body(2204, { invalid_parameters: [{ field: 'name', error: 'too long' }] }), where)
        .message,
      'Vimeo refused to create the video: "E" — "D" (error_code 2204) [name: too long].',
    );
  });
});
