// This file tests the flat status view, the processing outcome errors and the polling loop (with a fake clock).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExitCode, isVuploadError } from '../../../src/errors.js';
import {
  flattenStatus,
  processingError,
  type VideoStatusView,
  waitUntilProcessed,
} from '../../../src/providers/youtube/status.js';

describe('flattenStatus', () => {
  test('reports progress while processing, with numbers from the API strings', () => {
    const view = flattenStatus({
      id: 'v1',
      snippet: { title: 'T' },
      status: { uploadStatus: 'uploaded', privacyStatus: 'unlisted' },
      processingDetails: {
        processingStatus: 'processing',
        processingProgress: { partsTotal: '1000', partsProcessed: '250', timeLeftMs: '90000' },
      },
    });
    assert.deepEqual(view, {
      id: 'v1',
      url: 'https://youtu.be/v1',
      title: 'T',
      state: 'processing',
      done: false,
      uploadStatus: 'uploaded',
      processingStatus: 'processing',
      partsProcessed: 250,
      partsTotal: 1000,
      timeLeftMs: 90000,
      privacyStatus: 'unlisted',
      lockedPrivate: false,
    });
  });

  test('succeeded, failed, rejected and terminated are terminal states', () => {
    assert.equal(flattenStatus({ id: 'a', status: { uploadStatus: 'processed' } }).state, 'succeeded');
    const failed = flattenStatus({ id: 'b', status: { uploadStatus: 'failed', failureReason: 'codec' } });
    assert.equal(failed.state, 'failed');
    assert.ok(failed.done);
    assert.equal(
      flattenStatus({ id: 'c', status: { uploadStatus: 'rejected', rejectionReason: 'duplicate' } }).state,
      'rejected',
    );
    assert.equal(
      flattenStatus({ id: 'd', processingDetails: { processingStatus: 'terminated' } }).state,
      'terminated',
    );
  });

  test('flags a video kept private although public was asked for (unaudited API project)', () => {
    const view = flattenStatus({ id: 'v', status: { privacyStatus: 'private' } }, 'public');
    assert.equal(view.lockedPrivate, true);
    assert.match(view.notice ?? '', /audit/);
    assert.equal(
      flattenStatus({ id: 'v', status: { privacyStatus: 'private' } }, 'private').lockedPrivate,
      false,
    );
  });
});

describe('processingError', () => {
  test('explains failure and rejection reasons and exits 1; success is no error', () => {
    const failed = processingError(
      flattenStatus({ id: 'b', status: { uploadStatus: 'failed', failureReason: 'invalidFile' } }),
    );
    assert.equal(failed?.exitCode, ExitCode.api);
    assert.match(
      failed?.message ?? '',
      /Processing of video b failed: the file is not a video YouTube can read \(invalidFile\)/,
    );
    const rejected = processingError(
      flattenStatus({ id: 'c', status: { uploadStatus: 'rejected', rejectionReason: 'duplicate' } }),
    );
    assert.match(rejected?.message ?? '', /rejected video c: it duplicates/);
    assert.equal(
      processingError(flattenStatus({ id: 'a', status: { uploadStatus: 'processed' } })),
      undefined,
    );
  });
});

describe('waitUntilProcessed', () => {
  const view = (state: VideoStatusView['state']): VideoStatusView => ({
    id: 'v',
    url: 'https://youtu.be/v',
    state,
    done: !['uploaded', 'processing'].includes(state),
    lockedPrivate: false,
  });

  test('polls with growing pauses until done and reports every poll', async () => {
    const states = [view('uploaded'), view('processing'), view('processing'), view('succeeded')];
    const sleeps: number[] = [];
    const seen: string[] = [];
    let clock = 0;
    const final = await waitUntilProcessed(async () => states.shift()!, {
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      now: () => clock,
      intervalMs: 1000,
      maxIntervalMs: 2000,
      onUpdate: (v) => seen.push(v.state),
    });
    assert.equal(final.state, 'succeeded');
    assert.deepEqual(sleeps, [1000, 1500, 2000]);
    assert.deepEqual(seen, ['uploaded', 'processing', 'processing', 'succeeded']);
  });

  test('gives up after the timeout with exit 5 and a hint to check later', async () => {
    let clock = 0;
    await assert.rejects(
      waitUntilProcessed(async () => view('processing'), {
        sleep: async (ms) => {
          clock += ms;
        },
        now: () => clock,
        timeoutMs: 10_000,
        intervalMs: 3000,
      }),
      (e: unknown) =>
        isVuploadError(e) && e.exitCode === ExitCode.network && /vupload status v --wait/.test(e.hint ?? ''),
    );
    assert.equal(clock, 10_000);
  });

  test('an abort during a pause is reported as an interruption', async () => {
    const controller = new AbortController();
    await assert.rejects(
      waitUntilProcessed(async () => view('processing'), {
        sleep: async () => {
          controller.abort('SIGINT');
          throw new Error('aborted');
        },
        now: () => 0,
        signal: controller.signal,
      }),
      (e: unknown) => isVuploadError(e) && e.exitCode === ExitCode.sigint,
    );
  });
});
