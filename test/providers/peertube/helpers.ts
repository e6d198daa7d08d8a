// This file gives the PeerTube provider's tests an emulated instance, private config and state directories, the
// environment that points vupload at them, a logged-in profile, and ways to run vupload in-process or as a process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PEERTUBE_SANDBOX_USER,
  type PeerTubeSandbox,
  type PeerTubeSandboxOptions,
  startPeerTubeSandbox,
} from '../../../src/sandbox/peertube/index.js';
import { type CliResult, type RunOptions, runCli, spawnCli } from '../../helpers/cli.js';

export { PEERTUBE_SANDBOX_USER };

export interface PtEnv {
  sb: PeerTubeSandbox;
  dir: string;
  env: Record<string, string>;
  /** Runs vupload in-process in `dir` with this env (plus `options.env`). */
  run(
    argv: string[],
    options?: Omit<RunOptions, 'env'> & { env?: Record<string, string> },
  ): Promise<CliResult>;
  /** Runs bin/vupload.cjs as a real process. */
  spawn(argv: string[], options?: Parameters<typeof spawnCli>[1]): ReturnType<typeof spawnCli>;
  /** Logs `profile` in as the sandbox user (the password from VUPLOAD_PEERTUBE_PASSWORD). */
  login(profile?: string): Promise<void>;
  /** Requests after a mark (index in sb.requests). */
  since(mark: number): PeerTubeSandbox['requests'];
  /** The account's videos as the owner sees them, newest first. */
  videos(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function ptEnv(options: PeerTubeSandboxOptions = {}): Promise<PtEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-pt-'));
  const sb = await startPeerTubeSandbox({ processingMs: 50, ...options });
  const env = {
    HOME: dir,
    VUPLOAD_CONFIG_DIR: join(dir, 'config'),
    VUPLOAD_STATE_DIR: join(dir, 'state'),
    VUPLOAD_PEERTUBE_URL: sb.url,
  };
  const run: PtEnv['run'] = (argv, o = {}) => runCli(argv, { cwd: dir, ...o, env: { ...env, ...o.env } });
  return {
    sb,
    dir,
    env,
    run,
    spawn: (argv, o = {}) => spawnCli(argv, { cwd: dir, ...o, env: { ...env, ...o.env } }),
    async login(profile = 'default') {
      const r = await run(
        ['auth', 'login', '--provider', 'peertube', '--username', 'sandbox', '--profile', profile],
        { env: { VUPLOAD_PEERTUBE_PASSWORD: PEERTUBE_SANDBOX_USER.password } },
      );
      if (r.code !== 0) throw new Error(`login failed (${r.code}): ${r.stderr}`);
    },
    since: (mark) => sb.requests.slice(mark),
    videos: () => {
      const user = sb.users().find((u) => u.username === 'sandbox')!;
      const all: Array<Record<string, unknown>> = [];
      for (let id = 1; id < 1000; id++) {
        const v = sb.video(id);
        if (v && (v.account as { id: number }).id === user.id) all.push(v);
      }
      return all.reverse();
    },
    async close() {
      await sb.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
