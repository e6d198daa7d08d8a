// This file appends and reads JSON Lines journals so that a crash mid-write never loses or corrupts another record.
import { open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { naming } from './fs-errors.js';
import { ensurePrivateDir } from './fsutil.js';

/**
 * Appends one record as one line with a single write to a file opened O_APPEND (mode 0600), then fsyncs it.
 * If the file ends in a line torn by an earlier crash (no final newline), a newline is written first, so the new
 * record starts on a line of its own instead of being glued to the torn one.
 */
export async function appendJournalLine(file: string, record: object): Promise<void> {
  await ensurePrivateDir(dirname(file));
  const handle = await open(file, 'a+', 0o600);
  // Through the descriptor, a full disk's error names no file: this one is named.
  await naming(file, async () => {
    try {
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      await handle.appendFile(`${prefix}${JSON.stringify(record)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

/**
 * The records of a journal, oldest first (pure). Lines that do not parse are skipped: a torn line is the only
 * kind a crash can leave. A writer that does not repair a torn end (appendJournalLine does) glues the next record
 * onto it; that record is recovered from the line's tail, because it holds a video id that must not be lost.
 */
export function parseJournal(text: string): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record = parseObject(line) ?? recoverTail(line);
    if (record) records.push(record);
  }
  return records;
}

/** Reads a journal file; a missing file is an empty journal. */
export async function readJournal(file: string): Promise<Record<string, unknown>[]> {
  try {
    return parseJournal(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function recoverTail(line: string): Record<string, unknown> | undefined {
  for (let at = line.indexOf('{"', 1); at > 0; at = line.indexOf('{"', at + 1)) {
    const record = parseObject(line.slice(at));
    if (record) return record;
  }
  return undefined;
}
