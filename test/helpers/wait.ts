// This file polls until a condition holds, failing the test with what it waited for when time runs out.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';

export async function waitFor(what: string, ok: () => boolean, ms = 20_000, everyMs = 10): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await delay(everyMs);
  }
}
