// This file is the upload journal in PostgreSQL: the history.jsonl and steps.jsonl records, shared by a fleet.
import type {
  ConfirmedPrevious,
  HashLike,
  HistoryItem,
  PreviousUpload,
  StepInput,
  StepRecord,
} from '../../unattended/journal.js';
import { confirmAmong, historyItems, previousUpload } from '../../unattended/journal.js';
import { type HistoryEntry, STREAM_FINGERPRINT } from '../../upload/journal.js';
import type { StateJournal } from '../store.js';
import type { Database, Queryable } from './database.js';

/** A history record: the file store's HistoryEntry, plus the full-content hash and any fields a later version adds. */
export type JournalEntry = HistoryEntry & { contentHash?: string; [field: string]: unknown };

/** The fields with columns of their own; any other field of an entry is kept in `extra` and given back as it was. */
const COLUMNS = [
  'time',
  'account',
  'provider',
  'file',
  'size',
  'fingerprint',
  'contentHash',
  'videoId',
  'title',
];

interface UploadRow {
  time: Date;
  account: string;
  provider: string;
  file: string;
  size: string;
  fingerprint: string;
  content_hash: string | null;
  video_id: string;
  title: string | null;
  extra: Record<string, unknown>;
}

interface StepRow {
  video_id: string;
  step: string;
  ok: boolean;
  time: Date;
  detail: string | null;
  reason: string | null;
}

interface SampleQuery {
  account: string;
  fingerprint: string;
  size: number;
  provider?: string;
}

const UPLOAD_FIELDS =
  'time, account, provider, file, size, fingerprint, content_hash, video_id, title, extra';

/** A row as the record the file store writes (same field order as a history.jsonl line). */
function entryOf(row: UploadRow): JournalEntry {
  const entry: JournalEntry = {
    time: row.time.toISOString(),
    account: row.account,
    provider: row.provider,
    file: row.file,
    size: Number(row.size),
    fingerprint: row.fingerprint,
    videoId: row.video_id,
  };
  if (row.content_hash !== null) entry.contentHash = row.content_hash;
  if (row.title !== null) entry.title = row.title;
  return Object.assign(entry, row.extra);
}

function stepOf(row: StepRow): StepRecord {
  const step: StepRecord = {
    type: 'step',
    videoId: row.video_id,
    step: row.step,
    ok: row.ok,
    time: row.time.toISOString(),
  };
  if (row.detail !== null) step.detail = row.detail;
  if (row.reason !== null) step.reason = row.reason;
  return step;
}

/** The mirror of the file store's journal functions (src/upload/journal.ts, src/unattended/journal.ts). */
export class PostgresJournal implements StateJournal {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  /** The database, for messages (its URL without the password). */
  get location(): string {
    return this.db.settings.display;
  }

  /**
   * Records one finished upload. Idempotent: the same (account, provider, videoId) again is not a second record,
   * so a write retried after a lost connection cannot duplicate it. Returns whether a new record was written.
   */
  async appendUpload(entry: JournalEntry, on: Queryable = this.db): Promise<boolean> {
    const extra = Object.fromEntries(
      Object.entries(entry).filter(
        ([key, value]) => !COLUMNS.includes(key) && key !== 'type' && value !== undefined,
      ),
    );
    const rows = await on.query(
      `INSERT INTO ${this.db.table('uploads')} (${UPLOAD_FIELDS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (account, provider, video_id) DO NOTHING RETURNING 1`,
      [
        entry.time,
        entry.account,
        entry.provider ?? 'youtube',
        entry.file,
        entry.size,
        entry.fingerprint,
        entry.contentHash ?? null,
        entry.videoId,
        entry.title ?? null,
        JSON.stringify(extra),
      ],
    );
    return rows.length > 0;
  }

  /** Every upload record, oldest first. */
  async readHistory(): Promise<JournalEntry[]> {
    const rows = await this.db.query<UploadRow>(
      `SELECT ${UPLOAD_FIELDS} FROM ${this.db.table('uploads')} ORDER BY id`,
    );
    return rows.map(entryOf);
  }

  /** Every step record, oldest first. */
  async readSteps(): Promise<StepRecord[]> {
    const rows = await this.db.query<StepRow>(
      `SELECT video_id, step, ok, time, detail, reason FROM ${this.db.table('steps')} ORDER BY id`,
    );
    return rows.map(stepOf);
  }

  /** The latest upload of the same sample fingerprint and size for the account (provider default 'youtube'). */
  async findPreviousUpload(query: SampleQuery): Promise<PreviousUpload | undefined> {
    return (await this.candidates(query)).at(-1);
  }

