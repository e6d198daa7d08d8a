// This file is the table of every YouTube error reason vupload knows: what it means for the user and its exit code.
import { ExitCode, type ExitCodeValue } from '../../errors.js';

export interface ReasonInfo {
  exit: ExitCodeValue;
  /** What went wrong, completing "Could not <action>: …". */
  text: string;
  /** What to do next (one line). */
  hint?: string;
}

const api = ExitCode.api;
const auth = ExitCode.auth;
const quota = ExitCode.quota;
const network = ExitCode.network;
const LOGIN = 'Run `vupload auth login` to log in again.';

/**
 * Reasons from the seed tables (youtube-videos-update.*, youtube-thumbnails-set.tr.txt), API-NOTES §2 and §4–§8,
 * and the core error catalogue. Input problems the API found exit 1: the request was sent and refused
 * (exit 2 is only for what vupload finds before sending).
 */
export const REASONS: Record<string, ReasonInfo> = {
  // videos.insert / videos.update metadata (API-NOTES §2, §4; seed youtube-videos-update.tr.txt)
  defaultLanguageNotSet: {
    exit: api,
    text: 'localized titles or descriptions were sent without a default language',
    hint: 'Add --default-language (the language of the main title and description).',
  },
  invalidCategoryId: {
    exit: api,
    text: 'YouTube does not accept this category id',
    hint: 'List the ids valid in your region with `vupload categories --region CC`.',
  },
  invalidDefaultBroadcastPrivacySetting: {
    exit: api,
    text: 'the privacy setting is not valid for the default broadcast',
    hint: 'Use --privacy private, unlisted or public.',
  },
  invalidDescription: {
    exit: api,
    text: 'YouTube rejected the description',
    hint: 'Keep it within 5000 bytes and without < or >.',
  },
  invalidFilename: {
    exit: api,
    text: 'YouTube rejected the file name sent with the video',
    hint: 'Rename the file to plain letters, digits, dots and dashes, then upload again.',
  },
  invalidPublishAt: {
    exit: api,
    text: 'YouTube rejected the scheduled publish time',
    hint: 'Give --publish-at as a future time with a zone (e.g. 2030-01-31T18:00:00Z) and keep the video private.',
  },
  invalidRecordingDetails: {
    exit: api,
    text: 'YouTube rejected the recording details',
    hint: 'Give --recording-date as YYYY-MM-DD or an ISO 8601 time with a zone.',
  },
  invalidTags: {
    exit: api,
    text: 'YouTube rejected the tags',
    hint: 'At most 500 characters in total; commas count and a tag with a space counts 2 more.',
  },
  invalidTitle: {
    exit: api,
    text: 'YouTube rejected the title (invalid or empty)',
    hint: 'Give --title with 1 to 100 characters and no < or >.',
  },
  invalidVideoGameRating: { exit: api, text: 'YouTube rejected the video game rating in the metadata' },
  invalidVideoMetadata: {
    exit: api,
    text: 'YouTube rejected the video metadata',
    hint: 'Check the flags and --metadata file; --dry-run shows exactly what would be sent.',
  },
  mediaBodyRequired: {
    exit: api,
    text: 'the request reached YouTube without its media content',
    hint: 'Check that the file is readable and not empty, then try again.',
  },
  uploadTooLarge: { exit: api, text: 'the file is larger than YouTube accepts (256 GiB for videos)' },
  requestedRangeNotSatisfiable: {
    exit: api,
    text: 'YouTube refused the byte range sent',
    hint: 'Run the same command again; the upload restarts from what YouTube has.',
  },
  uploadLimitExceeded: {
    exit: quota,
    text: 'this channel has reached its limit of uploads for now',
    hint: 'YouTube says to try again in 24 hours.',
  },
  forbidden: {
    exit: api,
    text: 'YouTube does not allow this for the logged-in account',
    hint: 'Check that the video belongs to the channel you logged in with (`vupload auth status`).',
  },
  forbiddenEmbedSetting: {
    exit: api,
    text: 'this channel may not change the embedding setting of this video (some may not embed live streams)',
    hint: 'Leave out --embeddable / --no-embeddable.',
  },
  forbiddenLicenseSetting: {
    exit: api,
    text: 'this license cannot be set on this video',
    hint: 'Leave out --license, or use --license youtube.',
  },
  forbiddenPrivacySetting: {
    exit: api,
    text: 'this privacy setting cannot be set on this video',
    hint: 'Try --privacy private or unlisted.',
  },
  videoNotFound: {
    exit: api,
    text: 'no video with this id is visible to the logged-in channel',
    hint: 'Check the id (the part after watch?v= or youtu.be/) and the --profile you use.',
  },
  // thumbnails.set (seed youtube-thumbnails-set.tr.txt, API-NOTES §6)
  invalidImage: {
    exit: api,
    text: 'YouTube rejected the image',
    hint: 'Use a JPEG or PNG of at most 2 MB, ideally 1280×720.',
  },
  uploadRateLimitExceeded: {
    exit: quota,
    text: 'this channel has uploaded too many thumbnails recently',
    hint: 'Wait a while (an hour is usually enough) and try again.',
  },
  // playlists and playlistItems (API-NOTES §7)
  playlistNotFound: {
    exit: api,
    text: 'no playlist with this id is visible to the logged-in channel',
    hint: 'List yours with `vupload playlist list`.',
  },
  playlistContainsMaximumNumberOfVideos: {
    exit: api,
    text: 'the playlist already holds the maximum number of videos',
  },
  manualSortRequired: {
    exit: api,
    text: 'the playlist is sorted automatically, so a position cannot be given',
    hint: 'Set the playlist to manual sorting in YouTube Studio, or add without a position.',
  },
  playlistOperationUnsupported: {
    exit: api,
    text: 'this playlist does not accept added videos (e.g. the uploads or liked-videos list)',
  },
  maxPlaylistExceeded: { exit: api, text: 'the channel already has the maximum number of playlists' },
  invalidPlaylistSnippet: { exit: api, text: 'YouTube rejected the playlist title or description' },
  playlistForbidden: { exit: api, text: 'the logged-in channel may not change this playlist' },
  // captions.insert (API-NOTES §7)
  captionExists: {
    exit: api,
    text: 'the video already has a caption track with this language and name',
    hint: 'Give another name as FILE:LANG with a different name, or delete the track in YouTube Studio.',
  },
  nameTooLong: { exit: api, text: 'the caption track name is longer than 150 characters' },
  contentRequired: {
    exit: api,
    text: 'the caption file reached YouTube empty',
    hint: 'Check the caption file.',
  },
  invalidMetadata: { exit: api, text: 'YouTube rejected the caption track metadata' },
  // Global errors (API-NOTES §2)
  quotaExceeded: { exit: quota, text: "the project's daily YouTube API quota is used up" },
  dailyLimitExceeded: { exit: quota, text: "the project's daily YouTube API limit is reached" },
  rateLimitExceeded: { exit: network, text: 'YouTube is limiting the request rate' },
  userRateLimitExceeded: { exit: network, text: 'YouTube is limiting the request rate for this user' },
  backendError: { exit: network, text: 'YouTube had a server error (backendError)' },
  internalError: { exit: network, text: 'YouTube had an internal error' },
  insufficientPermissions: {
    exit: auth,
    text: 'the login does not grant the permission this needs',
    hint: 'Run `vupload auth login` again and grant access to YouTube.',
  },
  authError: { exit: auth, text: 'YouTube did not accept the login', hint: LOGIN },
  expired: { exit: auth, text: 'the login has expired', hint: LOGIN },
  unauthorized: { exit: auth, text: 'YouTube did not accept the login', hint: LOGIN },
  youtubeSignupRequired: {
    exit: auth,
    text: 'the Google account you logged in with has no YouTube channel',
    hint: 'Create one at https://www.youtube.com/create_channel, or log in with another account.',
  },
  accessNotConfigured: {
    exit: api,
    text: 'the YouTube Data API v3 is not enabled in the Google Cloud project of the client secrets',
    hint: 'Enable it at https://console.cloud.google.com/apis/library/youtube.googleapis.com and retry.',
  },
  // Generic reasons Google's front end gives a bare status (core_errors page)
  badRequest: { exit: api, text: 'YouTube rejected the request as malformed' },
  required: { exit: api, text: 'the request lacks a value YouTube requires' },
  invalidValue: { exit: api, text: 'YouTube rejected a value in the request' },
  unknownPart: { exit: api, text: 'YouTube does not know a part named in the request' },
  notFound: { exit: api, text: 'YouTube found nothing at this address' },
  conflict: { exit: api, text: 'the request conflicts with the current state on YouTube' },
  requestTimeout: { exit: network, text: 'YouTube timed out waiting for the request' },
  badGateway: { exit: network, text: 'YouTube had a gateway error (HTTP 502)' },
  gatewayTimeout: { exit: network, text: 'YouTube timed out (HTTP 504)' },
  // OAuth token endpoint (API-NOTES §8): a refresh that fails surfaces here
  invalid_grant: {
    exit: auth,
    text: 'the saved login was revoked or has expired (Testing apps get 7-day refresh tokens)',
    hint: LOGIN,
  },
  invalid_client: {
    exit: auth,
    text: 'Google does not recognise the OAuth client',
    hint: 'Check the client secrets file (--client-secrets), then run `vupload auth login`.',
  },
  unauthorized_client: { exit: auth, text: 'the OAuth client may not use this grant', hint: LOGIN },
  deleted_client: { exit: auth, text: 'the OAuth client was deleted in its Google Cloud project' },
};

