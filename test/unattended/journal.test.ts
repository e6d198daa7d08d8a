// This file tests the "never twice" lookup: previous uploads by content and account, recorded steps, torn lines.
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { appendJournalLine, parseJournal } from '../../src/journal-file.js';
import {
  findPreviousUpload,
  listHistory,
  pendingSteps,
  recordStep,
  STEPS_FILE,
  Step,
} from '../../src/unattended/journal.js';
import { appendHistory, HISTORY_FILE, type HistoryEntry } from '../../src/upload/journal.js';

const upload = (over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  time: '2025-05-01T10:00:00.000Z',
  account: 'me@example.com',
  provider: 'youtube',
  file: '/rec/a.mp4',
  size: 1000,
  fingerprint: 'sha256:aaa',
  videoId: 'VID_A',
  title: 'A',
  ...over,
});

describe('upload journal', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'vupload-journal-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });
  const query = { account: 'me@example.com', fingerprint: 'sha256:aaa', size: 1000 };

  test('a re-run finds the previous upload of the same content for the same account only', async () => {
    assert.equal(await findPreviousUpload({ stateDir, ...query }), undefined);
    await appendHistory(stateDir, upload());
    await appendHistory(
      stateDir,
      upload({ videoId: 'VID_B', fingerprint: 'sha256:bbb', file: '/rec/b.mp4' }),
    );
    const found = await findPreviousUpload({ stateDir, ...query });
    assert.equal(found?.videoId, 'VID_A');
    assert.equal(found?.entry.file, '/rec/a.mp4');
    assert.deepEqual([...(found?.completedSteps ?? [])], []);
    assert.equal(await findPreviousUpload({ stateDir, ...query, account: 'other@example.com' }), undefined);
    assert.equal(await findPreviousUpload({ stateDir, ...query, size: 999 }), undefined);
    assert.equal(await findPreviousUpload({ stateDir, ...query, provider: 'youku' }), undefined);
  });

  test('after a forced second upload the latest id is the previous one', async () => {
    await appendHistory(stateDir, upload());
    await appendHistory(stateDir, upload({ videoId: 'VID_A2', time: '2025-05-02T10:00:00.000Z' }));
    assert.equal((await findPreviousUpload({ stateDir, ...query }))?.videoId, 'VID_A2');
  });

  test('steps are recorded; the latest record of each decides what is left to do', async () => {
    await appendHistory(stateDir, upload());
    let t = Date.parse('2025-05-01T10:01:00Z');
    const now = () => (t += 1000);
    const step = (s: string, ok: boolean, extra = {}) =>
      recordStep({ stateDir, videoId: 'VID_A', step: s, ok, now, ...extra });
    await step(Step.thumbnail, true);
    await step(Step.playlist('PL1'), false, { reason: 'playlistNotFound' });
    await step(Step.caption('en'), false, { reason: 'forbidden' });
    await step(Step.playlist('PL1'), true);
    await recordStep({ stateDir, videoId: 'OTHER', step: Step.caption('en'), ok: true });
    const found = await findPreviousUpload({ stateDir, ...query });
    assert.deepEqual([...(found?.completedSteps ?? [])].sort(), ['playlist:PL1', 'thumbnail']);
    const wanted = [Step.thumbnail, Step.playlist('PL1'), Step.playlist('PL2'), Step.caption('en')];
    assert.deepEqual(pendingSteps(wanted, found!.completedSteps), ['playlist:PL2', 'caption:en']);
    const info = await stat(join(stateDir, STEPS_FILE));
    assert.equal(info.mode & 0o777, 0o600);
  });

  test('a torn last line is skipped, and the next record starts on a line of its own', async () => {
    await appendHistory(stateDir, upload());
    await appendFile(join(stateDir, HISTORY_FILE), '{"time":"2025-05-01T11:00:00.000Z","account":"me@exa');
    assert.equal((await findPreviousUpload({ stateDir, ...query }))?.videoId, 'VID_A');
    assert.equal((await listHistory(stateDir)).length, 1);

    await appendFile(join(stateDir, STEPS_FILE), '{"type":"step","videoId":"VID_A","st');
    await recordStep({ stateDir, videoId: 'VID_A', step: Step.thumbnail, ok: true });
    const lines = (await readFile(join(stateDir, STEPS_FILE), 'utf8')).split('\n');
    assert.equal(lines.length, 3);
    assert.deepEqual(JSON.parse(lines[1]!).step, 'thumbnail');
    assert.ok((await findPreviousUpload({ stateDir, ...query }))?.completedSteps.has('thumbnail'));
  });

  test('a record glued onto a torn line by a writer that did not repair it is recovered', async () => {
    await writeFile(join(stateDir, HISTORY_FILE), '{"time":"2025-05-01T09:00:00.000Z","nested":{"a":1},"acc');
    await appendHistory(stateDir, upload());
    assert.equal((await findPreviousUpload({ stateDir, ...query }))?.videoId, 'VID_A');
    assert.deepEqual(parseJournal('{"a":1}\n{"b":\n\n[1]\n'), [{ a: 1 }]);
  });

  test('listHistory merges each upload with its steps and gives its URL', async () => {
    await appendHistory(stateDir, upload());
    await appendHistory(stateDir, upload({ videoId: 'VID_B', file: '/rec/b.mp4', title: undefined }));
    await recordStep({
      stateDir,
      videoId: 'VID_A',
      step: Step.thumbnail,
      ok: false,
      reason: 'forbidden',
      now: () => 1,
    });
    await recordStep({
      stateDir,
      videoId: 'VID_A',
      step: Step.moved,
      ok: true,
      detail: '/done/a.mp4',
      now: () => 2,
    });
    await recordStep({ stateDir, videoId: 'VID_A', step: Step.thumbnail, ok: true, now: () => 3 });
    const items = await listHistory(stateDir);
    assert.deepEqual(items[0], {
      time: '2025-05-01T10:00:00.000Z',
      profile: 'me@example.com',
      provider: 'youtube',
      file: '/rec/a.mp4',
      bytes: 1000,
      fingerprint: 'sha256:aaa',
      id: 'VID_A',
      url: 'https://youtu.be/VID_A',
      title: 'A',
      steps: [
        { step: 'thumbnail', ok: true, time: '1970-01-01T00:00:00.003Z' },
        { step: 'moved', ok: true, time: '1970-01-01T00:00:00.002Z', detail: '/done/a.mp4' },
      ],
    });
    assert.equal(items[1]?.id, 'VID_B');
    assert.equal(items[1]?.title, undefined);
    assert.deepEqual(items[1]?.steps, []);
  });

  test('appendJournalLine creates the folder and writes whole lines', async () => {
    const file = join(stateDir, 'deep', 'j.jsonl');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => appendJournalLine(file, { i, pad: 'x'.repeat(2000) })),
    );
    const records = parseJournal(await readFile(file, 'utf8'));
    assert.deepEqual(
      records.map((r) => r.i).sort((a, b) => Number(a) - Number(b)),
      [...Array(20).keys()],
    );
  });
});
