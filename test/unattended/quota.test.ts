// This file tests the quota ledger: Pacific-day accounting, the budget guard, quotaExceeded answers, DST, waiting.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isVuploadError } from '../../src/errors.js';
import { nextQuotaReset } from '../../src/providers/youtube/errors.js';
import { estimateUploadCost, operationCost } from '../../src/providers/youtube/quota.js';
import {
  checkCostFitsBudget,
  pacificDay,
  parseLedger,
  QuotaLedger,
  quotaExceededError,
  waitForReset,
} from '../../src/unattended/quota.js';
import type { Clock } from '../../src/upload/clock.js';

function settableClock(iso: string): Clock & { set(iso: string): void } {
  let now = Date.parse(iso);
  return {
    now: () => now,
    sleep: async () => {},
    set: (next) => {
      now = Date.parse(next);
    },
  };
}

describe('Pacific days and resets', () => {
  test('the quota day is the calendar date in Los Angeles, not UTC', () => {
    assert.equal(pacificDay(new Date('2025-06-10T06:59:00Z')), '2025-06-09'); // 23:59 PDT
    assert.equal(pacificDay(new Date('2025-06-10T07:00:00Z')), '2025-06-10'); // 00:00 PDT
    assert.equal(pacificDay(new Date('2025-01-10T07:59:00Z')), '2025-01-09'); // 23:59 PST
    assert.equal(pacificDay(new Date('2025-01-10T08:00:00Z')), '2025-01-10');
  });

  test('the quota day agrees with Intl (the tz database) for every hour from 2020 to 2035', () => {
    const intl = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/Los_Angeles',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    const hour = 3_600_000;
    for (let ms = Date.UTC(2020, 0, 1); ms < Date.UTC(2036, 0, 1); ms += hour) {
      for (const at of [ms, ms + hour - 1]) {
        const date = new Date(at);
        if (pacificDay(date) !== intl.format(date)) assert.fail(`${date.toISOString()}: ${pacificDay(date)}`);
      }
    }
  });

  test('the next reset is Pacific midnight on both sides of each DST change', () => {
    const reset = (iso: string) => nextQuotaReset(new Date(iso)).toISOString();
    // Spring forward (2025-03-09 02:00 PST → 03:00 PDT): midnight before is PST, the one after is PDT.
    assert.equal(reset('2025-03-09T04:00:00Z'), '2025-03-09T08:00:00.000Z');
    assert.equal(reset('2025-03-09T19:00:00Z'), '2025-03-10T07:00:00.000Z');
    // Fall back (2025-11-02 02:00 PDT → 01:00 PST): a 25-hour day.
    assert.equal(reset('2025-11-01T19:00:00Z'), '2025-11-02T07:00:00.000Z');
    assert.equal(reset('2025-11-02T07:00:00Z'), '2025-11-03T08:00:00.000Z');
    assert.equal(reset('2025-11-02T20:00:00Z'), '2025-11-03T08:00:00.000Z');
  });

  test('costs follow API-NOTES, with a configurable insert cost', () => {
    assert.equal(operationCost('videos.insert'), 1600);
    assert.equal(operationCost('videos.insert', { insertCost: 100 }), 100);
    assert.equal(operationCost('captions.insert'), 400);
    assert.equal(
      estimateUploadCost({ thumbnail: true, playlists: 2, captions: 1, listCalls: 1 }),
      1600 + 50 + 2 * (50 + 1 + 1) + (400 + 50) + 1,
    );
    assert.equal(estimateUploadCost({ insert: false, thumbnail: true }), 50);
  });

  test('a step counts the list call that checks the server before it inserts', () => {
    assert.equal(operationCost('captions.list'), 50);
    assert.equal(operationCost('playlistItems.list'), 1);
    assert.equal(estimateUploadCost({ insert: false, captions: 1 }), 450);
    assert.equal(estimateUploadCost({ insert: false, playlists: 1 }), 52);
    assert.equal(estimateUploadCost({ insert: false, playlists: 1, playlistsToCreate: 1 }), 52 + 51);
  });
});

