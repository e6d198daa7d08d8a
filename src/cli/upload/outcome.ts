// This file builds an upload job's result (UploadOutcome) and says it: uploaded, already uploaded, not recorded.
import { type ErrorJson, ExitCode, errorJson, isVuploadError, VuploadError } from '../../errors.js';
import type { Provider, ProviderResult, StepOutcome, UploadPlan } from '../../providers/contract.js';
import type { StateStore } from '../../state/store.js';
import type { ConfirmedPrevious } from '../../unattended/journal.js';
import type { MetadataChange } from '../../unattended/recorded-metadata.js';
import type { CliContext, GlobalOptions } from '../context.js';
import type { Output } from '../output.js';
import type { Convergence } from './converge.js';
import type { PipeSessions } from './pipe-sessions.js';

export interface UploadOutcome extends StepOutcome {
  provider: string;
  id: string;
  url: string;
  /** Absent when not known (an upload found in the journal whose title was not recorded). */
  title?: string;
  /** What YouTube answered at the upload; absent when not known (already uploaded, Youku). */
  privacyStatus?: string;
  file: string;
  bytes: number;
  /** The content hash of the whole content (`xxh3-128:<hex>`), as journaled. */
  contentHash?: string;
  seconds: number;
  resumed: boolean;
  /** True when nothing was uploaded because the journal already had this content for this account. */
  alreadyUploaded: boolean;
  /** An earlier run finished this upload but was stopped before recording it; this run recorded it. */
  finishedEarlier: boolean;
  retries: number;
  sessionRestarts: number;
  bytesSent: number;
  /** Where the file went after a complete upload with --move-to, or 'deleted'. */
  housekeeping?: string;
  /** Fields of a video uploaded before that this run changed to what its command sets (before: as recorded). */
  updated?: MetadataChange[];
  /** Fields that differ but were left as they are (--no-update, or a provider that cannot update). */
  notUpdated?: MetadataChange[];
  /** A step after the upload failed: the video exists, its id is still the result. */
  error?: ErrorJson;
}

export type JobResult = { outcome: UploadOutcome; failure?: VuploadError };

/** What the outcome of one job is built from (job.ts). */
export interface OutcomeOf {
  plan: UploadPlan;
  provider: Provider;
  out: Output;
  /** The file's name, or the pipe's label. */
  label: string;
  /** Where the job runs, for what a provider derives from the profile (a video's page on a PeerTube instance). */
  where: { ctx: CliContext; globals: GlobalOptions };
  pipes?: PipeSessions;
}

/** A new upload's result (or one an earlier run finished and this run recorded). */
export function uploadedOutcome(
  job: OutcomeOf,
  result: ProviderResult,
  convergence: Convergence | undefined,
): UploadOutcome {
  if (result.finishedEarlier) {
    job.out.info(
      `An earlier run uploaded ${job.label} completely but was stopped before recording it; recorded now, nothing sent again.`,
    );
  }
  if (convergence?.kind === 'differs')
    job.out.info(`${result.id} was created with the metadata of that earlier run, not all of this one's.`);
  return {
    provider: job.provider.name,
    id: result.id,
    url: job.provider.videoUrl(result.id, job.where),
    ...(result.title ? { title: result.title } : {}),
    ...(result.privacyStatus ? { privacyStatus: result.privacyStatus } : {}),
    file: result.file,
    bytes: result.bytes,
    ...(result.contentHash ? { contentHash: result.contentHash } : {}),
    seconds: result.seconds,
    resumed: result.resumed,
    alreadyUploaded: false,
    finishedEarlier: result.finishedEarlier,
    retries: result.retries,
    sessionRestarts: result.sessionRestarts,
    bytesSent: result.bytesSent,
    playlists: [],
    captions: [],
    ...(result.extra ?? {}),
  };
}

