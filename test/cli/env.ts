// This file gives CLI tests a sandbox, private config/state directories, the env that points vupload at them, and a login.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startYoukuSandbox, YOUKU_SANDBOX_CLIENT } from '../../src/sandbox/youku/index.js';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/youtube/index.js';
import { type CliResult, type RunOptions, runCli } from '../helpers/cli.js';

export interface CliEnv {
  sb: Sandbox;
  dir: string;
  env: Record<string, string>;
  /** Runs vupload in-process with this env (non-TTY unless `tty`). */
  run(
    argv: string[],
    options?: Omit<RunOptions, 'env'> & { env?: Record<string, string> },
  ): Promise<CliResult>;
  /** Logs the profile in through the real loopback flow; the "browser" follows the sandbox's consent redirect. */
  login(profile?: string): Promise<void>;
  /** Requests the sandbox saw, admin requests excluded, after a mark. */
  since(mark: number): Sandbox['requests'];
  close(): Promise<void>;
}

/** What a browser does with the sandbox's consent page: follow the redirect to vupload's loopback listener. */
export async function playBrowser(url: string): Promise<void> {
  const consent = await fetch(url, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (!location) throw new Error(`no redirect from the consent page (${consent.status})`);
  await (await fetch(location)).text();
}

/**
 * The env that points vupload at the YouTube sandbox `sb`, with HOME, config and state directories in `dir` and the
 * sandbox's client secrets written there.
 */
export async function sandboxEnv(dir: string, sb: Sandbox): Promise<Record<string, string>> {
  const secrets = join(dir, 'client_secrets.json');
  await writeFile(secrets, JSON.stringify(sb.clientSecrets()));
  return {
    VUPLOAD_API_URL: sb.url,
    VUPLOAD_CLIENT_SECRETS: secrets,
    VUPLOAD_CONFIG_DIR: join(dir, 'config'),
    VUPLOAD_STATE_DIR: join(dir, 'state'),
    HOME: dir,
    // The local quota ledger would otherwise stop a test run after six uploads.
    VUPLOAD_QUOTA: '1000000000',
  };
}

export async function cliEnv(options: SandboxOptions = {}): Promise<CliEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-cli-'));
  const sb = await startSandbox({ processingMs: 50, dailyQuota: 1_000_000_000, ...options });
  const env = await sandboxEnv(dir, sb);
  const run: CliEnv['run'] = (argv, runOptions = {}) =>
    runCli(argv, { cwd: dir, ...runOptions, env: { ...env, ...runOptions.env } });
  return {
    sb,
    dir,
    env,
    run,
    async login(profile = 'default') {
      const result = await run(['auth', 'login', '--profile', profile], { openUrl: playBrowser });
      if (result.code !== 0) throw new Error(`login failed (${result.code}): ${result.stderr}`);
    },
    since: (mark) => sb.requests.slice(mark),
    async close() {
      await sb.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface YoukuCliEnv {
  sb: Awaited<ReturnType<typeof startYoukuSandbox>>;
  dir: string;
  env: Record<string, string>;
  /** Runs vupload in-process in `dir` with this env (plus `extra`). */
  run(
    argv: string[],
    options?: { env?: Record<string, string>; openUrl?: RunOptions['openUrl'] },
  ): Promise<CliResult>;
  close(): Promise<void>;
}

/** The env that points vupload at the Youku emulator at `url`, with HOME, config and state directories in `dir`. */
export function youkuEnv(dir: string, url: string): Record<string, string> {
  return {
    HOME: dir,
    VUPLOAD_CONFIG_DIR: join(dir, 'config'),
    VUPLOAD_STATE_DIR: join(dir, 'state'),
    VUPLOAD_YOUKU_API_URL: url,
    VUPLOAD_YOUKU_CLIENT_ID: YOUKU_SANDBOX_CLIENT.clientId,
    VUPLOAD_YOUKU_CLIENT_SECRET: YOUKU_SANDBOX_CLIENT.clientSecret,
  };
}

/** The Youku emulator, private config/state directories and the env that points vupload at them (no login). */
export async function youkuCliEnv(confirmDelayChecks = 1): Promise<YoukuCliEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-youku-cli-'));
  const sb = await startYoukuSandbox({ confirmDelayChecks });
  const env = youkuEnv(dir, sb.url);
  return {
    sb,
    dir,
    env,
    run: (argv, options = {}) =>
      runCli(argv, {
        cwd: dir,
        env: { ...env, ...options.env },
        ...(options.openUrl ? { openUrl: options.openUrl } : {}),
      }),
    async close() {
      await sb.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
