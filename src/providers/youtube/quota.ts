// This file lists the YouTube Data API calls vupload makes, what each costs in quota units and which scope it needs.

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
