// This file declares the YouTube provider: Google's OAuth login, the resumable upload of the Data API, daily quota
// units, the steps after an upload (thumbnail, playlists, captions, processing), status and update.
import { apiUrl } from '../../cli/context.js';
import type { Provider } from '../contract.js';
import { COMMON_FLAGS } from '../flags.js';
import { youtubeAuth } from './auth/commands.js';
import { videoStatus } from './commands.js';
import { mapApiError } from './errors.js';
import { prepareUpload, type YouTubePlan } from './prepare.js';
import { youtubeQuota } from './quota.js';
import { youtubeSteps } from './steps.js';
import { askPipeSession, dryRunRequests, updateMetadata, uploadVideo } from './upload.js';

/** The Google sample's flags and vupload's own: everything YouTube's video resource and steps can take. */
const YOUTUBE_FLAGS: ReadonlySet<string> = new Set([
  ...COMMON_FLAGS,
  ...['category', 'privacyStatus', 'privacy', 'publishAt', 'madeForKids', 'notMadeForKids', 'syntheticMedia'],
  ...['license', 'embeddable', 'publicStats', 'defaultLanguage', 'defaultAudioLanguage', 'recordingDate'],
  ...['localization', 'metadata', 'notifySubscribers', 'thumbnail', 'playlist', 'createPlaylist', 'caption'],
  ...['wait', 'open', 'chunkSize', 'timeBudget', 'quota', 'onQuota'],
]);

export const provider: Provider<YouTubePlan> = {
  name: 'youtube',
  title: 'YouTube',
  auth: youtubeAuth,
  uploadFlags: YOUTUBE_FLAGS,
  pipe: true,
  quota: youtubeQuota,
  steps: youtubeSteps,
  update: updateMetadata,
  pipeSessions: { apiRoot: ({ ctx, globals }) => apiUrl(globals, ctx.env), ask: askPipeSession },
  prepare: prepareUpload,
  dryRun: async (plan, { ctx, globals }) => dryRunRequests(apiUrl(globals, ctx.env), plan),
  upload: uploadVideo,
  status: videoStatus,
  statusFlags: new Set(['wait', 'requestedPrivacy']),
  videoUrl: (id) => `https://youtu.be/${id}`,
  mapError: (error, { action }) => mapApiError(error, { action }),
};
