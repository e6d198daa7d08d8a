// This file is the Youku emulator's entry point: startYoukuSandbox() wires state, handlers and a 127.0.0.1 server.

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensurePrivateDir } from '../../fsutil.js';
import { listenLoopback } from '../http.js';
import { showVideo } from './api.js';
import { YoukuCore } from './core.js';
import { createYoukuListener } from './server.js';
import { YOUKU_SANDBOX_CLIENT, type YoukuSandbox, type YoukuSandboxOptions } from './types.js';

export type {
  YoukuErrorFault,
  YoukuFault,
  YoukuKind,
  YoukuRequestLogEntry,
  YoukuSandbox,
  YoukuSandboxClient,
  YoukuSandboxOptions,
  YoukuTokenResponse,
} from './types.js';
export { YOUKU_SANDBOX_CLIENT } from './types.js';

/** Starts the Youku emulator on 127.0.0.1 and resolves once it listens. Upload state lives in memory. */
export async function startYoukuSandbox(options: YoukuSandboxOptions = {}): Promise<YoukuSandbox> {
  const own = options.dir === undefined;
  const dir = options.dir ? resolve(options.dir) : await mkdtemp(join(tmpdir(), 'vupload-youku-'));
  await ensurePrivateDir(join(dir, 'media'));
  const clients = options.clients ?? [{ ...YOUKU_SANDBOX_CLIENT }];
  if (clients.length === 0) throw new Error('startYoukuSandbox: clients must not be empty');
  const core = new YoukuCore(
    {
      accessTokenTtlSec: options.accessTokenTtlSec ?? 3600,
      confirmDelayChecks: options.confirmDelayChecks ?? 2,
      sliceLengthKb: options.sliceLengthKb,
      uploadTokenTtlMs: options.uploadTokenTtlMs ?? 24 * 3600 * 1000,
      clients,
      reportedServerIp: options.reportedServerIp ?? '10.0.0.7',
    },
    dir,
    options.now ?? Date.now,
  );
  const server = createServer({ requestTimeout: 0 }, createYoukuListener(core, options.log));
  const port = await listenLoopback(server, options.port);
  core.url = `http://127.0.0.1:${port}`;
  const uploadOf = (tokenOrId: string) => core.uploads.get(tokenOrId) ?? core.videos.get(tokenOrId)?.upload;

  return {
    url: core.url,
    port,
    dir,
    faults: {
      add: (f) => core.faults.add(f),
      clear: () => core.faults.clear(),
      pending: () => core.faults.pending(),
    },
    requests: core.requests,
    clearRequests: () => {
      core.requests.length = 0;
    },
    mintToken: (o = {}) => core.issue(clients[0]!.clientId, o.ttlSec),
    video: (id) => showVideo(core, id),
    videos: () =>
      [...new Set(core.videos.values())]
        .sort((a, b) => a.created - b.created)
        .map((v) => ({
          id: v.id,
          size: v.upload.receivedBytes,
          md5: v.upload.md5 ?? '',
          path: v.upload.file,
        })),
    media: (tokenOrId) => {
      const u = uploadOf(tokenOrId);
      return u ? { size: u.receivedBytes, md5: u.md5 ?? '' } : undefined;
    },
    expireUploadToken: (token) => {
      const u = core.uploads.get(token);
      if (!u) throw new Error(`no upload token ${token}`);
      u.expiresAt = core.now();
    },
    close: async () => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
      if (own) await rm(dir, { recursive: true, force: true });
    },
  };
}
