// This file is YouTube's run of the conformance suite: the YouTube sandbox, a profile logged in through the real
// loopback flow, and the sandbox's own fault vocabulary (test/providers/harness.ts).
import { startSandbox } from '../../../src/sandbox/youtube/index.js';
import { playBrowser, sandboxEnv } from '../../cli/env.js';
import { runCli } from '../../helpers/cli.js';
import type { ConformanceHarness } from '../harness.js';

export const harness: ConformanceHarness = {
  name: 'youtube',
  exempt: {},
  // The resumable protocol's granularity: every chunk but the last is a multiple of 256 KiB.
  chunk: 256 * 1024,
  async start(dir, options = {}) {
    const sb = await startSandbox({
      processingMs: 50,
      dailyQuota: 1_000_000_000,
      ...(options.now ? { now: options.now } : {}),
    });
    const env = await sandboxEnv(dir, sb);
    const login = await runCli(['auth', 'login'], { cwd: dir, env, openUrl: playBrowser });
    if (login.code !== 0) throw new Error(`youtube login failed (${login.code}): ${login.stderr}`);
    return {
      env,
      uploadArgs: ['--provider', 'youtube'],
      fault: (fault) => sb.faults.add(fault),
      faultsPending: () => sb.faults.pending().length,
      clearFaults: () => sb.faults.clear(),
      requestCount: () => sb.requests.length,
      bytesReceived: () =>
        sb.requests.filter((r) => r.kind === 'upload-chunk').reduce((sum, r) => sum + r.bodyBytes, 0),
      videos: async () =>
        sb.videos().map((id) => {
          const media = sb.media(id);
          return { id, size: media?.size ?? 0, sha256: media?.sha256 ?? '' };
        }),
      close: () => sb.close(),
    };
  },
};
