// This file lists the YouTube Data API calls vupload makes, what each costs in quota units and which scope it needs,
// and YouTube's quota model for the upload job: daily units, counted ahead in vupload's ledger (src/unattended).

import { Step } from '../../unattended/journal.js';
import { nextQuotaReset, pacificDay } from '../../unattended/quota-day.js';
import type { QuotaModel } from '../contract.js';

/**
 * Quota units per call (10,000 a day by default). Sources: each method's reference page (API-NOTES §2, §4, §6, §7).
 * videos.insert ⚠: the method page says 1600; a newer quota page counts a separate bucket of 100 inserts a day,
 * so a ledger should let the user override it.
 */
export const QUOTA_COST = {
  'videos.insert': 1600,
  'videos.list': 1,
  'videos.update': 50,
  'thumbnails.set': 50,
  'playlists.list': 1,
  'playlists.insert': 50,
  'playlistItems.list': 1,
  'playlistItems.insert': 50,
  'captions.list': 50,
  'captions.insert': 400,
  'videoCategories.list': 1,
  'channels.list': 1,
} as const;

export type ApiOperation = keyof typeof QUOTA_COST;

/**
 * The narrowest OAuth scope that allows each call (API-NOTES §8): youtube.upload covers only uploads and
 * thumbnails; captions need youtube.force-ssl; the rest need youtube (force-ssl also works).
 */
export const REQUIRED_SCOPE: Record<ApiOperation, string> = {
  'videos.insert': 'https://www.googleapis.com/auth/youtube.upload',
  'thumbnails.set': 'https://www.googleapis.com/auth/youtube.upload',
  'videos.list': 'https://www.googleapis.com/auth/youtube',
  'videos.update': 'https://www.googleapis.com/auth/youtube',
  'playlists.list': 'https://www.googleapis.com/auth/youtube',
  'playlists.insert': 'https://www.googleapis.com/auth/youtube',
  'playlistItems.list': 'https://www.googleapis.com/auth/youtube',
  'playlistItems.insert': 'https://www.googleapis.com/auth/youtube',
  'captions.list': 'https://www.googleapis.com/auth/youtube.force-ssl',
  'captions.insert': 'https://www.googleapis.com/auth/youtube.force-ssl',
  'videoCategories.list': 'https://www.googleapis.com/auth/youtube',
  'channels.list': 'https://www.googleapis.com/auth/youtube',
};

/**
 * Calls that change nothing when repeated: only these are retried after a connection error, when the request
 * may or may not have reached YouTube (an insert repeated could create a duplicate).
 */
export const IDEMPOTENT: ReadonlySet<ApiOperation> = new Set<ApiOperation>([
  'videos.list',
  'videos.update',
  'thumbnails.set',
  'playlists.list',
  'playlistItems.list',
  'captions.list',
  'videoCategories.list',
  'channels.list',
]);

/** What one call costs; `insertCost` overrides videos.insert's 1600 (⚠ API-NOTES §2: the cost is disputed). */
export function operationCost(operation: ApiOperation, options: { insertCost?: number } = {}): number {
  return operation === 'videos.insert' && options.insertCost !== undefined
    ? options.insertCost
    : QUOTA_COST[operation];
}

/**
 * The units an upload and its steps will spend; pass 0 for `insert` when resuming a session already paid for. Each
 * step asks the server before it inserts (issue 11: a re-run after a crash must not add twice), and that is counted
 * here: a playlist step reads the playlists (1) and the playlist's items holding the video (1), a caption step the
 * video's tracks (50). `listCalls` adds other videos.list calls.
 */
export function estimateUploadCost(plan: {
  insert?: boolean;
  insertCost?: number;
  thumbnail?: boolean;
  playlists?: number;
  playlistsToCreate?: number;
  captions?: number;
  listCalls?: number;
  /** Whether the steps ask the server first (false for a video this run created: nothing can be there yet). */
  checks?: boolean;
}): number {
  const cost = (op: ApiOperation, count: number) => count * operationCost(op, plan);
  const checks = plan.checks === false ? 0 : 1;
  return (
    cost('videos.insert', plan.insert === false ? 0 : 1) +
    cost('thumbnails.set', plan.thumbnail ? 1 : 0) +
    cost('playlistItems.insert', plan.playlists ?? 0) +
    cost('playlists.list', plan.playlists ?? 0) +
    cost('playlistItems.list', checks * (plan.playlists ?? 0)) +
    cost('playlists.insert', plan.playlistsToCreate ?? 0) +
    cost('playlists.list', plan.playlistsToCreate ?? 0) +
    cost('captions.insert', plan.captions ?? 0) +
    cost('captions.list', checks * (plan.captions ?? 0)) +
    cost('videos.list', plan.listCalls ?? 0)
  );
}

const count = (steps: string[], prefix: string) => steps.filter((s) => s.startsWith(prefix)).length;

/** Daily units (10,000 by default), reset at midnight Pacific time (API-NOTES §2). */
export const youtubeQuota: QuotaModel = {
  kind: 'units',
  cost: ({ insert, steps, fresh }) =>
    estimateUploadCost({
      insert,
      thumbnail: steps.includes(Step.thumbnail),
      playlists: count(steps, Step.playlist('')),
      captions: count(steps, Step.caption('')),
      checks: !fresh,
    }),
  askedFirst: (steps) =>
    count(steps, Step.playlist('')) * operationCost('playlistItems.insert') +
    count(steps, Step.caption('')) * operationCost('captions.insert'),
  day: pacificDay,
  resetAt: nextQuotaReset,
};
