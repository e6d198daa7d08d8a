// This file is PeerTube's run of the conformance suite (test/providers/harness.ts): the PeerTube emulator (uploadx
// itself) with a profile logged in through vupload's own login, its faults in the sandboxes' vocabulary, and what
// the instance holds.
import { join } from 'node:path';
import { PEERTUBE_SANDBOX_USER, startPeerTubeSandbox } from '../../../src/sandbox/peertube/index.js';
import { runCli } from '../../helpers/cli.js';
import type { ConformanceHarness } from '../harness.js';

export const harness: ConformanceHarness = {
  name: 'peertube',
  exempt: {
    pipe:
      'PeerTube needs the whole size before the first byte: POST /videos/upload-resumable requires ' +
      'X-Upload-Content-Length (its quota check runs then), so a stream of unknown length cannot be uploaded',
  },
  // --chunk-size is rounded to 256 KiB by the CLI; uploadx itself takes any split.
  chunk: 256 * 1024,
  async start(dir, options = {}) {
    // `probe: false`: the size scenarios upload files of 1 byte, which PeerTube's ffprobe would refuse (422) as no
    // video; the protocol is what the suite proves, not ffprobe.
    const sb = await startPeerTubeSandbox({
      processingMs: 0,
      probe: false,
      ...(options.now ? { now: options.now } : {}),
    });
    const env = {
      HOME: dir,
      VUPLOAD_CONFIG_DIR: join(dir, 'config'),
      VUPLOAD_STATE_DIR: join(dir, 'state'),
      VUPLOAD_PEERTUBE_URL: sb.url,
    };
    const login = await runCli(['auth', 'login', '--provider', 'peertube', '--username', 'sandbox'], {
      cwd: dir,
      env: { ...env, VUPLOAD_PEERTUBE_PASSWORD: PEERTUBE_SANDBOX_USER.password },
    });
    if (login.code !== 0) {
      await sb.close();
      throw new Error(`PeerTube login failed (${login.code}): ${login.stderr}`);
    }
    const owner = sb.users().find((u) => u.username === PEERTUBE_SANDBOX_USER.username)!.id;
    return {
      env,
      uploadArgs: ['--provider', 'peertube'],
      fault: (fault) => sb.faults.add(fault),
      faultsPending: () => sb.faults.pending().length,
      clearFaults: () => sb.faults.clear(),
      requestCount: () => sb.requests.length,
      bytesReceived: () =>
        sb.requests.filter((r) => r.kind === 'upload-chunk').reduce((sum, r) => sum + r.bodyBytes, 0),
      async videos() {
        const found: Array<{ id: string; size: number; sha256: string }> = [];
        // Video ids are sequential on an instance; the emulator answers the owner's view of each.
        for (let id = 1; ; id++) {
          const video = sb.video(id);
          if (!video) {
            if (id > 1 && !sb.video(id + 1) && !sb.video(id + 2)) break;
            continue;
          }
          if ((video.account as { id: number }).id !== owner) continue;
          const media = await sb.media(id);
          if (media) found.push({ id: String(video.shortUUID), size: media.size, sha256: media.sha256 });
        }
        return found;
      },
      close: () => sb.close(),
    };
  },
};
