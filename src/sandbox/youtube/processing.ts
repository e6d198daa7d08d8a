// This file simulates YouTube's processing after an upload, computed from timestamps (no timers keep node alive).
import { sniffContainer } from '../media.js';
import type { MediaRec, VideoRec } from './store.js';
import type { ProcessingOutcome } from './types.js';

/** What processing will end in, judged from the bytes: empty or no known container fails (API-NOTES §5). */
export function outcomeFromMedia(media: MediaRec): ProcessingOutcome {
  if (media.size === 0) return { kind: 'failed', failureReason: 'emptyFile' };
  if (!sniffContainer(Buffer.from(media.head, 'base64')))
    return { kind: 'failed', failureReason: 'invalidFile' };
  return { kind: 'succeeded' };
}

export interface ProcessingView {
  uploadStatus: 'uploaded' | 'processed' | 'failed' | 'rejected';
  failureReason?: string;
  rejectionReason?: string;
  /** The processingDetails part. */
  details: Record<string, unknown>;
}

const PARTS_TOTAL = 1000;

function availability(state: 'inProgress' | 'available' | 'unavailable'): Record<string, string> {
  return {
    fileDetailsAvailability: 'available',
    processingIssuesAvailability: 'available',
    tagSuggestionsAvailability: state,
    editorSuggestionsAvailability: state,
    thumbnailsAvailability: state,
  };
}

/**
 * The video's state at `now`: 'processing' with advancing progress until `durationMs` has passed, then the
 * outcome. Progress numbers are strings, as the API sends uint64 values.
 */
export function processingView(video: VideoRec, now: number): ProcessingView {
  const { startedAt, durationMs, outcome } = video.processing;
  const elapsed = Math.max(0, now - startedAt);
  if (elapsed < durationMs) {
    const done = Math.floor((PARTS_TOTAL * elapsed) / durationMs);
    return {
      uploadStatus: 'uploaded',
      details: {
        processingStatus: 'processing',
        processingProgress: {
          partsTotal: String(PARTS_TOTAL),
          partsProcessed: String(done),
          timeLeftMs: String(durationMs - elapsed),
        },
        ...availability('inProgress'),
      },
    };
  }
  if (outcome.kind === 'failed') {
    const failureReason = outcome.failureReason ?? 'conversion';
    return {
      uploadStatus: 'failed',
      failureReason,
      details: {
        processingStatus: 'failed',
        processingFailureReason: failureReason === 'emptyFile' ? 'uploadFailed' : 'transcodeFailed',
        ...availability('unavailable'),
      },
    };
  }
  if (outcome.kind === 'rejected') {
    return {
      uploadStatus: 'rejected',
      rejectionReason: outcome.rejectionReason ?? 'duplicate',
      details: { processingStatus: 'terminated', ...availability('unavailable') },
    };
  }
  return {
    uploadStatus: 'processed',
    details: { processingStatus: 'succeeded', ...availability('available') },
  };
}
