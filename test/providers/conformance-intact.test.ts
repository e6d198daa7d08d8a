// This file runs the conformance suite's intact uploads (issue 25 §2.1) against every provider: each size, in one
// request and in chunks, ends as one video whose stored bytes hash to the file's, sent once.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROVIDER_NAMES } from '../../src/providers/registry.js';
import { makeVideo } from '../cli/video-file.js';
import { INTACT, SCENARIOS } from './conformance/scenarios.js';
import { assertOneVideo, fileSha, forEachProvider, modeArgs, scenarioTest } from './conformance/suite.js';
import { HARNESSES } from './harnesses.js';

forEachProvider((subject, h) => {
  for (const s of INTACT) {
    for (const mode of s.modes ?? []) {
      scenarioTest(h, s, mode, async () => {
        const { p, dir, run } = subject();
        const size = s.size(h.chunk);
        const file = join(dir, `intact-${size}-${mode}.mp4`);
        // A byte of its own per mode: the same byte twice would be found uploaded, not sent again.
        if (size === 1) await writeFile(file, mode.slice(0, 1));
        else await makeVideo(file, size);
        const before = await p.videos();
        const received = p.bytesReceived();
        const result = await run(['upload', file, ...p.uploadArgs, ...(await modeArgs(h, mode))]);
        assert.equal(result.code, 0, result.stderr);
        await assertOneVideo(p, await fileSha(file), result.stdout.trim(), `${size} bytes`, before);
        assert.equal(p.bytesReceived() - received, size, 'every byte sent once');
      });
    }
  }
});

// Not rows of the table: the suite runs every registered provider, and every exemption names something it skips.
test('every registered provider has a conformance harness', () => {
  assert.deepEqual(HARNESSES.map((h) => h.name).sort(), [...PROVIDER_NAMES].sort());
});

test('every exemption names a scenario, a group or a send mode, and gives a reason', () => {
  const keys = new Set<string>([...SCENARIOS.flatMap((s) => [s.id, s.group]), 'one-request', 'chunks']);
  for (const h of HARNESSES) {
    for (const [key, reason] of Object.entries(h.exempt)) {
      assert.ok(keys.has(key), `${h.name}: exempt from "${key}", which is no scenario, group or mode`);
      assert.ok(reason && reason.length > 20, `${h.name}: "${key}" needs its reason`);
    }
  }
});
