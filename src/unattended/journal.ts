// This file answers "was this file uploaded already, and which of its later steps are done?" from the journals.
import { join } from 'node:path';
import { appendJournalLine, readJournal } from '../journal-file.js';
import {
  HISTORY_FILE,
  type HistoryEntry,
  type RecordedMetadata,
  STREAM_FINGERPRINT,
} from '../upload/journal.js';
import { latestMetadata } from './recorded-metadata.js';

/**
 * The engine appends one record per finished upload to `<state>/history.jsonl` (src/upload/journal.ts). The steps
 * after an upload go to `<state>/steps.jsonl`, not into the same file, so readHistory() keeps returning only upload
 * records. Both are append-only JSON Lines; this module reads them with appendJournalLine's crash tolerance.
 */
export const STEPS_FILE = 'steps.jsonl';

/** Step names: `thumbnail`, `playlist:<id>`, `caption:<lang>`, `updated`, `moved`, `deleted`, `reported`. */
export const Step = {
  thumbnail: 'thumbnail',
  playlist: (playlistId: string) => `playlist:${playlistId}`,
  caption: (language: string) => `caption:${language}`,
  /** A re-run updated the video's metadata to its command's; the detail is the whole RecordedMetadata after it. */
  updated: 'updated',
  moved: 'moved',
  deleted: 'deleted',
  /** The result was printed on stdout by the run that awaited it (HistoryEntry.awaitsReport). */
  reported: 'reported',
} as const;

export interface StepRecord {
  type: 'step';
  videoId: string;
  step: string;
  ok: boolean;
  /** ISO 8601. */
  time: string;
  /** E.g. the path a file was moved to, or a playlist item id. */
  detail?: string;
  /** The machine reason of a failure (e.g. `forbidden`); never a message that might hold a secret. */
  reason?: string;
}

/** The outcome of one step to record; its time is `now()` (default: the system clock). */
export interface StepInput {
  videoId: string;
  step: string;
  ok: boolean;
  now?: () => number;
  detail?: string;
  reason?: string;
}

export interface PreviousUpload {
  videoId: string;
  entry: HistoryEntry;
  /** Steps whose latest record says they succeeded. */
  completedSteps: Set<string>;
  /** What the video carries as far as the journal knows (latestMetadata); absent for lines of older versions. */
  metadata?: RecordedMetadata;
}

/** One past upload as `vupload history --json` prints it (docs/output.md "JSON output"). */
export interface HistoryItem {
  time: string;
  profile: string;
  provider: string;
  file: string;
  bytes: number;
  fingerprint: string;
  /** The content hash of the whole content (`xxh3-128:<hex>`, content-hash.ts); absent for uploads recorded by vupload 0.1. */
  contentHash?: string;
  id: string;
  /** https://youtu.be/ID for YouTube uploads. */
  url?: string;
  title?: string;
  /** The latest record of each step, in the order the steps were first recorded. */
  steps: { step: string; ok: boolean; time: string; detail?: string; reason?: string }[];
}

export const videoUrl = (videoId: string): string => `https://youtu.be/${videoId}`;

function isUpload(record: Record<string, unknown>): record is Record<string, unknown> & HistoryEntry {
  return (
    (record.type === undefined || record.type === 'upload') &&
    typeof record.videoId === 'string' &&
    typeof record.account === 'string' &&
    typeof record.fingerprint === 'string' &&
    typeof record.size === 'number'
  );
}

function isStep(record: Record<string, unknown>): record is Record<string, unknown> & StepRecord {
  return (
    record.type === 'step' &&
    typeof record.videoId === 'string' &&
    typeof record.step === 'string' &&
    typeof record.ok === 'boolean'
  );
}

async function readUploads(stateDir: string): Promise<HistoryEntry[]> {
  return (await readJournal(join(stateDir, HISTORY_FILE))).filter(isUpload);
}

async function readSteps(stateDir: string): Promise<StepRecord[]> {
  return (await readJournal(join(stateDir, STEPS_FILE))).filter(isStep);
}