describe('quota ledger', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'vupload-quota-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  test('a corrupt entry is named with its file and counts as unknown: 0 spent, not exhausted, then rewritten', async () => {
    const clock = settableClock('2025-06-10T20:00:00Z');
    const day = pacificDay(new Date(clock.now()));
    const file = join(stateDir, 'quota.json');
    const accounts = {
      default: { [day]: { spent: 'lots', exhausted: 'yes' } },
      other: { [day]: { spent: 900 } },
    };
    await writeFile(file, JSON.stringify({ version: 1, accounts }));
    const warnings: string[] = [];
    const ledger = QuotaLedger.inStateDir(stateDir, clock, (m) => warnings.push(m));
    const check = await ledger.reserve({ account: 'default', cost: 1600, budget: 10_000 });
    assert.deepEqual(check, { ok: true, spent: 0, remaining: 10_000 });
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.includes(file), warnings[0]);
    assert.match(warnings[0]!, /default on \d{4}-\d\d-\d\d is \{"spent":"lots","exhausted":"yes"\}/);
    assert.match(warnings[0]!, /unknown: 0 units spent and not exhausted/);
    const written = JSON.parse(await readFile(file, 'utf8')) as { accounts: Record<string, unknown> };
    assert.deepEqual(written.accounts, {
      default: { [day]: { spent: 1600 } },
      other: { [day]: { spent: 900 } },
    });
    assert.equal(warnings.length, 1, 'said once');
  });

  test('a ledger that is not JSON, or not a ledger, is reported as such and read as empty', () => {
    assert.deepEqual(parseLedger('{"version": 1, "acc'), {
      data: { version: 1, accounts: {} },
      problems: ['not JSON'],
    });
    assert.deepEqual(parseLedger('[]').problems, ['not a version 1 ledger']);
    assert.deepEqual(parseLedger('{"version":1,"accounts":{"a":7}}').problems, ['the entry of a is 7']);
    assert.deepEqual(parseLedger('{"version":1,"accounts":{"a":{"d":{"spent":-1}}}}').problems, [
      'a on d is {"spent":-1}',
    ]);
    assert.deepEqual(parseLedger('{"version":1,"accounts":{"a":{"d":{"spent":5,"exhausted":true}}}}'), {
      data: { version: 1, accounts: { a: { d: { spent: 5, exhausted: true } } } },
      problems: [],
    });
  });

  test('a cost larger than the whole budget is refused as bad usage: no reset can make room', () => {
    assert.doesNotThrow(() => checkCostFitsBudget({ cost: 1600, budget: 1600, action: 'upload a.mp4' }));
    assert.throws(
      () => checkCostFitsBudget({ cost: 1600, budget: 1, action: 'upload a.mp4' }),
      (e) =>
        isVuploadError(e) &&
        e.exitCode === 2 &&
        /needs 1600 quota units, more than the whole daily budget of 1 \(--quota/.test(e.message),
    );
  });

  test('a small budget stops the upload that would exceed it and says when it resets', async () => {
    const clock = settableClock('2025-06-10T20:00:00Z'); // 13:00 PDT
    const ledger = QuotaLedger.inStateDir(stateDir, clock);
    const account = 'me@example.com';
    assert.deepEqual(await ledger.check({ account, cost: 1650, budget: 2000 }), {
      ok: true,
      spent: 0,
      remaining: 2000,
    });
    assert.equal(await ledger.spend(account, 1650), 1650);
    const check = await ledger.check({ account, cost: 1650, budget: 2000 });
    assert.equal(check.ok, false);
    if (check.ok) return;
    assert.equal(check.resetAt.toISOString(), '2025-06-11T07:00:00.000Z');
    assert.equal(check.exhausted, false);
    assert.deepEqual((await ledger.check({ account: 'other', cost: 1650, budget: 2000 })).ok, true);

    const error = quotaExceededError({
      account,
      check,
      now: new Date(clock.now()),
      action: 'upload talk.mp4',
    });
    assert.ok(isVuploadError(error));
    assert.equal(error.code, 'quotaExceeded');
    assert.equal(error.exitCode, 4);
    assert.match(error.message, /^Not starting to upload talk\.mp4: it needs 1650 quota units/);
    assert.match(error.message, /spent 1650 of today's budget of 2000/);
    assert.match(error.message, /in 11 h 0 min/);
    assert.match(error.hint ?? '', /--on-quota wait/);

    const info = await stat(join(stateDir, 'quota.json'));
    assert.equal(info.mode & 0o777, 0o600);
  });

  test('spending is counted per Pacific day: the next day starts at zero', async () => {
    const clock = settableClock('2025-06-10T06:30:00Z'); // 23:30 PDT on the 9th
    const ledger = QuotaLedger.inStateDir(stateDir, clock);
    await ledger.spend('a', 9000);
    clock.set('2025-06-10T06:59:59Z');
    assert.equal((await ledger.today('a')).spent, 9000);
    clock.set('2025-06-10T07:00:00Z'); // midnight PDT
    assert.equal((await ledger.today('a')).spent, 0);
    assert.equal((await ledger.check({ account: 'a', cost: 1600 })).ok, true);
    const data = JSON.parse(await readFile(join(stateDir, 'quota.json'), 'utf8'));
    assert.deepEqual(data.accounts.a, { '2025-06-09': { spent: 9000 } });
  });

  test('a quotaExceeded answer makes the rest of the Pacific day count as spent', async () => {
    const clock = settableClock('2025-11-02T07:30:00Z'); // 00:30 PDT, the day the clocks fall back
    const ledger = QuotaLedger.inStateDir(stateDir, clock);
    await ledger.spend('a', 50);
    await ledger.markExhausted('a');
    const check = await ledger.check({ account: 'a', cost: 1, budget: 10_000 });
    assert.equal(check.ok, false);
    if (check.ok) return;
    assert.equal(check.exhausted, true);
    assert.equal(check.resetAt.toISOString(), '2025-11-03T08:00:00.000Z'); // midnight PST, 25 h later
    assert.match(
      quotaExceededError({ account: 'a', check, now: new Date(clock.now()) }).message,
      /^YouTube answered/,
    );
    clock.set('2025-11-03T08:00:00Z');
    assert.equal((await ledger.check({ account: 'a', cost: 1 })).ok, true);
  });

  test('a budget given with --quota passes the quotaExceeded mark; forgetExhausted drops the mark, keeps the units', async () => {
    const clock = settableClock('2025-06-10T20:00:00Z');
    const ledger = QuotaLedger.inStateDir(stateDir, clock);
    await ledger.spend('given', 3200);
    await ledger.markExhausted('given');
    assert.equal((await ledger.reserve({ account: 'given', cost: 1600, budget: 1_000_000 })).ok, false);
    const asked = await ledger.reserve({
      account: 'given',
      cost: 1600,
      budget: 1_000_000,
      budgetGiven: true,
    });
    assert.deepEqual(asked, { ok: true, spent: 3200, remaining: 996_800, askingAgain: true });
    // Given, but too small for what is counted: the budget's own refusal, not the mark's.
    const small = await ledger.check({ account: 'given', cost: 1600, budget: 5000, budgetGiven: true });
    assert.equal(small.ok === false && small.exhausted, false);
    assert.equal(await ledger.forgetExhausted('nobody'), undefined);
    assert.deepEqual(await ledger.forgetExhausted('given'), { spent: 4800, exhausted: true });
    assert.deepEqual(await ledger.today('given'), { spent: 4800 });
    assert.equal(await ledger.forgetExhausted('given'), undefined);
    assert.deepEqual(
      (await ledger.allToday()).map((u) => u.account).filter((a) => a === 'nobody'),
      [],
      'forgetting nothing writes no entry',
    );
  });

  test('reserve checks and spends in one step, so concurrent runs cannot both take the last units', async () => {
    const clock = settableClock('2025-06-10T20:00:00Z');
    const ledger = QuotaLedger.inStateDir(stateDir, clock);
    const other = QuotaLedger.inStateDir(stateDir, clock);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? ledger : other).reserve({ account: 'a', cost: 1600, budget: 5000 }),
      ),
    );
    assert.equal(results.filter((r) => r.ok).length, 3);
    assert.equal((await ledger.today('a')).spent, 4800);
  });

  test('concurrent spends all count', async () => {
    const ledger = QuotaLedger.inStateDir(stateDir, settableClock('2025-06-10T20:00:00Z'));
    await Promise.all(Array.from({ length: 8 }, () => ledger.spend('a', 50)));
    assert.equal((await ledger.today('a')).spent, 400);
  });
});

describe('waiting for the reset', () => {
  test('sleeps in slices until a minute past the reset, with the injected sleep', async () => {
    let now = Date.parse('2025-06-10T20:00:00Z');
    const slept: number[] = [];
    await waitForReset({
      resetAt: new Date('2025-06-10T20:25:00Z'),
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    });
    assert.deepEqual(slept, [600_000, 600_000, 360_000]);
    assert.equal(new Date(now).toISOString(), '2025-06-10T20:26:00.000Z');
  });

  test('an abort while waiting ends with the interrupted exit code', async () => {
    const controller = new AbortController();
    await assert.rejects(
      waitForReset({
        resetAt: new Date(Date.now() + 3_600_000),
        now: Date.now,
        sleep: async (_ms, signal) => {
          controller.abort('SIGINT');
          signal?.throwIfAborted();
        },
        signal: controller.signal,
      }),
      (e) => isVuploadError(e) && e.exitCode === 130,
    );
  });
});
