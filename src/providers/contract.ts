// This file is the provider contract: what a video platform declares so that every command, and the one upload job
// (lock, kept session, journal, quota, steps, housekeeping), serves it without knowing it (issue 25, docs/providers.md
// "Adding a provider"). A provider is a folder src/providers/<name>/ whose provider.ts exports `provider`, and a
// registry line.
import type { CliContext, GlobalOptions } from '../cli/context.js';
import type { MetadataFlags } from '../cli/metadata-flags.js';
import type { Output } from '../cli/output.js';
import type { UploadFlags } from '../cli/upload/prepare.js';
import type { VuploadError } from '../errors.js';
import type { Env } from '../paths.js';
import type { LockStore, ProviderStateStore, StateJournal } from '../state/store.js';
import type { SessionFate } from '../upload/ask-session.js';
import type { RecordedMetadata } from '../upload/journal.js';
import type { SessionRecord, SessionStore } from '../upload/session-store.js';

/** What every command hands a provider: its context, the global flags and where to print. */
export interface Request {
  ctx: CliContext;
  globals: GlobalOptions;
  out: Output;
}

/** A profile's login in use: what the upload engine puts on its requests, and one refresh after a 401. */
export interface ProviderSession {
  headers(): Promise<Record<string, string>>;
  refresh(): Promise<void>;
}

/** Everything an upload needs, checked before anything is sent (exit 2 on any problem, naming the flag). */
export interface UploadPlan<R extends object = object> {
  file: string;
  size: number;
  contentType: string;
  /** What the platform's create takes (YouTube's video resource, PeerTube's form): compared on resume and re-run. */
  resource: R;
  /** The resource's fields (flattenFields paths) the command sets itself, not left to defaults (issue 27, item 3). */
  given: string[];
  /** Field path → the template it was rendered from. */
  templates?: Record<string, string>;
  thumbnail?: string;
  playlists: string[];
  createPlaylist: boolean;
  captions: Array<{ path: string; language: string }>;
  wait: boolean;
  open: boolean;
  chunkSize?: number;
  limitRate?: number;
  retries?: number;
  /** No retry starts after this long (the engine's time budget). */
  timeBudgetMs?: number;
  restart: boolean;
  /** A session kept for this file's earlier content is asked, then dropped: the file is new content (watch). */
  changedIsNew?: boolean;
  /** Notes for stderr (e.g. the chunk size was rounded). */
  notes: string[];
  /** The video comes from standard input: size unknown (0), read once, nothing to lock, resume or move. */
  stdin?: boolean;
}

export interface PrepareOptions {
  cwd: string;
  now: number;
  /** How the file was named, for messages: '--file', 'file' or 'manifest line N'. */
  flag: string;
  env: Env;
  stdin?: boolean;
  /** The global --client-secrets flag: that file is never content (confine.ts). */
  clientSecrets?: string;
}

/** What the job hands a provider's upload: its last word before a new video is created, and the journal. */
export interface ProviderRun<P extends UploadPlan = UploadPlan> extends Request {
  plan: P;
  /** The profile's login (opened once per job, on the first request; a login starts only on a terminal). */
  session(): Promise<ProviderSession>;
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
  /** The video's page (recorded so that history can show it without the provider). */
  url?: string;
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
  /** Provider-specific fields for --json (Youku: createVideoId, idsDiffer; PeerTube: uuid). */
  extra?: Record<string, unknown>;
}

/** What the steps after an upload add to its result (--json). */
export interface StepOutcome {
  thumbnail?: string;
  playlists: Array<{ id: string; title: string; created: boolean }>;
  captions: Array<{ id: string; language: string }>;
  processing?: unknown;
  /** The folder the video was put in (Vimeo's --folder). */
  folder?: { id: string; name: string; created: boolean };
}

