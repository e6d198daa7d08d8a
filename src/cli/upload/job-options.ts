// This file says what an upload job is asked to do beyond the plan: force, locks, quota, housekeeping, reporting.
import type { UploadOutcome } from './outcome.js';

export interface JobOptions {
  /** Upload even if the journal says this content was uploaded already. */
  force?: boolean;
  /** Wait for another vupload working on the same file instead of failing. */
  waitLock?: boolean;
  /** Daily quota budget in units (default 10000). */
  quota: number;
  /** The budget came from --quota: YouTube's quotaExceeded earlier today does not stop the run (it asks again). */
  quotaGiven?: boolean;
  onQuota: 'fail' | 'wait';
  moveTo?: string;
  deleteAfter?: boolean;
  /** False with --no-update: content uploaded before whose recorded metadata differs is only reported. */
  update?: boolean;
  log?: { write(message: string): Promise<void> };
  /**
   * Prints a result while the job still holds its lock (`vupload watch`). The job then records a `reported` step,
   * and its journal line says one is awaited: a later job on the same content prints a result that a run killed
   * before printing never did (HistoryEntry.awaitsReport), and no other.
   */
  report?: (outcome: UploadOutcome) => void;
}
