// This file is Vimeo's run of the conformance suite (test/providers/harness.ts): the Vimeo emulator (@tus/server behind
// its upload links), a profile logged in with a personal access token saved as `vupload auth import` saves it, faults
// in the sandboxes' one vocabulary, and what the account holds.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeVimeoToken } from '../../../src/providers/vimeo/token-store.js';
import { startVimeoSandbox } from '../../../src/sandbox/vimeo/index.js';
import type { ConformanceHarness, RunningProvider, StartOptions } from '../harness.js';

const USER = 'sandbox-user';

export const harness: ConformanceHarness = {
  name: 'vimeo',
  exempt: {
    pipe:
      'Vimeo creates the video with its size (upload.size of POST /me/videos) before the first byte, so a stream ' +
      'of unknown length cannot be declared; vupload refuses it with exit 2 and says so',
  },
  // tus takes any split; the size scenarios use Google's grid so that every provider runs the same sizes.
  chunk: 256 * 1024,
  async start(dir: string, options: StartOptions = {}): Promise<RunningProvider> {
    const sb = await startVimeoSandbox({ processingMs: 50, ...(options.now ? { now: options.now } : {}) });
    const config = join(dir, 'config');
    await mkdir(config, { recursive: true, mode: 0o700 });
    await writeVimeoToken(config, {
      version: 1,
      provider: 'vimeo',
      profile: 'default',
      access_token: sb.personalToken(),
      token_type: 'bearer',
      scope: 'public private upload edit create interact delete',
      api_url: sb.url,
      source: 'import',
      created_at: new Date().toISOString(),
    });
    return {
      env: {
        HOME: dir,
        VUPLOAD_CONFIG_DIR: config,
        VUPLOAD_STATE_DIR: join(dir, 'state'),
        VUPLOAD_VIMEO_API_URL: sb.url,
        VUPLOAD_VIMEO_CLIENT_ID: sb.app.clientId,
        VUPLOAD_VIMEO_CLIENT_SECRET: sb.app.clientSecret,
      },
      uploadArgs: ['--provider', 'vimeo'],
      fault: (fault) => sb.faults.add(fault),
      faultsPending: () => sb.faults.pending().length,
      clearFaults: () => sb.faults.clear(),
      requestCount: () => sb.requests.length,
      bytesReceived: () =>
        sb.requests.filter((e) => e.kind === 'upload-chunk').reduce((sum, e) => sum + e.bodyBytes, 0),
      // Every video of the account, finished or not: an empty video an interrupted upload left counts as one.
      videos: async () =>
        Promise.all(
          sb.videoIds(USER).map(async (id) => {
            const media = sb.media(id);
            return media
              ? { id, size: media.size, sha256: media.sha256 }
              : { id, size: (await sb.upload(id))?.offset ?? 0, sha256: '' };
          }),
        ),
      close: () => sb.close(),
    };
  },
};