export interface StepContext extends Request {
  /** The login, opened once per job. */
  session(): Promise<ProviderSession>;
  /** Steps an earlier run completed for this video: not done again. */
  done: ReadonlySet<string>;
  /**
   * The video was created (or finished) by this run, so no earlier run can have added it to a playlist or given it
   * a caption: nothing needs asking first. Steps run only after the video is journaled, and a journaled video is
   * never uploaded again, so only an "already uploaded" video can have steps an earlier run did but did not record.
   */
  fresh: boolean;
  /** The run's locks (a playlist is created under one, so that concurrent runs create one, not one each). */
  locks: LockStore;
  /** Journals each step's result, so that a re-run finishes only what is left. */
  record(step: string, ok: boolean, detail?: string): Promise<void>;
  /** Counts quota units a step spent beyond what was counted before the upload (creating a playlist). */
  spent(units: number): Promise<void>;
}

/**
 * The steps after an upload, by journal name (src/unattended/journal.ts Step): each is idempotent, asking the server
 * first where doing it twice would leave a trace (a second playlist entry, a second caption track).
 */
export interface ProviderSteps<P extends UploadPlan = UploadPlan> {
  wanted(plan: P): string[];
  run(plan: P, id: string, outcome: StepOutcome, s: StepContext): Promise<void>;
}

/**
 * How a platform limits uploads.
 * - `units`: daily units counted in vupload's own ledger before anything is sent (YouTube; --quota sets the budget).
 * - `server`: the platform keeps the count (bytes, videos); `check` asks it before a new upload and throws a quota
 *   error (exit 4, with the numbers) when the file does not fit.
 * - `none`: nothing vupload can know ahead.
 */
export type QuotaModel =
  | {
      kind: 'units';
      /** Units of an upload (`insert`) and of `steps`; `fresh`: created by this run, so no step asks first. */
      cost(what: { insert: boolean; steps: string[]; fresh: boolean }): number;
      /** Units of the inserts among `steps` that a re-run finds done by asking first (playlist items, captions). */
      askedFirst(steps: string[]): number;
      /** The quota day of `now` (YouTube: the date at midnight Pacific time). */
      day(now: Date): string;
      /** When the quota day after `now` begins. */
      resetAt(now: Date): Date;
    }
  | {
      kind: 'server';
      check(plan: UploadPlan, run: Request & { session(): Promise<ProviderSession> }): Promise<void>;
      /** `vupload quota --provider NAME`: what the platform says is used and left. */
      show(req: Request): Promise<void>;
    }
  | { kind: 'none' };

/** Changing a video's metadata: `vupload update`, and a re-run whose command sets other values than recorded. */
export interface MetadataUpdater {
  /** Quota units one update spends, counted before it is sent (0 for a provider without a units quota). */
  readonly cost: number;
  /**
   * Sets `fields` (flattenFields paths of the plan's resource → values) on the video and leaves every other field as
   * it is. Idempotent: a run killed after it and before its journal record does it again. Returns the units spent.
   */
  apply(
    run: Request & { session(): Promise<ProviderSession> },
    videoId: string,
    fields: Record<string, unknown>,
  ): Promise<number>;
  /** `vupload update ID` with these flags (prints its own result; --dry-run sends nothing). */
  command(videoId: string, flags: MetadataFlags & { dryRun?: boolean }, req: Request): Promise<void>;
}

/** One saved login, as `vupload auth list` prints it. */
export interface LoginRow {
  profile: string;
  provider: string;
  channel: { id: string; title: string } | null;
  scopes: string[];
  accessTokenExpiry: string | null;
  refreshTokenExpiry: string | null;
  /** How long the login lasts where the two expiries do not say it (Vimeo: its tokens last until revoked). */
  lifetime?: string;
  tokenFile: string;
  createdAt: string | null;
  warnings: string[];
  error?: { code: string; message: string };
}

/** `vupload auth login` flags; each provider honours some (the others are refused, exit 2, naming them). */
export interface LoginFlags {
  browser: boolean;
  openBrowser?: boolean;
  port?: number;
  timeoutMs: number;
  scope?: string;
  loginHint?: string;
  instance?: string;
  username?: string;
  passwordFile?: string;
  tokenFile?: string;
}

