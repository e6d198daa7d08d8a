// This file tests the questions users ask peers' trackers, answered locally: quota left, saved logins, 7-day tokens.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fixture } from '../helpers/paths.js';
import { type CliEnv, cliEnv } from './env.js';

const DAY = 86_400_000;
const lines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('vupload quota', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
    await t.login('main');
    await t.login('idle');
  });
  after(() => t.close());

  test('shows units spent and left per profile today and when they reset, in Pacific and local time', async () => {
    const upload = await t.run(['--profile', 'main', '--force', '--file', fixture('sample.mp4')]);
    assert.equal(upload.code, 0, upload.stderr);
    const result = await t.run(['quota', '--json', '--quota', '10000']);
    assert.equal(result.code, 0, result.stderr);
    const rows = lines(result.stdout);
    assert.deepEqual(
      rows.map((r) => r.profile),
      ['idle', 'main'],
    );
    const main = rows.find((r) => r.profile === 'main')!;
    assert.equal(main.provider, 'youtube');
    assert.equal(main.spent, 1600);
    assert.equal(main.left, 8400);
    assert.equal(main.budget, 10000);
    assert.equal(rows.find((r) => r.profile === 'idle')?.spent, 0);
    assert.match(String(main.resetPacific), /^\d{4}-\d\d-\d\d 00:00 P[SD]T$/);
    assert.ok(Date.parse(String(main.resetAt)) > Date.now());
    assert.ok(Date.parse(String(main.resetAt)) - Date.now() <= DAY + 3_600_000);
    const one = await t.run(['quota', '--profile', 'main']);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /^profile\s+spent\s+left\nmain\s+1600\s+999998400\n$/);
    assert.match(one.stderr, /resets at \S+ 00:00 P[SD]T = .* here/);
  });
});

describe('vupload auth list and logout', () => {
  let t: CliEnv;
  let sandboxNow = Date.now();
  before(async () => {
    // Like a Google app whose consent screen is in "Testing": refresh tokens end after 7 days.
    t = await cliEnv({ refreshTokenTtlSec: 7 * 86_400, now: () => sandboxNow });
    await t.login('testing');
  });
  after(() => t.close());

  test('lists every login with provider, channel, expiry, and warns about a refresh token that ends', async () => {
    const result = await t.run(['auth', 'list', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const [row] = lines(result.stdout);
    assert.ok(row, result.stderr);
    assert.equal(row.profile, 'testing');
    assert.equal(row.provider, 'youtube');
    assert.deepEqual((row.channel as { title: string }).title, 'Sandbox Channel');
    const ends = Date.parse(String(row.refreshTokenExpiry));
    assert.ok(Math.abs(ends - (Date.now() + 7 * DAY)) < 60_000, String(row.refreshTokenExpiry));
    assert.match(String((row.warnings as string[])[0]), /ends on .*"Testing"/);
    const human = await t.run(['auth', 'list']);
    assert.match(human.stdout, /^testing\tyoutube\tSandbox Channel \(UC/);
    assert.match(human.stderr, /warning: testing: this login ends on/);
  });

  test('a refresh token that ran out says so: its end date and the 7-day "Testing" rule', async () => {
    await t.login('expired');
    const file = join(t.env.VUPLOAD_CONFIG_DIR!, 'tokens', 'expired.json');
    const token = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    // Eight days later on both sides: the access token is stale, the refresh token over.
    sandboxNow += 8 * DAY;
    await writeFile(
      file,
      JSON.stringify({ ...token, expiry_date: Date.now() - 1000, refresh_token_expiry: Date.now() - DAY }),
    );
    const status = await t.run(['auth', 'status', '--profile', 'expired']);
    assert.equal(status.code, 3);
    assert.match(status.stderr, /ended on .*invalid_grant.*"Testing"/);
    const list = lines((await t.run(['auth', 'list', '--json'])).stdout);
    const row = list.find((r) => r.profile === 'expired');
    assert.ok(row);
    assert.equal((row.error as { code: string }).code, 'invalidGrant');
    assert.match(String((row.warnings as string[])[0]), /this login ended on/);
  });

  test('logout of a profile without a login says so and revokes nothing', async () => {
    const result = await t.run(['auth', 'logout', '--profile', 'nobody']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Profile "nobody" is not logged in: there was no saved login to remove/);
    assert.doesNotMatch(result.stderr, /revoke/i);
  });
});
