// This file checks that the upload history never loses an id, even after a crash tore the last line.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { appendHistory, HISTORY_FILE, type HistoryEntry, readHistory } from '../../src/upload/index.js';

const entry = (videoId: string): HistoryEntry => ({
  time: '2026-11-23T10:00:00.000Z',
  account: 'default',
  provider: 'youtube',
  file: '/rec/a.mp4',
  size: 10,
  fingerprint: 'sha256:x',
  videoId,
});

test('an upload recorded after a torn line is kept, and the torn line is skipped', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-history-'));
  await appendHistory(dir, entry('first000001'));
  await appendFile(join(dir, HISTORY_FILE), '{"time":"2026-11-23T10:01:00.000Z","acc');
  await appendHistory(dir, entry('second00002'));
  assert.deepEqual(
    (await readHistory(dir)).map((e) => e.videoId),
    ['first000001', 'second00002'],
  );
  await rm(dir, { recursive: true, force: true });
});
