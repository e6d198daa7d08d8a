// This file is what the upload job asks of a video service (YouTube, Youku): one path for validation, dry runs,
// quota, locks, journal, steps and housekeeping, whichever service the bytes go to (issue 11, item 1).
import { usageError } from '../../errors.js';
import type { ProviderStateStore } from '../../state/store.js';
import type { SessionFate } from '../../upload/ask-session.js';
import type { RecordedMetadata } from '../../upload/journal.js';
import type { SessionRecord, SessionStore } from '../../upload/session-store.js';
import type { CliContext, GlobalOptions } from '../context.js';
import type { Output } from '../output.js';
import type { Provider } from '../providers/index.js';
import type { PrepareOptions, UploadFlags, UploadPlan } from './prepare.js';
import type { StepOutcome } from './steps.js';

/** What the job hands a provider's upload: its last word before a new video is created, and the journal. */
export interface ProviderRun {
  plan: UploadPlan;
  ctx: CliContext;
  globals: GlobalOptions;
  out: Output;
  /** The profile's login (loaded once per job; a login starts only on a terminal). */
  login(): Promise<Awaited<ReturnType<typeof import('../session.js').openAuth>>>;
  /**
   * Called when no upload kept by an earlier run can be continued and a new one is about to be created; `skip`
   * means the journal proves this content was uploaded (nothing is created). Throws when the quota is spent.
   */
  beforeNew(): Promise<{ skip: unknown } | undefined>;
  /** Write-ahead: journals a finished upload before its kept session or state is removed. */
  record(upload: RecordedUpload): Promise<void>;
  /** Where the engine keeps this upload's resumable session (the run's state store). */
  sessions: SessionStore;
  /** Where a provider keeps resume state of its own (Youku's upload token). */
  providerState: ProviderStateStore;
  /**
   * An upload from a pipe: where its session is saved (this run's own key, pipe-sessions.ts), and the last word
   * before the request that carries the total makes the video (`skip`: the journal has this content already).
   */
  pipe?: {
    sessions: SessionStore;
    key: string;
    beforeFinal(content: { size: number; contentHash: string }): Promise<{ skip: unknown } | undefined>;
  };
}

/** A finished upload as the journal needs it (src/upload/journal.ts HistoryEntry, without time/account). */
export interface RecordedUpload {
  videoId: string;
  file: string;
  size: number;
  fingerprint: string;
  /** Absent for standard input. */
  mtimeMs?: number;
  /** Absent only for an earlier content of the file found finished (it cannot be hashed any more). */
  contentHash?: string;
  title?: string;
  /** What the upload set, for the next run with other metadata to compare with (recorded-metadata.ts). */
  metadata?: RecordedMetadata;
  /** Youku: the id create returned, and whether it differs from commit's. */
  createVideoId?: string;
  idsDiffer?: boolean;
}

/** What a provider's upload gives back. */
export interface ProviderResult {
  id: string;
  title: string;
  privacyStatus: string;
  file: string;
  bytes: number;
  contentHash?: string;
  seconds: number;
  resumed: boolean;
  /** An earlier run finished this upload but was stopped before recording it; this run recorded it. */
  finishedEarlier: boolean;
  /** The metadata the finished upload was created with, when it is not what this run asked for. */
  earlierMetadata?: unknown;
  retries: number;
  sessionRestarts: number;
  bytesSent: number;
  /** The journal write failed (e.g. ENOSPC): the video exists; the kept session lets the next run find it. */
  recordError?: unknown;
  /** beforeNew said to skip: what it gave. */
  skipped?: unknown;
  /** Provider-specific fields for --json (Youku: createVideoId, idsDiffer). */
  extra?: Record<string, unknown>;
}

export interface UploadProvider {
  readonly name: Provider;
  /** YouTube's daily units are counted in the local ledger; a provider without such a quota refuses --quota. */
  readonly countsQuota: boolean;
  /** Builds the plan from the flags (exit 2 on any problem, naming the flag). */
  prepare(fileArg: string, flags: UploadFlags, options: PrepareOptions): Promise<UploadPlan>;
  /** The requests a real run would send, secrets redacted. */
  dryRun(plan: UploadPlan, globals: GlobalOptions, ctx: CliContext): Promise<unknown[]>;
  /** Journal names of the steps after the upload that the plan asks for. */
  wantedSteps(plan: UploadPlan): string[];
  upload(run: ProviderRun): Promise<ProviderResult>;
  /** The page of a video, for messages and --json. */
  videoUrl(id: string): string;
  /**
   * A provider that uploads from a pipe: the API root its sessions belong to, and how to ask one that an earlier run
   * saved what became of it (pipe-sessions.ts). Absent: no pipes, nothing to ask.
   */
  pipeSessions?: {
    apiRoot(globals: GlobalOptions, ctx: CliContext): string;
    ask(
      record: SessionRecord,
      run: Pick<ProviderRun, 'ctx' | 'globals' | 'login'> & { retries?: number },
    ): Promise<SessionFate>;
  };
  /**
   * How a video's metadata is changed when a re-run's command sets other values than were recorded (issue 27, item 3);
   * absent when the provider cannot (the re-run says so and changes nothing).
   */
  readonly update?: MetadataUpdater;
}

export interface MetadataUpdater {
  /** Quota units one update spends, counted before it is sent (0 for a provider without quota). */
  readonly cost: number;
  /**
   * Sets `fields` (flattenFields paths → values) on the video and leaves every other field as it is. Idempotent: a
   * run killed after it and before its journal record does it again. Returns the units it spent (less than `cost`
   * when the video had the values already and nothing was sent).
   */
  apply(
    run: Pick<ProviderRun, 'ctx' | 'globals' | 'out' | 'login'>,
    videoId: string,
    fields: Record<string, unknown>,
  ): Promise<number>;
}

/** Flags every provider honours: the file, job control and output (the rest is per provider). */
export const COMMON_FLAGS = new Set([
  'file',
  'title',
  'description',
  'descriptionFile',
  'keywords',
  'tags',
  'dryRun',
  'retries',
  'restart',
  'force',
  'waitLock',
  'moveTo',
  'deleteAfter',
  'logFile',
  'concurrency',
  'limitRate',
  'update',
]);

/** `--publish-at` for publishAt, `--no-embeddable` for embeddable=false; the Google sample's camelCase names stay. */
export function flagName(key: string, value: unknown): string {
  if (key === 'privacyStatus') return '--privacyStatus';
  const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return value === false ? `--no-${kebab}` : `--${kebab}`;
}

/**
 * Refuses (exit 2, before anything is sent) every given flag outside `supported`: a provider never ignores a flag.
 * `where` names a manifest line when the flags came from one.
 */
export function refuseUnsupported(
  flags: object,
  supported: ReadonlySet<string>,
  provider: string,
  where?: string,
): void {
  const refused = Object.entries(flags)
    .filter(([key, value]) => value !== undefined && !supported.has(key))
    .map(([key, value]) => flagName(key, value));
  if (refused.length === 0) return;
  const list = refused.join(', ');
  throw usageError(
    `${where ? `${where}: ` : ''}${list}: ${refused.length === 1 ? 'is' : 'are'} not available with the ${provider} provider.`,
    `Leave ${refused.length === 1 ? 'it' : 'them'} out, or upload with --provider youtube.`,
  );
}

/** The provider's implementation, loaded on demand. */
export async function loadProvider(name: Provider): Promise<UploadProvider> {
  if (name === 'youku') return (await import('./youku.js')).youkuProvider;
  return (await import('./youtube.js')).youtubeProvider;
}

export type { StepOutcome };
