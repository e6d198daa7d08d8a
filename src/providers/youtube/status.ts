// This file flattens a video's upload and processing status for `vupload status` and polls until processing ends.
import { ExitCode, VuploadError } from '../../errors.js';
import { interruptedError } from './errors.js';

export type ProcessingState =
  | 'uploaded'
  | 'processing'
  | 'succeeded'
  | 'failed'
  | 'rejected'
  | 'terminated'
  | 'deleted';

export interface VideoStatusView {
  id: string;
  url: string;
  title?: string;
  /** One word for the whole story (API-NOTES §5). */
  state: ProcessingState;
  /** Processing has ended, one way or another. */
  done: boolean;
  uploadStatus?: string;
  failureReason?: string;
  rejectionReason?: string;
  processingStatus?: string;
  processingFailureReason?: string;
  partsProcessed?: number;
  partsTotal?: number;
  timeLeftMs?: number;
  privacyStatus?: string;
  publishAt?: string;
  /** The privacy the upload asked for, when the caller knows it. */
  requestedPrivacy?: string;
  /** Public or unlisted was asked for but the video is private: an unaudited API project (API-NOTES §2). */
  lockedPrivate: boolean;
  /** A sentence for humans when something deserves attention (e.g. lockedPrivate). */
  notice?: string;
}

/** API-NOTES §5: status.failureReason values. */
export const FAILURE_TEXT: Record<string, string> = {
  conversion: 'YouTube could not convert the video',
  invalidFile: 'the file is not a video YouTube can read',
  emptyFile: 'the file is empty',
  tooSmall: 'the file is too small to be a video',
  codec: 'YouTube does not support the codec used',
  uploadAborted: 'the upload was aborted',
};

/** API-NOTES §5: status.rejectionReason values. */
export const REJECTION_TEXT: Record<string, string> = {
  copyright: 'copyright infringement',
  inappropriate: 'inappropriate content',
  duplicate: 'it duplicates a video already uploaded',
  termsOfUse: 'a terms of use violation',
  uploaderAccountSuspended: "the uploader's account is suspended",
  length: 'it is longer than the channel may upload',
  claim: 'a copyright claim',
  uploaderAccountClosed: "the uploader's account is closed",
  trademark: 'trademark infringement',
  legal: 'a legal issue',
};

type Nullable<T> = { [K in keyof T]?: T[K] | null };
/** The parts of a videos.list item this file reads (the googleapis Schema$Video fits). */
export interface VideoForStatus {
  id?: string | null;
  snippet?: Nullable<{ title: string }> | null;
  status?: Nullable<{
    uploadStatus: string;
    failureReason: string;
    rejectionReason: string;
    privacyStatus: string;
    publishAt: string;
  }> | null;
  processingDetails?:
    | (Nullable<{ processingStatus: string; processingFailureReason: string }> & {
        processingProgress?: Nullable<{
          partsTotal: string;
          partsProcessed: string;
          timeLeftMs: string;
        }> | null;
      })
    | null;
}

const num = (value: string | number | null | undefined): number | undefined =>
  value === null || value === undefined || value === '' ? undefined : Number(value);
const opt = (value: string | null | undefined): string | undefined => value ?? undefined;