/** The latest record of each step per video id; a Map keeps each step where it was first recorded. */
function latestSteps(steps: StepRecord[]): Map<string, Map<string, StepRecord>> {
  const byVideo = new Map<string, Map<string, StepRecord>>();
  for (const record of steps) {
    const map = byVideo.get(record.videoId) ?? new Map<string, StepRecord>();
    byVideo.set(record.videoId, map);
    map.set(record.step, record);
  }
  return byVideo;
}

export interface PreviousQuery {
  stateDir: string;
  account: string;
  fingerprint: string;
  size: number;
  provider?: string;
}

/**
 * The latest upload of the same sampled content (fingerprint and size) for the same account, or undefined: a
 * candidate only, since two files can share their samples. `provider` defaults to 'youtube' (records written
 * before providers existed count as YouTube's).
 */
export async function findPreviousUpload(query: PreviousQuery): Promise<PreviousUpload | undefined> {
  return (await previousUploads(query)).at(-1);
}

async function previousUploads(query: PreviousQuery): Promise<PreviousUpload[]> {
  const provider = query.provider ?? 'youtube';
  // An upload from a pipe has no samples: it and anything of its size are candidates, confirmed by the content hash.
  const unsampled = query.fingerprint === STREAM_FINGERPRINT;
  const matches = (await readUploads(query.stateDir)).filter(
    (e) =>
      e.account === query.account &&
      (e.fingerprint === query.fingerprint ||
        ((unsampled || e.fingerprint === STREAM_FINGERPRINT) && e.contentHash !== undefined)) &&
      e.size === query.size &&
      (e.provider ?? 'youtube') === provider,
  );
  if (matches.length === 0) return [];
  const steps = latestSteps(await readSteps(query.stateDir));
  return matches.map((entry) => {
    const done = [...(steps.get(entry.videoId)?.values() ?? [])].filter((s) => s.ok);
    return previousUpload(entry, done);
  });
}

/** A journaled upload with its succeeded steps (each step's latest record), as every store gives it. */
export function previousUpload(
  entry: HistoryEntry,
  done: ReadonlyArray<{ step: string; detail?: string }>,
): PreviousUpload {
  const metadata = latestMetadata(entry.metadata, done.find((s) => s.step === Step.updated)?.detail);
  return {
    videoId: entry.videoId,
    entry,
    completedSteps: new Set(done.map((s) => s.step)),
    ...(metadata ? { metadata } : {}),
  };
}

/** What the journal says of a file's content, confirmed by its full hash (issue 11: "the same bytes"). */
export type ConfirmedPrevious =
  | { kind: 'none' }
  /** An upload whose recorded content hash equals the file's. */
  | { kind: 'confirmed'; previous: PreviousUpload; contentHash: string }
  /** A record of vupload 0.1, which kept no content hash: the samples match, the rest cannot be compared. */
  | { kind: 'sampleOnly'; previous: PreviousUpload };

/** Hashes the file with the algorithm of `like`, a recorded content hash (`<algorithm>:<hex>`). */
export type HashLike = (like: string) => Promise<string>;

/**
 * Looks the file up by its samples, and confirms a candidate by hashing the whole file (confirmAmong).
 */
export async function findConfirmedUpload(
  query: PreviousQuery & { hash: HashLike },
): Promise<ConfirmedPrevious> {
  return confirmAmong(await previousUploads(query), query.hash);
}

/**
 * Of the candidates found by sample (oldest first), the latest whose recorded content hash is the file's: `hash` is
 * called only when there is one with a hash, and once per algorithm among them (vupload 0.1's are SHA-256, later
 * ones XXH3-128). A record without a hash (vupload 0.1) is `sampleOnly`; candidates with another hash are other content.
 */
