// This file holds PeerTube's constants the emulator answers with and validates against, copied from PeerTube's
// server/core/initializers/constants.ts (PeerTube 8.x) and packages/models: ids, labels, limits and mimetypes.

export const VIDEO_CATEGORIES: Readonly<Record<string, string>> = {
  1: 'Music',
  2: 'Films',
  3: 'Vehicles',
  4: 'Art',
  5: 'Sports',
  6: 'Travels',
  7: 'Gaming',
  8: 'People',
  9: 'Comedy',
  10: 'Entertainment',
  11: 'News & Politics',
  12: 'How To',
  13: 'Education',
  14: 'Activism',
  15: 'Science & Technology',
  16: 'Animals',
  17: 'Kids',
  18: 'Food',
};

export const VIDEO_LICENCES: Readonly<Record<string, string>> = {
  1: 'Attribution',
  2: 'Attribution - Share Alike',
  3: 'Attribution - No Derivatives',
  4: 'Attribution - Non Commercial',
  5: 'Attribution - Non Commercial - Share Alike',
  6: 'Attribution - Non Commercial - No Derivatives',
  7: 'Public Domain Dedication',
};

/** VideoPrivacy: 1 public, 2 unlisted, 3 private, 4 internal, 5 password protected. */
export const VIDEO_PRIVACIES: Readonly<Record<string, string>> = {
  1: 'Public',
  2: 'Unlisted',
  3: 'Private',
  4: 'Internal',
  5: 'Password protected',
};

/** VideoState; the emulator uses 1 (published), 2 (to transcode) and 7 (transcoding failed). */
export const VIDEO_STATES: Readonly<Record<string, string>> = {
  1: 'Published',
  2: 'To transcode',
  3: 'To import',
  4: 'Waiting for livestream',
  5: 'Livestream ended',
  6: 'To move to an external storage',
  7: 'Transcoding failed',
  8: 'External storage move failed',
  9: 'To edit',
  10: 'To move to file system',
  11: 'Move to file system failed',
};
export const STATE = { PUBLISHED: 1, TO_TRANSCODE: 2, TRANSCODING_FAILED: 7 } as const;

/** VideoCommentPolicy: 1 enabled, 2 disabled, 3 requires approval. */
export const VIDEO_COMMENTS_POLICY: Readonly<Record<string, string>> = {
  1: 'Enabled',
  2: 'Disabled',
  3: 'Requires approval',
};

/** VideoPlaylistPrivacy and VideoPlaylistType (1 regular, 2 watch later). */
export const PLAYLIST_PRIVACIES: Readonly<Record<string, string>> = {
  1: 'Public',
  2: 'Unlisted',
  3: 'Private',
};
export const PLAYLIST_TYPES: Readonly<Record<string, string>> = { 1: 'Regular', 2: 'Watch later' };

/** CONSTRAINTS_FIELDS (lengths are inclusive ranges). */
export const LIMITS = {
  videoName: [3, 120],
  videoDescription: [3, 10_000],
  videoSupport: [3, 1000],
  videoLanguage: [1, 10],
  tags: [0, 5],
  tag: [2, 30],
  sourceFilename: [1, 1000],
  playlistName: [1, 120],
  playlistDescription: [3, 1000],
  imageBytes: 4 * 1024 * 1024,
  captionBytes: 20 * 1024 * 1024,
} as const;

/**
 * MIMETYPES.VIDEO.MIMETYPE_EXT of an instance with transcoding, additional extensions and audio files enabled (the
 * defaults of production.yaml): the X-Upload-Content-Type an upload may announce.
 */
export const VIDEO_MIMETYPES: readonly string[] = [
  'video/webm',
  'video/ogg',
  'video/mp4',
  'video/x-matroska',
  'video/quicktime',
  'video/mov',
  'video/x-m4v',
  'video/m4v',
  'video/x-flv',
  'video/x-f4v',
  'video/x-ms-wmv',
  'video/x-msvideo',
  'video/avi',
  'video/3gpp',
  'video/3gpp2',
  'application/x-nut',
  'video/mp2t',
  'video/vnd.dlna.mpeg-tts',
  'video/m2ts',
  'video/mpv',
  'video/mpeg2',
  'video/mpeg',
  'video/dvd',
  'application/octet-stream',
  'application/mxf',
  'audio/mpeg',
  'audio/mp3',
  'application/ogg',
  'audio/ogg',
  'audio/x-ms-wma',
  'audio/wav',
  'audio/x-wav',
  'audio/x-flac',
  'audio/flac',
  'audio/vnd.dlna.adts',
  'audio/aac',
  'audio/m4a',
  'audio/x-m4a',
  'audio/mp4',
  'audio/vnd.dolby.dd-raw',
  'audio/ac3',
];

/** CONSTRAINTS_FIELDS.VIDEOS.EXTNAME of that instance, in PeerTube's order (named in the 415 message). */
export const VIDEO_EXTNAMES: readonly string[] = [
  '.webm',
  '.ogv',
  '.ogg',
  '.mp4',
  '.mkv',
  '.mov',
  '.qt',
  '.mqv',
  '.m4v',
  '.flv',
  '.f4v',
  '.wmv',
  '.avi',
  '.3gp',
  '.3gpp',
  '.3g2',
  '.3gpp2',
  '.nut',
  '.mts',
  '.m2ts',
  '.mpv',
  '.m2v',
  '.m1v',
  '.mpg',
  '.mpe',
  '.mpeg',
  '.vob',
  '.mxf',
  '.mp3',
  '.wma',
  '.wav',
  '.flac',
  '.aac',
  '.m4a',
  '.ac3',
];

/**
 * PeerTube's check, regex quirk included: checkMimetypeRegex() builds `^(a)|(b)|…|(z)$` (helpers/custom-validators/
 * misc.ts), so the first type must start the value, the last must end it, and the others may stand anywhere.
 */
export function mimeTypeMatches(value: string, types: readonly string[]): boolean {
  return new RegExp(`^${types.map((t) => `(${t})`).join('|')}$`, 'i').test(value);
}

/** Thumbnails: `^image/(png|jpg|jpeg|webp)$` (isVideoImageValid, anchored properly). */
export const IMAGE_MIMETYPE = /^image\/(png|jpg|jpeg|webp)$/i;
/** Captions (isVideoCaptionFile, with the quirk above): vtt, srt, text and octet-stream ("MacOS sends it"). */
export const CAPTION_MIMETYPES: readonly string[] = [
  'text/vtt',
  'application/x-subrip',
  'text/plain',
  'application/octet-stream',
];

/** Where PeerTube's problem `type` URLs point (middlewares/error.ts) and its operation docs (middlewares/doc.ts). */
export const ERRORS_DOC = 'https://docs.joinpeertube.org/api-rest-reference.html#section/Errors/';
export const OPERATION_DOC = 'https://docs.joinpeertube.org/api-rest-reference.html#operation/';

/** OTP header of a two-factor login (initializers/constants.ts OTP). */
export const OTP_HEADER = 'x-peertube-otp';
export const OTP_REQUIRED = 'required; app';
