// This file is the upload history: one JSON line per finished upload, appended and fsynced, so an id is never lost.
import { join } from 'node:path';
import { appendJournalLine, readJournal } from '../journal-file.js';

/**
 * Quota counted for an upload ahead of it (the CLI's ledger): the Pacific day it was counted on and the steps it
 * included. Kept with the upload's session and its journal entry, so that a run killed after counting does not make
 * the next run that day count the same steps again.
 */
export interface QuotaReservation {
  day: string;
  steps: string[];
}

/**
 * What an upload (or a later update by a re-run) set on a video, as the journal keeps it: the upload's line carries
 * it, and each update appends an `updated` step whose detail is the whole record after it (issue 27, item 3).
 */
export interface RecordedMetadata {
  /** Field path → value: `snippet.title`, `status.privacyStatus`, `localizations.fr.title` … (defaults included). */
  fields: Record<string, unknown>;
  /** Field path → the template its value was rendered from (`Meetup {date} #{index}`), when it was one. */
  templates?: Record<string, string>;
}

export interface HistoryEntry {
  /** ISO 8601 time the upload finished. */
  time: string;
  account: string;
  provider: string;
  /** Absolute path of the uploaded file. */
  file: string;
  size: number;
  /** fingerprintFile(): size and three 1 MiB samples, the cheap lookup key. */
  fingerprint: string;
  /** The content hash of the whole content (`xxh3-128:<hex>`, content-hash.ts): what "already uploaded" is confirmed by. */
  contentHash?: string;
  /** The file's modification time when it was uploaded. */
  mtimeMs?: number;
  videoId: string;
  title?: string;
  /** The video's page, as its provider gave it (a PeerTube instance's, say); absent in older lines. */
  url?: string;
  /** What the upload set (absent in lines of vupload before issue 27: a re-run then compares nothing). */
  metadata?: RecordedMetadata;
  /** Youku: the id create returned, when a provider gives one before the final id. */
  createVideoId?: string;
  /** Youku: true when createVideoId and videoId differ (seed youku-upload-api.zh.txt: log every returned id). */
  idsDiffer?: boolean;
  quotaReserved?: QuotaReservation;
  /**
   * The run that recorded this upload prints its result only after the steps (`vupload watch`), and records a
   * `reported` step once it has: without that step, a run killed in between left the upload unreported.
   */
  awaitsReport?: true;
}

export const HISTORY_FILE = 'history.jsonl';

/** The fingerprint of an upload from a stream (a pipe): no samples could be taken; it is found by size and hash. */
export const STREAM_FINGERPRINT = 'unsampled';

/**
 * Appends one line to `<stateDir>/history.jsonl` (mode 0600) and fsyncs it before returning. A line torn by an
 * earlier crash is closed first, so this record cannot be glued to it and lost.
 */
export async function appendHistory(stateDir: string, entry: HistoryEntry): Promise<void> {
  await appendJournalLine(join(stateDir, HISTORY_FILE), entry);
}

/** Every entry, oldest first. A torn line (a crash mid-append) is skipped, not fatal. */
export async function readHistory(stateDir: string): Promise<HistoryEntry[]> {
  const records = await readJournal(join(stateDir, HISTORY_FILE));
  return records.filter((r) => typeof r.videoId === 'string') as unknown as HistoryEntry[];
}
