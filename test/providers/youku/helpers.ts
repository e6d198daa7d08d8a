// This file gives the Youku tests their pieces: an emulator, a private temp dir, a video, a recording clock, auth.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { YoukuAuth, YoukuUploadOptions } from '../../../src/providers/youku/index.js';
import {
  startYoukuSandbox,
  type YoukuSandbox,
  type YoukuSandboxOptions,
} from '../../../src/sandbox/youku/index.js';
import type { Clock } from '../../../src/upload/index.js';

export interface World {
  sb: YoukuSandbox;
  dir: string;
  stateDir: string;
  video: string;
  bytes: Buffer;
  sleeps: number[];
  clock: Clock;
  refreshes: number;
  auth: YoukuAuth;
  /** uploadToYouku options for this world; `extra` overrides. */
  options(extra?: Partial<YoukuUploadOptions>): YoukuUploadOptions;
  close(): Promise<void>;
}

/** An emulator with 64 KB slices, a video of `size` random bytes, and a clock whose sleeps return at once. */
export async function world(size = 300 * 1024, sandbox: YoukuSandboxOptions = {}): Promise<World> {
  const sb = await startYoukuSandbox({ sliceLengthKb: 64, ...sandbox });
  const dir = await mkdtemp(join(tmpdir(), 'vupload-youku-test-'));
  const video = join(dir, 'clip.mp4');
  const bytes = randomBytes(size);
  await writeFile(video, bytes);
  const sleeps: number[] = [];
  let token = sb.mintToken().access_token;
  const w: World = {
    sb,
    dir,
    stateDir: join(dir, 'state'),
    video,
    bytes,
    sleeps,
    clock: {
      now: () => Date.now(),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
    refreshes: 0,
    auth: {
      accessToken: async () => token,
      refresh: async () => {
        w.refreshes++;
        token = sb.mintToken().access_token;
      },
    },
    options: (extra = {}) => ({
      file: video,
      title: 'Emulated upload',
      tags: ['test', 'vupload'],
      apiUrl: sb.url,
      clientId: 'youku-sandbox-client',
      auth: w.auth,
      stateDir: w.stateDir,
      account: 'default',
      clock: w.clock,
      random: () => 0.5,
      ...extra,
    }),
    close: async () => {
      await sb.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return w;
}

export const kinds = (sb: YoukuSandbox): string[] => sb.requests.map((r) => r.kind);
export const count = (sb: YoukuSandbox, kind: string): number =>
  sb.requests.filter((r) => r.kind === kind).length;