export async function confirmAmong(candidates: PreviousUpload[], hash: HashLike): Promise<ConfirmedPrevious> {
  const hashes = new Map<string, string>();
  for (const candidate of candidates.toReversed()) {
    const recorded = candidate.entry.contentHash;
    if (recorded === undefined) continue;
    const algorithm = recorded.includes(':') ? recorded.slice(0, recorded.indexOf(':')) : '';
    if (!hashes.has(algorithm)) hashes.set(algorithm, await hash(recorded));
    if (hashes.get(algorithm) === recorded)
      return { kind: 'confirmed', previous: candidate, contentHash: recorded };
  }
  const legacy = candidates.filter((c) => c.entry.contentHash === undefined).at(-1);
  return legacy ? { kind: 'sampleOnly', previous: legacy } : { kind: 'none' };
}

/** Whether the journal holds a finished upload of exactly this content (for --move-to / --delete-after). */
export async function isRecordedUpload(query: {
  stateDir: string;
  account: string;
  provider: string;
  contentHash: string;
  videoId: string;
}): Promise<boolean> {
  return (await readUploads(query.stateDir)).some(
    (e) =>
      e.videoId === query.videoId &&
      e.account === query.account &&
      (e.provider ?? 'youtube') === query.provider &&
      e.contentHash === query.contentHash,
  );
}

/** Records the outcome of one step after an upload (appended and fsynced before returning). */
export async function recordStep(input: StepInput & { stateDir: string }): Promise<void> {
  const record: StepRecord = {
    type: 'step',
    videoId: input.videoId,
    step: input.step,
    ok: input.ok,
    time: new Date((input.now ?? Date.now)()).toISOString(),
  };
  if (input.detail !== undefined) record.detail = input.detail;
  if (input.reason !== undefined) record.reason = input.reason;
  await appendJournalLine(join(input.stateDir, STEPS_FILE), record);
}

/** The steps of `wanted` that are not completed yet, in `wanted`'s order (what a re-run still has to do). */
export function pendingSteps(wanted: readonly string[], completed: ReadonlySet<string>): string[] {
  return wanted.filter((step) => !completed.has(step));
}

/** Every upload with its steps, oldest first: the data behind `vupload history [--json]`. */
export async function listHistory(stateDir: string): Promise<HistoryItem[]> {
  const [uploads, steps] = await Promise.all([readUploads(stateDir), readSteps(stateDir)]);
  return historyItems(uploads, steps);
}

/** The history view of journal records (pure; every store gives `vupload history` this). One item per video. */
export function historyItems(uploads: readonly HistoryEntry[], steps: readonly StepRecord[]): HistoryItem[] {
  const stepsByVideo = latestSteps([...steps]);
  const seen = new Set<string>();
  const items: HistoryItem[] = [];
  for (const entry of uploads) {
    if (seen.has(entry.videoId)) continue;
    seen.add(entry.videoId);
    const provider = entry.provider ?? 'youtube';
    const item: HistoryItem = {
      time: entry.time,
      profile: entry.account,
      provider,
      file: entry.file,
      bytes: entry.size,
      fingerprint: entry.fingerprint,
      ...(entry.contentHash !== undefined ? { contentHash: entry.contentHash } : {}),
      id: entry.videoId,
      steps: [...(stepsByVideo.get(entry.videoId)?.values() ?? [])].map(
        ({ step, ok, time, detail, reason }) => ({
          step,
          ok,
          time,
          ...(detail === undefined ? {} : { detail }),
          ...(reason === undefined ? {} : { reason }),
        }),
      ),
    };
    // Lines before providers recorded their pages are YouTube's (or Youku's, which never had one in history).
    const url = entry.url ?? (provider === 'youtube' ? videoUrl(entry.videoId) : undefined);
    if (url !== undefined) item.url = url;
    // A re-run that updated the title recorded the new one: history shows what the video is called now.
    const updated = stepsByVideo.get(entry.videoId)?.get(Step.updated);
    const title = latestMetadata(undefined, updated?.ok ? updated.detail : undefined)?.fields[
      'snippet.title'
    ];
    if (typeof title === 'string') item.title = title;
    else if (entry.title !== undefined) item.title = entry.title;
    items.push(item);
  }
  return items;
}