/** A flat view of a video's status; `requestedPrivacy` lets it flag the private lock of unaudited projects. */
export function flattenStatus(video: VideoForStatus, requestedPrivacy?: string): VideoStatusView {
  const id = video.id ?? '';
  const status = video.status ?? {};
  const processing = video.processingDetails ?? {};
  const progress = processing.processingProgress ?? {};
  const upload = opt(status.uploadStatus);
  const processingStatus = opt(processing.processingStatus);
  let state: ProcessingState = processingStatus === 'processing' ? 'processing' : 'uploaded';
  if (upload === 'processed' || processingStatus === 'succeeded') state = 'succeeded';
  if (processingStatus === 'terminated') state = 'terminated';
  if (processingStatus === 'failed' || upload === 'failed') state = 'failed';
  if (upload === 'rejected') state = 'rejected';
  if (upload === 'deleted') state = 'deleted';
  const privacyStatus = opt(status.privacyStatus);
  const lockedPrivate =
    requestedPrivacy !== undefined && requestedPrivacy !== 'private' && privacyStatus === 'private';
  const view: VideoStatusView = {
    id,
    url: `https://youtu.be/${id}`,
    title: opt(video.snippet?.title),
    state,
    done: !['uploaded', 'processing'].includes(state),
    uploadStatus: upload,
    failureReason: opt(status.failureReason),
    rejectionReason: opt(status.rejectionReason),
    processingStatus,
    processingFailureReason: opt(processing.processingFailureReason),
    partsProcessed: num(progress.partsProcessed),
    partsTotal: num(progress.partsTotal),
    timeLeftMs: num(progress.timeLeftMs),
    privacyStatus,
    publishAt: opt(status.publishAt),
    requestedPrivacy,
    lockedPrivate,
  };
  if (lockedPrivate) {
    view.notice =
      `You asked for ${requestedPrivacy}, but YouTube keeps the video private: API projects that have not passed ` +
      "YouTube's audit can only upload private videos. Change it in YouTube Studio, or apply for the audit.";
  }
  for (const key of Object.keys(view) as (keyof VideoStatusView)[])
    if (view[key] === undefined) delete view[key];
  return view;
}

/** For a view whose processing ended badly, the error to exit with (exit 1); undefined otherwise. */
export function processingError(view: VideoStatusView): VuploadError | undefined {
  if (view.state === 'failed') {
    const reason = view.failureReason ?? view.processingFailureReason;
    const text = (reason && FAILURE_TEXT[reason]) ?? 'YouTube could not process it';
    return new VuploadError(
      reason ?? 'processingFailed',
      ExitCode.api,
      `Processing of video ${view.id} failed: ${text}${reason ? ` (${reason})` : ''}.`,
      { hint: 'Check that the file plays locally (e.g. with ffprobe), then upload it again.' },
    );
  }
  if (view.state === 'rejected') {
    const reason = view.rejectionReason;
    const text = (reason && REJECTION_TEXT[reason]) ?? 'no reason given';
    return new VuploadError(
      reason ?? 'rejected',
      ExitCode.api,
      `YouTube rejected video ${view.id}: ${text}${reason ? ` (${reason})` : ''}.`,
      { hint: 'See the video in YouTube Studio for details.' },
    );
  }
  if (view.state === 'terminated' || view.state === 'deleted') {
    return new VuploadError(
      view.state,
      ExitCode.api,
      `Processing of video ${view.id} ended: the video was ${view.state}.`,
    );
  }
  return undefined;
}

export interface WaitOptions {
  /** Told after every poll (the percentage can go down: YouTube re-estimates). */
  onUpdate?: (view: VideoStatusView) => void;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  /** Give up after this long; default 1 hour. */
  timeoutMs?: number;
  /** First pause between polls (default 5 s); it grows 1.5× up to maxIntervalMs (default 30 s). */
  intervalMs?: number;
  maxIntervalMs?: number;
  signal?: AbortSignal;
}

/** Polls `poll` with growing pauses until processing ends; returns the final view (check it with processingError). */
export async function waitUntilProcessed(
  poll: () => Promise<VideoStatusView>,
  options: WaitOptions,
): Promise<VideoStatusView> {
  const start = options.now();
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  let interval = options.intervalMs ?? 5000;
  for (;;) {
    const view = await poll();
    options.onUpdate?.(view);
    if (view.done) return view;
    const elapsed = options.now() - start;
    if (elapsed >= timeoutMs) {
      throw new VuploadError(
        'processingTimeout',
        ExitCode.network,
        `Video ${view.id} is still ${view.state} after ${Math.round(elapsed / 1000)} s of waiting.`,
        { hint: `Check again later with \`vupload status ${view.id} --wait\`.` },
      );
    }
    try {
      await options.sleep(Math.min(interval, timeoutMs - elapsed), options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw interruptedError(options.signal);
      throw error;
    }
    interval = Math.min(interval * 1.5, options.maxIntervalMs ?? 30_000);
  }
}
