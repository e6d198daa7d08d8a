// This file moves history between a file state directory and the database: JSON Lines out, JSON Lines in.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { appendJournalLine, readJournal } from '../../journal-file.js';
import { jsonRecordFiles } from '../../json-records.js';
import { PROVIDER_NAMES } from '../../providers/registry.js';
import { STEPS_FILE, type StepRecord } from '../../unattended/journal.js';
import { LEDGER_FILE, parseLedger } from '../../unattended/quota.js';
import { HISTORY_FILE } from '../../upload/journal.js';
import { createFileSessionStore, type SessionRecord, sessionsDir } from '../../upload/session-store.js';
import type { Database } from './database.js';
import type { JournalEntry, PostgresJournal } from './journal.js';
import type { PostgresProviderState } from './provider-state.js';
import type { PostgresQuotaLedger } from './quota.js';
import type { PostgresSessionStore } from './sessions.js';

export interface TransferCounts {
  /** Records written. */
  added: number;
  /** Records the target had already (imports and exports can be repeated). */
  present: number;
  /** Records skipped because they are not a valid upload, step or session. */
  invalid: number;
}

export interface TransferReport {
  uploads: TransferCounts;
  steps: TransferCounts;
  sessions: TransferCounts;
  /** Days of the quota ledger (import only: present counts none, a merge keeps the larger spend). */
  quotaDays: TransferCounts;
}

interface Stores {
  db: Database;
  journal: PostgresJournal;
  sessions: PostgresSessionStore;
  quota: PostgresQuotaLedger;
  providerState(provider: string): PostgresProviderState;
}

const counts = (): TransferCounts => ({ added: 0, present: 0, invalid: 0 });

/** An upload record as history.jsonl holds it (the checks of src/unattended/journal.ts). */
export function isUploadRecord(record: Record<string, unknown>): record is JournalEntry {
  return (
    (record.type === undefined || record.type === 'upload') &&
    typeof record.videoId === 'string' &&
    typeof record.account === 'string' &&
    typeof record.fingerprint === 'string' &&
    typeof record.size === 'number' &&
    typeof record.file === 'string' &&
    typeof record.time === 'string' &&
    !Number.isNaN(Date.parse(record.time))
  );
}

export function isStepRecord(
  record: Record<string, unknown>,
): record is Record<string, unknown> & StepRecord {
  return (
    record.type === 'step' &&
    typeof record.videoId === 'string' &&
    typeof record.step === 'string' &&
    typeof record.ok === 'boolean' &&
    typeof record.time === 'string' &&
    !Number.isNaN(Date.parse(record.time))
  );
}

