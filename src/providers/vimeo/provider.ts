// This file declares the Vimeo provider (issue 26): a login by OAuth or a personal access token, the upload over tus
// (POST /me/videos, then the upload link), the account's byte quota, the steps (thumbnail, folder, showcases, text
// tracks, --wait), status and update.
import type { Provider } from '../contract.js';
import { COMMON_FLAGS } from '../flags.js';
import { vimeoAuth } from './auth.js';
import { mapVimeoError } from './errors.js';
import { prepareVimeo, type VimeoPlan } from './prepare.js';
import { vimeoQuota } from './quota.js';
import { vimeoStatus, vimeoUpdate } from './status.js';
import { vimeoSteps } from './steps.js';
import { uploadToVimeo, vimeoDryRun, vimeoVideoUrl } from './upload.js';

/**
 * What Vimeo's create and steps can take. Tags are left out: vupload does not set Vimeo's tags, so --tags is refused
 * (exit 2) rather than ignored.
 */
const VIMEO_FLAGS: ReadonlySet<string> = new Set([
  ...[...COMMON_FLAGS].filter((flag) => flag !== 'tags' && flag !== 'keywords'),
  ...['privacy', 'privacyStatus', 'passwordFile', 'folder', 'createFolder', 'thumbnail', 'playlist'],
  ...['createPlaylist', 'caption', 'wait', 'open', 'chunkSize', 'timeBudget'],
]);

export const provider: Provider<VimeoPlan> = {
  name: 'vimeo',
  title: 'Vimeo',
  auth: vimeoAuth,
  uploadFlags: VIMEO_FLAGS,
  pipe: {
    reason:
      'Vimeo needs the size of the whole video when the video is created (upload.size of POST /me/videos)',
  },
  quota: vimeoQuota,
  steps: vimeoSteps,
  update: vimeoUpdate,
  prepare: prepareVimeo,
  dryRun: async (plan, req) => vimeoDryRun(plan, req),
  upload: uploadToVimeo,
  status: (id, req, flags) => vimeoStatus(id, req, flags),
  statusFlags: new Set(['wait']),
  videoUrl: vimeoVideoUrl,
  mapError: (error, { action }) => mapVimeoError(error, action),
};
