// This file is the upload history: one JSON line per finished upload, appended and fsynced, so an id is never lost.
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir } from '../fsutil.js';

export interface HistoryEntry {
  /** ISO 8601 time the upload finished. */
  time: string;
  account: string;
  provider: string;
  /** Absolute path of the uploaded file. */
  file: string;
  size: number;
  fingerprint: string;
  videoId: string;
  title?: string;
  /** Youku: the id create returned, when a provider gives one before the final id. */
  createVideoId?: string;
  /** Youku: true when createVideoId and videoId differ (seed youku-upload-api.zh.txt: log every returned id). */
  idsDiffer?: boolean;
}

export const HISTORY_FILE = 'history.jsonl';

/** Appends one line to `<stateDir>/history.jsonl` (mode 0600) and fsyncs it before returning. */
export async function appendHistory(stateDir: string, entry: HistoryEntry): Promise<void> {
  await ensurePrivateDir(stateDir);
  const handle = await open(join(stateDir, HISTORY_FILE), 'a', 0o600);
  try {
    await handle.appendFile(`${JSON.stringify(entry)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Every entry, oldest first. A torn last line (a crash mid-append) is skipped, not fatal. */
export async function readHistory(stateDir: string): Promise<HistoryEntry[]> {
  let text: string;
  try {
    text = await readFile(join(stateDir, HISTORY_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const entries: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as HistoryEntry);
    } catch {
      // skip: only a line cut short by a crash can be unreadable
    }
  }
  return entries;
}
