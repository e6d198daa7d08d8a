// This file is the PeerTube emulator's entry point: startPeerTubeSandbox() loads the state, starts uploadx and a
// 127.0.0.1 server, and returns the handle tests and `vupload sandbox` use.
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensurePrivateDir } from '../../fsutil.js';
import { faultControls } from '../faults.js';
import { listenLoopback } from '../http.js';
import { createPeerTubeAdmin } from './admin.js';
import { PtCore } from './core.js';
import { videoJson } from './format.js';
import { totp } from './otp.js';
import { createPeerTubeListener } from './server.js';
import { emptyState } from './state.js';
import { PEERTUBE_SANDBOX_USER, type PeerTubeSandbox, type PeerTubeSandboxOptions } from './types.js';
import { createUploadx } from './uploadx.js';
import { sha256File } from './video-create.js';

export type {
  Fault,
  PeerTubeSandbox,
  PeerTubeSandboxOptions,
  PeerTubeTokenResponse,
  PeerTubeUploadInfo,
  PeerTubeUserInfo,
  PeerTubeUserSettings,
  RequestLogEntry,
  TranscodingOutcome,
} from './types.js';
export { PEERTUBE_FAULT_KINDS, PEERTUBE_SANDBOX_USER } from './types.js';

const OUTCOMES = ['published', 'failed'];

/** Starts the PeerTube emulator on 127.0.0.1 and resolves once it listens. */
export async function startPeerTubeSandbox(options: PeerTubeSandboxOptions = {}): Promise<PeerTubeSandbox> {
  const persist = options.dir !== undefined;
  const dir = options.dir ? resolve(options.dir) : await mkdtemp(join(tmpdir(), 'vupload-peertube-'));
  await ensurePrivateDir(dir);
  for (const sub of ['media', 'resumable-uploads'])
    await mkdir(join(dir, sub), { recursive: true, mode: 0o700 });
  const core = new PtCore(
    {
      accessTokenTtlSec: options.accessTokenTtlSec ?? 86_400,
      refreshTokenTtlSec: options.refreshTokenTtlSec ?? 1_209_600,
      processingMs: options.processingMs ?? 3000,
      creationDelayMs: options.creationDelayMs ?? 0,
      probe: options.probe ?? true,
      storage: options.storage ?? 'full',
    },
    dir,
    persist,
    options.now ?? Date.now,
    options.log,
  );
  const saved = await core.file.load();
  if (saved) core.state = { ...emptyState(saved.client), ...saved };
  else {
    core.setUser(PEERTUBE_SANDBOX_USER.username, { password: PEERTUBE_SANDBOX_USER.password });
    for (const { username, ...settings } of options.users ?? []) core.setUser(username, settings);
    await core.save();
  }

  // Before listening: uploadx builds Location from the instance URL, known once the port is.
  core.uploadx = await createUploadx(join(dir, 'resumable-uploads'), () => core.url);
  let handle: PeerTubeSandbox | undefined;
  const server = createServer(
    { requestTimeout: 0 },
    createPeerTubeListener(
      core,
      createPeerTubeAdmin(() => handle!),
      options.log,
    ),
  );
  const port = await listenLoopback(server, options.port);
  core.url = `http://127.0.0.1:${port}`;

  const videoOf = (id: number | string) => core.videoByParam(String(id)) ?? undefined;
  const userNamed = (username: string) => {
    const user = core.user(username);
    if (!user) throw new Error(`no PeerTube sandbox user ${username}`);
    return user;
  };

  handle = {
    url: core.url,
    port,
    dir,
    client: { client_id: core.state.client.id, client_secret: core.state.client.secret },
    ...faultControls(core),
    users: () =>
      Object.values(core.state.users).map((u) => ({
        id: u.id,
        username: u.username,
        videoQuota: u.videoQuota,
        videoQuotaDaily: u.videoQuotaDaily,
        twoFactor: u.otpSecret !== undefined,
        blocked: u.blocked,
        channels: core.channelsOf(u.id).map(({ id, name, displayName }) => ({ id, name, displayName })),
      })),
    setUser: (username, settings) => {
      core.setUser(username, settings);
    },
    otp: (username) => {
      const secret = userNamed(username).otpSecret;
      if (!secret) throw new Error(`two-factor authentication is off for ${username}`);
      return totp(secret, core.now());
    },
    mintToken: (username = PEERTUBE_SANDBOX_USER.username, opts = {}) => {
      const answer = core.issue(userNamed(username), opts.ttlSec);
      core.saveLater();
      return answer;
    },
    video: (id) => {
      const v = videoOf(id);
      return v ? videoJson(core, v, 'details') : undefined;
    },
    media: async (id) => {
      const v = videoOf(id);
      if (!v) return undefined;
      if (!v.media.sha256 && v.media.file) {
        v.media.sha256 = await sha256File(join(core.mediaDir, v.media.file));
        core.saveLater();
      }
      return { size: v.media.size, sha256: v.media.sha256 };
    },
    thumbnail: (id) => {
      const t = videoOf(id)?.thumbnail;
      return t ? { size: t.size, sha256: t.sha256, mimeType: t.mimeType } : undefined;
    },
    captions: (id) =>
      Object.values(videoOf(id)?.captions ?? {}).map(({ language, size, sha256, mimeType }) => ({
        language,
        size,
        sha256,
        mimeType,
      })),
    playlists: () =>
      Object.values(core.state.playlists)
        .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)
        .map((p) => ({
          id: p.id,
          uuid: p.uuid,
          displayName: p.displayName,
          privacy: p.privacy,
          channelId: p.channelId,
          ownerId: p.ownerId,
          videoIds: p.elements.flatMap((e) => (e.videoId === null ? [] : [e.videoId])),
        })),
    upload: async (uploadId) => {
      const f = await core.uploadx.get(uploadId);
      if (!f) return undefined;
      const stored = await stat(core.uploadx.path(f)).then(
        (s) => s.size,
        () => 0,
      );
      return { uploadId, stored, size: f.size, userId: Number(f.userId), metadata: f.metadata };
    },
    expireUpload: (uploadId) => core.uploadx.delete(uploadId),
    setTranscodingOutcome: (id, outcome) => {
      if (!OUTCOMES.includes(outcome))
        throw new Error(`invalid transcoding outcome: ${JSON.stringify(outcome)}`);
      if (id === 'next') core.state.nextOutcome = outcome;
      else {
        const v = videoOf(id);
        if (!v) throw new Error(`no video ${id}`);
        v.outcome = outcome;
      }
      core.saveLater();
    },
    close: async () => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
      await core.file.idle();
      if (!persist) await rm(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
