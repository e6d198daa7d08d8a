// This file tests that every way out of "YouTube answered quotaExceeded" that vupload names works (issue 27, item 1):
// an explicit --quota asks YouTube again, `vupload quota reset` forgets the mark, and a second answer marks it again.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jsonLines } from '../helpers/cli.js';
import { type CliEnv, cliEnv } from './env.js';
import { makeVideo } from './video-file.js';

describe('after quotaExceeded, each hint works', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login();
  });
  after(() => t.close());

  /** Upload requests (session starts and data) the sandbox saw since `mark`. */
  const uploadRequests = (mark: number) => t.since(mark).filter((r) => r.kind.startsWith('upload')).length;

  test('--quota N asks YouTube again, a second quotaExceeded is marked again, quota reset forgets it', async () => {
    const [one, two, three, four] = await Promise.all(
      ['one', 'two', 'three', 'four'].map((name) => makeVideo(join(t.dir, `${name}.mp4`), 30_000)),
    );
    // YouTube's project quota is spent (by other programs, say).
    t.sb.setQuotaUsed(1_000_000_000);
    const seen = await t.run(['upload', one!]);
    assert.equal(seen.code, 4, seen.stderr);

    let mark = t.sb.requests.length;
    const stopped = await t.run(['upload', one!]);
    assert.equal(stopped.code, 4, stopped.stderr);
    assert.equal(uploadRequests(mark), 0, 'the mark stops the run before it asks YouTube');
    assert.match(stopped.stderr, /--quota N .* to ask YouTube again, or `vupload quota reset` to forget/);
    assert.doesNotMatch(stopped.stderr, /--force/);

    // The project gets a larger quota (the sandbox restarted with one): the hint's --quota N goes through.
    t.sb.setQuotaUsed(0);
    mark = t.sb.requests.length;
    const again = await t.run(['upload', one!, '--quota', '1000000']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout.trim(), /^[\w-]{11}$/);
    assert.match(again.stderr, /asking it again, as --quota 1000000 was given/);
    assert.ok(uploadRequests(mark) > 0);

    // The server's answer decides: spent again, the second quotaExceeded is recorded again.
    t.sb.setQuotaUsed(1_000_000_000);
    const second = await t.run(['upload', two!, '--quota', '1000000']);
    assert.equal(second.code, 4, second.stderr);
    mark = t.sb.requests.length;
    const marked = await t.run(['upload', two!]);
    assert.equal(marked.code, 4, marked.stderr);
    assert.match(marked.stderr, /YouTube answered quotaExceeded earlier today for default/);
    assert.equal(uploadRequests(mark), 0);
    const shown = jsonLines<{ profile: string; exhausted: boolean }>(
      (await t.run(['quota', '--json', '--profile', 'default'])).stdout,
    );
    assert.equal(shown[0]?.exhausted, true);

    // `vupload quota reset` forgets the mark and says what it forgot; the next upload asks YouTube.
    t.sb.setQuotaUsed(0);
    const reset = await t.run(['quota', 'reset', '--json']);
    assert.equal(reset.code, 0, reset.stderr);
    const [forgot] = jsonLines<{ profile: string; forgot: boolean; spent: number; day: string }>(
      reset.stdout,
    );
    assert.equal(forgot?.profile, 'default');
    assert.equal(forgot?.forgot, true);
    assert.equal(typeof forgot?.spent, 'number');
    assert.match(
      reset.stderr,
      /Forgot YouTube's quotaExceeded answer of \d{4}-\d\d-\d\d .* for profile "default"/,
    );
    const after = await t.run(['upload', two!]);
    assert.equal(after.code, 0, after.stderr);
    const nothing = await t.run(['quota', 'reset']);
    assert.equal(nothing.code, 0, nothing.stderr);
    assert.match(nothing.stderr, /no quotaExceeded answer recorded .*: nothing to forget/);

    // --quota N is checked against the units counted today: not enough room is the budget's refusal, as before.
    t.sb.setQuotaUsed(1_000_000_000);
    assert.equal((await t.run(['upload', three!])).code, 4);
    const small = await t.run(['upload', four!, '--quota', '1600']);
    assert.equal(small.code, 4, small.stderr);
    assert.match(
      small.stderr,
      /it needs 1600 quota units, and default has spent \d+ of today's budget of 1600/,
    );
  });

  test('quota reset --profile forgets only that profile', async () => {
    await t.login('other');
    const file = await makeVideo(join(t.dir, 'other.mp4'), 30_000);
    t.sb.setQuotaUsed(1_000_000_000);
    assert.equal((await t.run(['upload', file, '--profile', 'other'])).code, 4);
    t.sb.setQuotaUsed(0);
    const reset = await t.run(['quota', 'reset', '--profile', 'other']);
    assert.equal(reset.code, 0, reset.stderr);
    assert.match(reset.stderr, /for profile "other"/);
    const rows = jsonLines<{ profile: string; exhausted: boolean }>(
      (await t.run(['quota', '--json'])).stdout,
    );
    assert.equal(rows.find((r) => r.profile === 'other')?.exhausted, false);
    assert.equal(
      rows.find((r) => r.profile === 'default')?.exhausted,
      true,
      'the earlier test left it marked',
    );
    assert.equal((await t.run(['upload', file, '--profile', 'other'])).code, 0);
  });
});