export interface ProviderAuth {
  /** How a person logs in: a browser consent with a loopback redirect, a password, or a token they paste. */
  readonly kind: 'oauth-browser' | 'password' | 'token';
  /** The `auth login` flags (LoginFlags keys, besides `browser` and `timeoutMs`) this provider honours. */
  readonly loginFlags: ReadonlySet<keyof LoginFlags>;
  login(req: Request, flags: LoginFlags): Promise<void>;
  /** Exit 3 when the profile is not logged in. */
  status(req: Request): Promise<void>;
  logout(req: Request, flags: { revoke?: boolean }): Promise<void>;
  /** `vupload auth import FILE`: a login saved by another tool, or a token the platform issued. */
  import?(req: Request, file: string): Promise<void>;
  /** Every saved login of this provider (each row proves the login still works where it can). */
  list(req: Request): Promise<LoginRow[]>;
  /** The profile's login for the engine and the steps; starts a login only when a person is at a terminal. */
  open(req: Request): Promise<ProviderSession>;
}

export interface Provider<P extends UploadPlan = UploadPlan> {
  /** `--provider` value and the journal's `provider` field. */
  readonly name: string;
  /** How messages name it: 'YouTube'. */
  readonly title: string;
  readonly auth: ProviderAuth;
  /** Upload flags (UploadFlags keys) it honours; any other given flag is refused before a request (exit 2). */
  readonly uploadFlags: ReadonlySet<string>;
  /** A video of unknown length (a pipe) can be uploaded; otherwise why not (refused with exit 2, saying so). */
  readonly pipe: true | { reason: string };
  /**
   * With pipes: the API root its pipe sessions belong to, and how to ask one that an earlier run saved what became
   * of it (src/cli/upload/pipe-sessions.ts).
   */
  readonly pipeSessions?: {
    apiRoot(req: Pick<Request, 'ctx' | 'globals'>): string;
    ask(
      record: SessionRecord,
      run: Pick<Request, 'ctx' | 'globals'> & { session(): Promise<ProviderSession>; retries?: number },
    ): Promise<SessionFate>;
  };
  readonly quota: QuotaModel;
  readonly steps: ProviderSteps<P>;
  readonly update?: MetadataUpdater;
  /**
   * Who owns the uploads, for "never twice" (the journal's `account`): default the profile. PeerTube's is the
   * account's handle on its instance (`user@host`), so the same file goes once to each instance and account,
   * whichever profile logged in there. Throws (exit 3) when that cannot be known without a login.
   */
  account?(req: Pick<Request, 'ctx' | 'globals'>): Promise<string>;
  prepare(fileArg: string, flags: UploadFlags, options: PrepareOptions): Promise<P>;
  /** The requests a real run would send, secrets redacted. */
  dryRun(plan: P, req: Request): Promise<unknown[]>;
  upload(run: ProviderRun<P>): Promise<ProviderResult>;
  /** `vupload status ID [--wait]` (prints its own result; exit non-zero when processing failed). */
  status(videoId: string, req: Request, flags: { wait?: boolean; requestedPrivacy?: string }): Promise<void>;
  /** The `status` flags it honours (`wait`, `requestedPrivacy`); any other given is refused, exit 2, naming it. */
  statusFlags: ReadonlySet<'wait' | 'requestedPrivacy'>;
  /** The page of a video, for messages and --json. */
  videoUrl(videoId: string, req: Pick<Request, 'ctx' | 'globals'>): string;
  /** Any failure of this provider's calls as a VuploadError with its exit code (2 input, 3 login, 4 quota, 5 network). */
  mapError(error: unknown, context: { operation: string; action: string }): VuploadError;
}

/** The journal, as the steps and a re-run's update see it. */
export type { StateJournal };