  /** As src/unattended/journal.ts findConfirmedUpload: candidates by sample, confirmed by the full hash. */
  async findConfirmedUpload(query: SampleQuery & { hash: HashLike }): Promise<ConfirmedPrevious> {
    return confirmAmong(await this.candidates(query), query.hash);
  }

  /** The latest upload of exactly this content (full hash) for the account: the fleet-wide "never twice" check. */
  async findByContentHash(query: {
    account: string;
    contentHash: string;
    provider?: string;
  }): Promise<PreviousUpload | undefined> {
    const where = 'account = $1 AND provider = $2 AND content_hash = $3';
    return (await this.uploads(where, [query.account, query.provider ?? 'youtube', query.contentHash])).at(
      -1,
    );
  }

  /** Whether a finished upload of exactly this content has this id (before --move-to / --delete-after act). */
  async isRecordedUpload(query: { account: string; provider: string; contentHash: string; videoId: string }) {
    const rows = await this.db.query(
      `SELECT 1 FROM ${this.db.table('uploads')}
        WHERE account = $1 AND provider = $2 AND video_id = $3 AND content_hash = $4`,
      [query.account, query.provider, query.videoId, query.contentHash],
    );
    return rows.length > 0;
  }

  private candidates(query: SampleQuery): Promise<PreviousUpload[]> {
    // As the file store: an upload from a pipe has no samples, so it and anything of its size are candidates,
    // confirmed by the content hash (src/unattended/journal.ts previousUploads).
    const where = `account = $1 AND provider = $2 AND size = $3 AND (fingerprint = $4
      OR ((fingerprint = $5 OR $4 = $5) AND content_hash IS NOT NULL))`;
    return this.uploads(where, [
      query.account,
      query.provider ?? 'youtube',
      query.size,
      query.fingerprint,
      STREAM_FINGERPRINT,
    ]);
  }

  /** The matching uploads, oldest first, each with the steps whose latest record succeeded. */
  private async uploads(where: string, values: unknown[]): Promise<PreviousUpload[]> {
    const rows = await this.db.query<UploadRow>(
      `SELECT ${UPLOAD_FIELDS} FROM ${this.db.table('uploads')} WHERE ${where} ORDER BY id`,
      values,
    );
    if (rows.length === 0) return [];
    const done = await this.db.query<{ video_id: string; step: string; detail: string | null }>(
      // The latest record of each step decides; steps come in the order first recorded, as the file store's do.
      `SELECT video_id, step, detail FROM (
         SELECT DISTINCT ON (video_id, step) video_id, step, ok, detail,
                min(id) OVER (PARTITION BY video_id, step) AS first
           FROM ${this.db.table('steps')} WHERE video_id = ANY($1) ORDER BY video_id, step, id DESC
       ) latest WHERE ok ORDER BY first`,
      [rows.map((row) => row.video_id)],
    );
    return rows.map((row) =>
      previousUpload(
        entryOf(row),
        done
          .filter((d) => d.video_id === row.video_id)
          .map((d) => ({ step: d.step, ...(d.detail === null ? {} : { detail: d.detail }) })),
      ),
    );
  }

  /** Records the outcome of one step after an upload (the same record as steps.jsonl's). */
  async recordStep(input: StepInput): Promise<void> {
    await this.appendStep({
      type: 'step',
      videoId: input.videoId,
      step: input.step,
      ok: input.ok,
      time: new Date((input.now ?? Date.now)()).toISOString(),
      ...(input.detail === undefined ? {} : { detail: input.detail }),
      ...(input.reason === undefined ? {} : { reason: input.reason }),
    });
  }

  /** Appends a step record as it is; the same record twice (a retried write, an import) is kept once. */
  async appendStep(record: StepRecord, on: Queryable = this.db): Promise<boolean> {
    const rows = await on.query(
      `INSERT INTO ${this.db.table('steps')} (video_id, step, ok, time, detail, reason) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (video_id, step, ok, time) DO NOTHING RETURNING 1`,
      [record.videoId, record.step, record.ok, record.time, record.detail ?? null, record.reason ?? null],
    );
    return rows.length > 0;
  }

  /** Every upload with its steps, oldest first: what `vupload history [--json]` shows, as the file store gives it. */
  async listHistory(): Promise<HistoryItem[]> {
    const [uploads, steps] = await Promise.all([this.readHistory(), this.readSteps()]);
    return historyItems(uploads, steps);
  }
}
