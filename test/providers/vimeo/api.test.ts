// This file checks the Vimeo REST client's rate-limit manners against the emulator on one shared fake clock: no call
// while X-RateLimit-Remaining is 0 before X-RateLimit-Reset, and a 429 waited out until the reset it names.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VimeoApi } from '../../../src/providers/vimeo/api.js';
import { startVimeoSandbox, type VimeoSandbox } from '../../../src/sandbox/vimeo/index.js';

let sb: VimeoSandbox;
let now = Date.parse('2026-03-01T12:00:00Z');
before(async () => {
  sb = await startVimeoSandbox({ now: () => now });
});
after(() => sb.close());

function client(token: string, sleeps: number[], waits: string[]) {
  return new VimeoApi({
    apiUrl: sb.url,
    authorization: async () => `bearer ${token}`,
    profile: 'default',
    now: () => now,
    // Sleeping moves the clock the emulator reads too.
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    random: () => 0.5,
    onWait: (message) => waits.push(message),
  });
}

test('with the window used up, the next call waits until X-RateLimit-Reset instead of earning a 429', async () => {
  sb.setUser('limited', { rateLimit: { limit: 2, windowSec: 60 } });
  const token = sb.mintToken({ user: 'limited' });
  const sleeps: number[] = [];
  const waits: string[] = [];
  const api = client(token, sleeps, waits);
  try {
    await api.get('/me', { action: 'read' });
    await api.get('/me', { action: 'read' });
    const mark = sb.requests.length;
    await api.get('/me', { action: 'read' });
    assert.equal(sleeps.length, 1);
    assert.ok(sleeps[0]! > 55_000 && sleeps[0]! <= 61_000, `slept ${sleeps[0]}`);
    assert.match(waits[0]!, /rate limit for this account is used up; waiting until/);
    assert.deepEqual(
      sb.requests.slice(mark).map((e) => e.status),
      [200],
      'no 429 was earned',
    );
  } finally {
    api.close();
  }
});

test('a 429 is waited out until the reset Vimeo names, then the call is sent again', async () => {
  sb.setUser('banned', { rateLimit: { limit: 1, windowSec: 30 } });
  const token = sb.mintToken({ user: 'banned' });
  const first = client(token, [], []);
  await first.get('/me', { action: 'read' });
  first.close();
  const sleeps: number[] = [];
  const waits: string[] = [];
  // A client that has not seen the window: it meets the 429.
  const api = client(token, sleeps, waits);
  try {
    const mark = sb.requests.length;
    const me = await api.get('/me', { query: { fields: 'name' }, action: 'read' });
    assert.equal(me.name, 'banned');
    assert.deepEqual(
      sb.requests.slice(mark).map((e) => e.status),
      [429, 200],
    );
    assert.ok(sleeps[0]! > 25_000 && sleeps[0]! <= 31_000, `slept ${sleeps[0]}`);
    assert.match(waits[0]!, /rate limit is reached; waiting until/);
  } finally {
    api.close();
  }
});
