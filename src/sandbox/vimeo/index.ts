// This file is the Vimeo emulator's entry point: startVimeoSandbox() wires state, @tus/server and the two hosts.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensurePrivateDir } from '../../fsutil.js';
import { faultControls } from '../faults.js';
import { listenLoopback } from '../http.js';
import { StateFile } from '../state-file.js';
import { createVimeoAdmin } from './admin.js';
import { DEFAULT_USER, VimeoCore } from './core.js';
import { issueToken, SCOPES } from './oauth.js';
import { createApiListener } from './server.js';
import { VimeoStore } from './state.js';
import { completeUpload, startTus } from './tus.js';
import { VIMEO_SANDBOX_APP, type VimeoSandbox, type VimeoSandboxOptions } from './types.js';
import { createUploadListener } from './upload-host.js';
import { transcodeStatus, videoResource } from './videos.js';

export type * from './types.js';
export { VIMEO_SANDBOX_APP } from './types.js';

/** Listens on `wanted`, else on the port this dir used last when it is free, else on a free one. */
async function listen(
  server: Server,
  wanted: number | undefined,
  previous: number | undefined,
): Promise<number> {
  if (wanted !== undefined) return listenLoopback(server, wanted);
  if (previous !== undefined) {
    try {
      return await listenLoopback(server, previous);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
  return listenLoopback(server, 0);
}

/** Starts the emulator (API and upload host on 127.0.0.1) and resolves once both listen. */
export async function startVimeoSandbox(options: VimeoSandboxOptions = {}): Promise<VimeoSandbox> {
  const persist = options.dir !== undefined;
  const dir = options.dir ? resolve(options.dir) : await mkdtemp(join(tmpdir(), 'vupload-vimeo-'));
  await ensurePrivateDir(join(dir, 'files'));
  const apps = options.apps ?? [{ ...VIMEO_SANDBOX_APP }];
  if (apps.length === 0) throw new Error('startVimeoSandbox: apps must not be empty');
  const store = await VimeoStore.open(dir, persist);
  const rate = options.rateLimit ?? {};
  const core = new VimeoCore(
    {
      processingMs: options.processingMs ?? 3000,
      apps,
      uploadLinkTtlMs: options.uploadLinkTtlMs ?? 24 * 3600 * 1000,
      createStatus: options.createStatus ?? 200,
    },
    store,
    dir,
    options.now ?? Date.now,
    { limit: rate.limit ?? 10_000, windowMs: (rate.windowSec ?? 900) * 1000 },
    options.log,
  );
  const host = await startTus(core, dir);
  core.uploads = host.bridge;
  const state = store.state;
  // The tus store is the truth: an upload whose last byte was stored before a crash is complete.
  for (const v of Object.values(state.videos)) {
    if (v.uploadStatus !== 'complete' && (await host.bridge.offset(v.tusId)) === v.size)
      await completeUpload(core, host.directory, v.tusId);
  }

  let handle: VimeoSandbox | undefined;
  const api = createServer(
    { requestTimeout: 0 },
    createApiListener(
      core,
      createVimeoAdmin(() => handle!),
      options.log,
    ),
  );
  const uploads = createServer({ requestTimeout: 0 }, createUploadListener(core, host, options.log));
  const portsFile = join(dir, 'ports.json');
  const ports = { port: 0, uploadPort: 0 };
  const portsState = new StateFile(portsFile, persist, () => ports);
  const saved = await portsState.load();
  ports.port = await listen(api, options.port, saved?.port);
  ports.uploadPort = await listen(uploads, options.uploadPort, saved?.uploadPort);
  await portsState.save();
  const { port, uploadPort } = ports;
  core.url = `http://127.0.0.1:${port}`;
  core.uploadUrl = `http://127.0.0.1:${uploadPort}`;
  const app = apps[0]!;
  const mine = (owner: string, user?: string) => user === undefined || owner === user;
  const video = (id: string) => state.videos[id];

  handle = {
    url: core.url,
    uploadUrl: core.uploadUrl,
    port,
    uploadPort,
    dir,
    ...(saved && (saved.port !== port || saved.uploadPort !== uploadPort) ? { movedFrom: saved } : {}),
    app: { clientId: app.clientId, clientSecret: app.clientSecret },
    authorizeUri: `${core.url}/oauth/authorize`,
    tokenUri: `${core.url}/oauth/access_token`,
    mintToken: (opts = {}) => {
      const token = issueToken(
        { core },
        app.clientId,
        opts.scopes ?? SCOPES,
        core.user(opts.user ?? DEFAULT_USER).name,
      );
      core.saveLater();
      return token;
    },
    personalToken: () => {
      state.personalToken ??= handle!.mintToken();
      core.saveLater();
      return state.personalToken;
    },
    revokeToken: (token) => {
      const rec = state.tokens[token];
      if (rec) rec.revoked = true;
      core.saveLater();
    },
    ...faultControls(core),
    video: (id) => {
      const v = video(id);
      return v ? videoResource(core, v) : undefined;
    },
    videoIds: (user) =>
      Object.values(state.videos)
        .filter((v) => mine(v.owner, user))
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((v) => v.id),
    media: (id) => {
      const v = video(id);
      return v?.uploadStatus === 'complete' && v.sha256 ? { size: v.size, sha256: v.sha256 } : undefined;
    },
    upload: async (id) => {
      const v = video(id);
      if (!v) return undefined;
      const offset = (await host.bridge.offset(v.tusId)) ?? 0;
      return { size: v.size, offset, status: v.uploadStatus, link: host.bridge.linkOf(v.tusId) };
    },
    transcodeStatus: (id) => {
      const v = video(id);
      return v ? transcodeStatus(core, v) : undefined;
    },
    setTranscodeOutcome: (id, outcome) => {
      if (outcome !== 'complete' && outcome !== 'error')
        throw new Error(`invalid transcode outcome: ${String(outcome)}`);
      if (id === 'next') state.nextOutcome = outcome;
      else {
        const v = video(id);
        if (!v) throw new Error(`no video ${id}`);
        v.transcodeOutcome = outcome;
      }
      core.saveLater();
    },
    pictures: (videoId) =>
      Object.values(state.pictures)
        .filter((p) => p.videoId === videoId)
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((p) => ({
          id: p.id,
          active: p.active,
          ...(p.upload ? { size: p.upload.size, sha256: p.upload.sha256, mimeType: p.upload.mimeType } : {}),
        })),
    textTracks: (videoId) =>
      Object.values(state.texttracks)
        .filter((t) => t.videoId === videoId)
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((t) => ({
          id: t.id,
          type: t.type,
          language: t.language,
          name: t.name,
          active: t.active,
          ...(t.upload ? { size: t.upload.size, sha256: t.upload.sha256 } : {}),
        })),
    folders: (user) =>
      Object.values(state.projects)
        .filter((p) => mine(p.owner, user))
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((p) => ({
          id: p.id,
          owner: p.owner,
          name: p.name,
          videoIds: Object.values(state.videos)
            .filter((v) => v.projectId === p.id)
            .sort((a, b) => (a.projectAddedAt ?? 0) - (b.projectAddedAt ?? 0))
            .map((v) => v.id),
        })),
    showcases: (user) =>
      Object.values(state.albums)
        .filter((a) => mine(a.owner, user))
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((a) => ({ id: a.id, owner: a.owner, name: a.name, videoIds: a.items.map((i) => i.videoId) })),
    expireUpload: async (videoId, how = 'expire') => {
      const v = video(videoId);
      if (!v) throw new Error(`no video ${videoId}`);
      await (how === 'remove' ? host.bridge.remove(v.tusId) : host.bridge.expire(v.tusId));
    },
    setUser: (name, settings) => {
      const user = core.user(name);
      if (settings.displayName !== undefined) user.displayName = settings.displayName;
      if (settings.account !== undefined) user.account = settings.account;
      const { lifetime, periodic } = settings.quota ?? {};
      if (lifetime?.max !== undefined) user.lifetimeMax = lifetime.max;
      if (lifetime?.used !== undefined) user.lifetimeUsed = lifetime.used;
      if (periodic?.max !== undefined) user.periodicMax = periodic.max;
      if (periodic?.used !== undefined) user.periodicUsed = periodic.used;
      if (periodic?.resetDate !== undefined) {
        const at = Date.parse(periodic.resetDate);
        if (Number.isNaN(at)) throw new Error(`invalid periodic.resetDate: ${periodic.resetDate}`);
        user.periodicResetAt = at;
      }
      const rl = settings.rateLimit;
      if (rl)
        core.limiter.set(name, {
          ...(rl.limit !== undefined ? { limit: rl.limit } : {}),
          ...(rl.windowSec !== undefined ? { windowMs: rl.windowSec * 1000 } : {}),
        });
      core.saveLater();
    },
    quota: (name = DEFAULT_USER) => core.quota(core.user(name)),
    close: async () => {
      const closed = [api, uploads].map((s) => new Promise<void>((done) => s.close(() => done())));
      api.closeAllConnections();
      uploads.closeAllConnections();
      await Promise.all(closed);
      await store.idle();
      if (!persist) await rm(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