/** The result of content the journal had for this account: nothing made (a pipe: its last request not sent). */
export function alreadyUploaded(
  job: OutcomeOf,
  found: Exclude<ConfirmedPrevious, { kind: 'none' }>,
  result: ProviderResult,
  convergence: Convergence | undefined,
): UploadOutcome {
  const { previous } = found;
  const sample =
    found.kind === 'sampleOnly'
      ? ' (recorded by an older vupload without a content hash: matched by size and samples only)'
      : '';
  // A dead run from a pipe made it, and this run found and recorded it (pipe-sessions.ts).
  const earlierRun = job.pipes?.recovered.has(previous.videoId) === true;
  const from = earlierRun ? ' by the earlier run from a pipe' : '';
  // --force makes a second video (and spends 1600 units): never the advice for other metadata (issue 27, item 3).
  const kind = convergence?.kind ?? 'same';
  const tail = {
    same: ' (--force uploads it again).',
    differs: '.',
    unknown:
      '. The metadata it was uploaded with was not recorded (an older vupload), so it is not compared with this ' +
      `command's; ${
        job.provider.update
          ? `\`vupload update ${previous.videoId} …\` changes it`
          : `change it on ${job.provider.videoUrl(previous.videoId, job.where)}`
      }.`,
  }[kind];
  job.out.info(
    job.plan.stdin
      ? `${job.label} has the content uploaded as ${previous.videoId}${from} on ${previous.entry.time}; its last ` +
          `request was not sent, so no second video was made${tail}`
      : `${job.label} was already uploaded as ${previous.videoId}${from} on ${previous.entry.time}${sample}; ` +
          `nothing ${kind === 'differs' ? 'uploaded again' : 'sent'}${tail}`,
  );
  // What it is called as far as the journal knows: a re-run may have updated the title since.
  const recordedTitle = previous.metadata?.fields['snippet.title'];
  const title = typeof recordedTitle === 'string' ? recordedTitle : previous.entry.title;
  const outcome = alreadyUploadedOutcome(
    job.provider,
    {
      id: previous.videoId,
      title,
      file: job.plan.file,
      bytes: previous.entry.size,
      contentHash: found.kind === 'confirmed' ? found.contentHash : undefined,
      seconds: result.seconds,
    },
    job.where,
  );
  // A pipe was sent but for its last request; a file was not sent at all.
  return {
    ...outcome,
    finishedEarlier: earlierRun,
    retries: result.retries,
    sessionRestarts: result.sessionRestarts,
    bytesSent: result.bytesSent,
  };
}

/** The result of content the journal shows uploaded: nothing sent (also a file vupload moved away earlier, gone.ts). */
export function alreadyUploadedOutcome(
  provider: Pick<Provider, 'name' | 'videoUrl'>,
  found: { id: string; title?: string; file: string; bytes: number; contentHash?: string; seconds: number },
  where: { ctx: CliContext; globals: GlobalOptions },
): UploadOutcome {
  return {
    provider: provider.name,
    id: found.id,
    url: provider.videoUrl(found.id, where),
    ...(found.title !== undefined ? { title: found.title } : {}),
    file: found.file,
    bytes: found.bytes,
    ...(found.contentHash !== undefined ? { contentHash: found.contentHash } : {}),
    seconds: found.seconds,
    resumed: false,
    alreadyUploaded: true,
    finishedEarlier: false,
    retries: 0,
    sessionRestarts: 0,
    bytesSent: 0,
    playlists: [],
    captions: [],
  };
}

/** The video exists but the journal could not take its id: say where, keep the session, do nothing more. */
export function unrecorded(
  job: { plan: UploadPlan; store: StateStore },
  outcome: UploadOutcome,
  cause: unknown,
): JobResult {
  const code = (cause as NodeJS.ErrnoException).code;
  const failure = new VuploadError(
    'notRecorded',
    // A database that did not answer (5) or an interruption (130/143) keeps its own exit code.
    isVuploadError(cause) ? cause.exitCode : ExitCode.api,
    `could not record it in ${job.store.journal.location} (${code ?? (cause as Error).message}).`,
    {
      hint: job.plan.stdin
        ? 'Its session is kept: the next upload from a pipe with this profile asks it and records this video ' +
          '(and so does an upload of a file with its content). No steps were done.'
        : `The upload session is kept: once ${job.store.description} can be written again, running the same ` +
          'command records this video instead of uploading it again. No steps or housekeeping were done.',
      cause,
    },
  );
  outcome.error = errorJson(failure);
  return { outcome, failure };
}
