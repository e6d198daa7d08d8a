// This file is the sandbox's entry point: startSandbox() wires store, handlers and server, and returns the handle.

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensurePrivateDir } from '../../fsutil.js';
import { faultControls } from '../faults.js';
import { listenLoopback } from '../http.js';
import { createAdmin } from './admin.js';
import { Core, type ResolvedOptions } from './core.js';
import { mintToken, pruneTokens } from './oauth.js';
import { Quota } from './quota.js';
import { createListener } from './server.js';
import { Store } from './store.js';
import { type ProcessingOutcome, SANDBOX_CLIENT, type Sandbox, type SandboxOptions } from './types.js';
import { videoResource } from './videos.js';

export type {
  ClientSecretsFile,
  Fault,
  FaultKind,
  MintTokenOptions,
  PartialFault,
  ProcessingOutcome,
  RequestLogEntry,
  Sandbox,
  SandboxClient,
  SandboxOptions,
  SessionInfo,
  StatusFault,
  TokenResponse,
  UserSettings,
} from './types.js';
export { SANDBOX_CLIENT } from './types.js';

const OUTCOMES = ['succeeded', 'failed', 'rejected'];

/** Starts the emulator on 127.0.0.1 and resolves once it listens. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const share = options.createdShare ?? 0;
  if (!(share >= 0 && share <= 1)) throw new Error('startSandbox: createdShare must be from 0 to 1');
  const persist = options.dir !== undefined;
  const dir = options.dir ? resolve(options.dir) : await mkdtemp(join(tmpdir(), 'vupload-sandbox-'));
  await ensurePrivateDir(dir);
  const store = await Store.open(dir, persist);
  const now = options.now ?? Date.now;
  const opts: ResolvedOptions = {
    storage: options.storage ?? 'full',
    accessTokenTtlSec: options.accessTokenTtlSec ?? 3600,
    ...(options.refreshTokenTtlSec !== undefined ? { refreshTokenTtlSec: options.refreshTokenTtlSec } : {}),
    processingMs: options.processingMs ?? 3000,
    sessionTtlMs: options.sessionTtlMs ?? 7 * 24 * 3600 * 1000,
    clients: options.clients ?? [{ ...SANDBOX_CLIENT }],
    uploadLimitPerDay: options.uploadLimitPerDay ?? Number.POSITIVE_INFINITY,
    unverifiedProject: options.unverifiedProject ?? false,
    createdShare: share,
    seed: options.seed ?? 1,
    ...(options.sessionOrigin ? { sessionOrigin: options.sessionOrigin } : {}),
  };
  if (opts.clients.length === 0) throw new Error('startSandbox: clients must not be empty');

  const quota = new Quota(store, options.dailyQuota ?? 10_000, options.costs ?? {}, now);
  const core = new Core(opts, store, quota, now, options.log);
  pruneTokens(core);

  let handle: Sandbox | undefined;
  const server = createServer(
    { requestTimeout: 0 },
    createListener(
      core,
      createAdmin(() => handle!),
      options.log,
    ),
  );
  const port = await listenLoopback(server, options.port);
  const url = `http://127.0.0.1:${port}`;
  core.url = url;
  const state = store.state;

  handle = {
    url,
    authUri: `${url}/o/oauth2/v2/auth`,
    tokenUri: `${url}/token`,
    revokeUri: `${url}/revoke`,
    port,
    dir,
    clientSecrets: () => ({
      installed: {
        client_id: opts.clients[0]!.clientId,
        client_secret: opts.clients[0]!.clientSecret,
        auth_uri: `${url}/o/oauth2/v2/auth`,
        token_uri: `${url}/token`,
        redirect_uris: ['http://127.0.0.1', 'http://localhost'],
        revoke_uri: `${url}/revoke`,
      },
    }),
    mintToken: (o) => mintToken(core, o),
    ...faultControls(core),
    video: (id) => {
      const v = state.videos[id];
      return v ? videoResource(core, v, 'all', v.owner) : undefined;
    },
    videos: () =>
      Object.values(state.videos)
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((v) => v.id),
    media: (id) => {
      const m = state.videos[id]?.media;
      return m ? { size: m.size, sha256: m.sha256 } : undefined;
    },
    thumbnail: (id) => {
      const t = state.videos[id]?.thumbnail;
      return t ? { size: t.size, sha256: t.sha256, mimeType: t.mimeType } : undefined;
    },
    playlists: () =>
      Object.values(state.playlists)
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((p) => ({ id: p.id, owner: p.owner, title: p.title, videoIds: p.items.map((i) => i.videoId) })),
    captions: (videoId) =>
      Object.values(state.captions)
        .filter((c) => c.videoId === videoId)
        .sort((a, b) => a.updatedAt - b.updatedAt)
        .map((c) => ({ id: c.id, language: c.language, name: c.name })),
    session: (id) => {
      const s = state.sessions[id];
      return s ? { uploadId: s.id, stored: s.stored, total: s.total, videoId: s.videoId } : undefined;
    },
    setQuotaUsed: (units) => {
      quota.setUsed(units);
      core.saveLater();
    },
    quotaUsed: () => quota.used(),
    setProcessingOutcome: (id: string, outcome: ProcessingOutcome) => {
      if (!outcome || !OUTCOMES.includes(outcome.kind))
        throw new Error(`invalid processing outcome: ${JSON.stringify(outcome)}`);
      if (id === 'next') state.nextOutcome = outcome;
      else {
        const v = state.videos[id];
        if (!v) throw new Error(`no video ${id}`);
        v.processing.outcome = outcome;
      }
      core.saveLater();
    },
    setUser: (name, settings) => {
      const user = core.user(name);
      if (settings.customThumbnails !== undefined) user.customThumbnails = settings.customThumbnails;
      if (settings.channelTitle !== undefined) user.channelTitle = settings.channelTitle;
      core.saveLater();
    },
    close: async () => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
      await store.idle();
      if (!persist) await rm(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