/** Records as JSON Lines: one JSON object per line, each line ending in a newline. */
export function toJsonLines(records: readonly object[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

/**
 * Imports parsed journal records into the database in one transaction: all or nothing. A record already there
 * (same account, provider and id; the same step record) is counted as present, so an import can be repeated.
 */
export async function importJournal(
  stores: Stores,
  records: { history: Record<string, unknown>[]; steps: Record<string, unknown>[] },
): Promise<Pick<TransferReport, 'uploads' | 'steps'>> {
  const report = { uploads: counts(), steps: counts() };
  await stores.db.transaction(async (tx) => {
    for (const record of records.history) {
      if (!isUploadRecord(record)) report.uploads.invalid += 1;
      else if (await stores.journal.appendUpload({ ...record, provider: record.provider ?? 'youtube' }, tx))
        report.uploads.added += 1;
      else report.uploads.present += 1;
    }
    for (const record of records.steps) {
      if (!isStepRecord(record)) report.steps.invalid += 1;
      else if (await stores.journal.appendStep(record, tx)) report.steps.added += 1;
      else report.steps.present += 1;
    }
  });
  return report;
}

/**
 * `vupload state import`: history.jsonl, steps.jsonl, the saved sessions (and Youku's resume state) and quota.json of
 * a state directory.
 */
export async function importStateDir(stores: Stores, stateDir: string): Promise<TransferReport> {
  const [history, steps] = await Promise.all([
    readJournal(join(stateDir, HISTORY_FILE)),
    readJournal(join(stateDir, STEPS_FILE)),
  ]);
  const journal = await importJournal(stores, { history, steps });
  const sessions = counts();
  const dir = sessionsDir(stateDir);
  const names = await namesIn(dir);
  const files = createFileSessionStore(dir);
  for (const key of jsonKeys(names)) {
    const record = await files.load(key).catch(() => undefined);
    if (!record) sessions.invalid += 1;
    else if (await stores.sessions.load(key)) sessions.present += 1;
    else {
      await stores.sessions.save(key, record);
      sessions.added += 1;
    }
  }
  for (const provider of PROVIDERS_WITH_STATE) {
    const source = jsonRecordFiles(join(stateDir, provider), 'state');
    const target = stores.providerState(provider);
    for (const key of jsonKeys(await namesIn(join(stateDir, provider)))) {
      const record = await source.load(key).catch(() => undefined);
      if (typeof record !== 'object' || record === null) sessions.invalid += 1;
      else if ((await target.load(key)) !== undefined) sessions.present += 1;
      else {
        await target.save(key, record);
        sessions.added += 1;
      }
    }
  }
  return { ...journal, sessions, quotaDays: await importLedger(stores, stateDir) };
}

/** Resume state a provider keeps in `<state>/<provider>/` (Youku's upload token); counted as sessions. */
const PROVIDERS_WITH_STATE: readonly string[] = PROVIDER_NAMES;

const jsonKeys = (names: string[]) =>
  names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => n.slice(0, -'.json'.length));

async function namesIn(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
}

/** The days of `<stateDir>/quota.json`, merged into the ledger table (a corrupt entry counts as invalid). */
async function importLedger(stores: Stores, stateDir: string): Promise<TransferCounts> {
  const report = counts();
  const text = await readFile(join(stateDir, LEDGER_FILE), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return report;
  const { data, problems } = parseLedger(text);
  report.invalid = problems.length;
  for (const [account, days] of Object.entries(data.accounts)) {
    for (const [day, usage] of Object.entries(days)) {
      await stores.quota.mergeDay(account, day, usage);
      report.added += 1;
    }
  }
  return report;
}

/**
 * `vupload state export` (the quota ledger stays: the file store starts its own count): appends to the directory's history.jsonl and steps.jsonl the records it lacks (each line
 * fsynced, as the file store writes them, so a vupload running meanwhile loses nothing) and saves the sessions it
 * lacks. Exporting twice adds nothing the second time.
 */
export async function exportStateDir(stores: Stores, stateDir: string): Promise<TransferReport> {
  const report: TransferReport = {
    uploads: counts(),
    steps: counts(),
    sessions: counts(),
    quotaDays: counts(),
  };
  const uploadKey = (r: Record<string, unknown>) =>
    JSON.stringify([r.account, r.provider ?? 'youtube', r.videoId]);
  const stepKey = (r: Record<string, unknown>) =>
    JSON.stringify([r.videoId, r.step, r.ok, Date.parse(String(r.time))]);
  const haveUploads = new Set((await readJournal(join(stateDir, HISTORY_FILE))).map(uploadKey));
  const haveSteps = new Set((await readJournal(join(stateDir, STEPS_FILE))).map(stepKey));
  for (const entry of await stores.journal.readHistory()) {
    if (haveUploads.has(uploadKey(entry))) report.uploads.present += 1;
    else {
      await appendJournalLine(join(stateDir, HISTORY_FILE), entry);
      report.uploads.added += 1;
    }
  }
  for (const step of await stores.journal.readSteps()) {
    if (haveSteps.has(stepKey(step as unknown as Record<string, unknown>))) report.steps.present += 1;
    else {
      await appendJournalLine(join(stateDir, STEPS_FILE), step);
      report.steps.added += 1;
    }
  }
  const files = createFileSessionStore(sessionsDir(stateDir));
  const exists = (file: string) =>
    readFile(file).then(
      () => true,
      () => false,
    );
  for (const { key, record } of await stores.sessions.list()) {
    if (await exists(join(sessionsDir(stateDir), `${key}.json`))) report.sessions.present += 1;
    else {
      await files.save(key, record as SessionRecord);
      report.sessions.added += 1;
    }
  }
  for (const provider of PROVIDERS_WITH_STATE) {
    const target = jsonRecordFiles(join(stateDir, provider), 'state');
    for (const { key, record } of await stores.providerState(provider).list()) {
      if (await exists(join(stateDir, provider, `${key}.json`))) report.sessions.present += 1;
      else {
        await target.save(key, record as object);
        report.sessions.added += 1;
      }
    }
  }
  return report;
}
