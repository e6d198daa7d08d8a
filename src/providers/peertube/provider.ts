// This file declares the PeerTube provider: a password login per instance, uploads through uploadx's resumable
// endpoint on the shared engine, the user's byte quota, the steps (thumbnail, playlists, captions, --wait), status
// and update. "Never twice" is per account on an instance: the journal's account is the handle user@host.
import { STDIN_LABEL } from '../../cli/upload/stdin.js';
import { configDir } from '../../paths.js';
import type { Provider, Request } from '../contract.js';
import { COMMON_FLAGS } from '../flags.js';
import { peertubeAuth } from './auth.js';
import { mapPeerTubeError } from './errors.js';
import { apiRoot, handleOf, watchUrl } from './instance.js';
import { type PeerTubePlan, preparePeerTube } from './prepare.js';
import { peertubeQuota } from './quota.js';
import { instanceFor } from './session.js';
import { peertubeStatus } from './status.js';
import { peertubeSteps } from './steps.js';
import { peertubeUpdate } from './update.js';

/** The flags with a meaning on PeerTube; any other is refused (exit 2) before a request. */
const PEERTUBE_FLAGS: ReadonlySet<string> = new Set([
  ...COMMON_FLAGS,
  ...['privacy', 'privacyStatus', 'category', 'channel', 'licence', 'language', 'nsfw', 'comments'],
  ...['thumbnail', 'playlist', 'createPlaylist', 'caption', 'wait', 'open', 'chunkSize', 'timeBudget'],
]);

/** The profile's instance, from its login (VUPLOAD_PEERTUBE_URL naming another is refused: exit 3). */
async function loggedIn(req: Pick<Request, 'ctx' | 'globals'>) {
  const { readPeerTubeToken, peertubeLoginHint } = await import('./tokens.js');
  const { envInstance, instanceOf } = await import('./session.js');
  const token = await readPeerTubeToken(configDir(req.ctx.env), req.globals.profile);
  if (!token) {
    const { authError } = await import('../../errors.js');
    const env = envInstance(req.ctx);
    throw authError(
      'notLoggedIn',
      `profile "${req.globals.profile}" is not logged in to PeerTube${env ? ` (${env})` : ''}.`,
      peertubeLoginHint(req.globals.profile, env),
    );
  }
  return { instance: instanceOf(token, req.ctx, req.globals.profile), username: token.username };
}

/** What --dry-run prints: the requests an upload would send, the token redacted, the channel by name. */
async function dryRun(plan: PeerTubePlan, req: Request): Promise<unknown[]> {
  const instance = instanceFor(req) ?? '<instance>';
  const auth = { Authorization: 'Bearer <redacted>' };
  const { channel, ...metadata } = plan.resource;
  const video = '<new video>';
  return [
    {
      method: 'POST',
      url: `${apiRoot(instance)}/videos/upload-resumable`,
      headers: {
        ...auth,
        'Content-Type': 'application/json; charset=utf-8',
        'X-Upload-Content-Length': String(plan.size),
        'X-Upload-Content-Type': plan.contentType,
      },
      body: {
        ...metadata,
        channelId: channel === undefined ? "<the account's first channel>" : `<id of ${channel}>`,
      },
    },
    {
      method: 'PUT',
      url: '<upload session>',
      ...(plan.chunkSize && plan.chunkSize < plan.size
        ? { chunks: Math.ceil(plan.size / plan.chunkSize), chunkSize: plan.chunkSize }
        : { headers: { 'Content-Length': String(plan.size) } }),
      file: plan.stdin ? STDIN_LABEL : plan.file,
      ...(plan.limitRate ? { limitRate: plan.limitRate } : {}),
    },
    ...(plan.thumbnail
      ? [
          {
            method: 'PUT',
            url: `${apiRoot(instance)}/videos/${video}`,
            headers: auth,
            thumbnailfile: plan.thumbnail,
          },
        ]
      : []),
    ...plan.playlists.map((playlist) => ({
      method: 'POST',
      url: `${apiRoot(instance)}/video-playlists/<playlist "${playlist}">/videos`,
      headers: auth,
      body: { videoId: video },
    })),
    ...plan.captions.map((c) => ({
      method: 'PUT',
      url: `${apiRoot(instance)}/videos/${video}/captions/${c.language}`,
      headers: auth,
      captionfile: c.path,
    })),
  ];
}

export const provider: Provider<PeerTubePlan> = {
  name: 'peertube',
  title: 'PeerTube',
  auth: peertubeAuth,
  uploadFlags: PEERTUBE_FLAGS,
  pipe: {
    reason:
      'PeerTube needs the whole size before the first byte (X-Upload-Content-Length, for its quota check)',
  },
  quota: peertubeQuota,
  steps: peertubeSteps,
  update: peertubeUpdate,
  async account(req) {
    const { instance, username } = await loggedIn(req);
    return handleOf(username, instance);
  },
  prepare: preparePeerTube,
  dryRun,
  async upload(run) {
    const { uploadToPeerTube } = await import('./upload.js');
    return uploadToPeerTube(run, (await loggedIn(run)).instance);
  },
  status: (id, req, flags) => peertubeStatus(id, req, flags),
  statusFlags: new Set(['wait']),
  videoUrl(id, req) {
    // Synchronous: the instance comes from the environment or the saved login, read as it is.
    return watchUrl(instanceFor(req) ?? 'https://<instance>', id);
  },
  mapError: (error, { action }) => mapPeerTubeError(error, { action }),
};
