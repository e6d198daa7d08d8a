// This file checks the human output rules off a terminal: plain progress lines, at most every 10 % or 30 s.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { CliContext } from '../../src/cli/context.js';
import { Output } from '../../src/cli/output.js';
import { ANSI } from '../helpers/cli.js';

function fakeContext(clock: { now: number }) {
  let stderr = '';
  let stdout = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        append(String(chunk));
        done();
      },
    });
  const ctx = {
    env: {},
    stderr: sink((s) => {
      stderr += s;
    }),
    stdout: sink((s) => {
      stdout += s;
    }),
    now: () => clock.now,
  } as unknown as CliContext;
  return { ctx, text: () => ({ stderr, stdout }) };
}

test('off a TTY, progress is one plain line per 10 % step, or after 30 s without one', async () => {
  const clock = { now: 0 };
  const { ctx, text } = fakeContext(clock);
  const out = await Output.create(ctx, {});
  for (let sent = 0; sent <= 1000; sent += 5) {
    clock.now += 100;
    out.progress('Uploading:', { confirmed: 0, sent, total: 1000, rate: 50, etaSeconds: 1, retries: 0 });
  }
  const lines = text().stderr.trim().split('\n');
  assert.equal(lines.length, 11, lines.join('\n'));
  assert.match(lines[10]!, /^Uploading: 100%/);
  assert.doesNotMatch(text().stderr, ANSI);
  assert.equal(text().stdout, '');

  // A stalled upload still shows a line every 30 s.
  const stalled = fakeContext(clock);
  const quiet = await Output.create(stalled.ctx, {});
  for (let i = 0; i < 70; i++) {
    clock.now += 1000;
    quiet.progress('Uploading:', { confirmed: 0, sent: 10, total: 1000, rate: 0, retries: 0 });
  }
  assert.equal(stalled.text().stderr.trim().split('\n').length, 3);
});

test('--quiet prints no progress and no info, but errors', async () => {
  const { ctx, text } = fakeContext({ now: 0 });
  const out = await Output.create(ctx, { quiet: true });
  out.progress('Uploading:', { confirmed: 0, sent: 500, total: 1000, rate: 1, retries: 0 });
  out.info('hello');
  out.error('broken');
  assert.equal(text().stderr, 'broken\n');
});