/** Per-call meanings where one reason says something more specific (seed youtube-thumbnails-set.tr.txt). */
export const OPERATION_REASONS: Record<string, ReasonInfo> = {
  'thumbnails.set:forbidden': {
    exit: api,
    text: 'YouTube does not let this channel set custom thumbnails, or the video is not yours',
    hint: 'The channel must be verified to use custom thumbnails: https://www.youtube.com/verify',
  },
  'thumbnails.set:mediaBodyRequired': {
    exit: api,
    text: 'the request reached YouTube without the image',
    hint: 'Check that the image file is readable and not empty.',
  },
  'playlistItems.insert:videoNotFound': {
    exit: api,
    text: 'YouTube cannot find the video to add to the playlist',
    hint: 'Check the video id; a video still being uploaded cannot be added yet.',
  },
  'captions.insert:videoNotFound': {
    exit: api,
    text: 'YouTube cannot find the video for the caption track',
    hint: 'Check the video id.',
  },
  'captions.insert:forbidden': {
    exit: api,
    text: 'the logged-in channel may not add captions to this video',
    hint: 'Check that the video belongs to the channel you logged in with.',
  },
};

/**
 * Reasons that mean something else under one status: Google answers a request that carries no credentials with
 * 401 and the generic reason `required` ("Login Required"), which is a login problem, not a missing value.
 */
export const STATUS_REASONS: Record<string, ReasonInfo> = {
  '401:required': {
    exit: auth,
    text: 'YouTube got the request without a login (Login Required)',
    hint: LOGIN,
  },
};

/** Status codes without a reason we know. */
export function statusInfo(status: number): ReasonInfo {
  if (status === 401) return { exit: auth, text: 'YouTube did not accept the login (HTTP 401)', hint: LOGIN };
  if (status === 403) return { exit: api, text: 'YouTube refused the request (HTTP 403)' };
  if (status === 404) return { exit: api, text: 'YouTube found nothing at this address (HTTP 404)' };
  if (status === 408 || status === 429)
    return { exit: network, text: `YouTube asked to slow down (HTTP ${status})` };
  if (status >= 500) return { exit: network, text: `YouTube had a server error (HTTP ${status})` };
  return { exit: api, text: `YouTube refused the request (HTTP ${status})` };
}
