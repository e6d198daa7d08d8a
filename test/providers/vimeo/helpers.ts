// This file gives the Vimeo provider's tests a Vimeo emulator, private config and state directories, the env that
// points vupload at them, a profile logged in with a personal access token, and views of what the server holds.
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startVimeoSandbox,
  type VimeoRequestLogEntry,
  type VimeoSandbox,
  type VimeoSandboxOptions,
} from '../../../src/sandbox/vimeo/index.js';
import { type CliResult, crashAt, type RunOptions, runCli, spawnCli } from '../../helpers/cli.js';

export interface VimeoWorld {
  sb: VimeoSandbox;
  dir: string;
  env: Record<string, string>;
  /** The personal access token the profile is logged in with. */
  token: string;
  /** vupload in this process, in `dir`, with this env (plus `extra`). */
  run(
    argv: string[],
    options?: Omit<RunOptions, 'env'> & { env?: Record<string, string> },
  ): Promise<CliResult>;
  /** vupload as a real process, optionally killed before its k-th durable change (crashAt). */
  spawn(argv: string[], crash?: ReturnType<typeof crashAt>): Promise<CliResult>;
  /** Requests the emulator saw after `mark` (an index into sb.requests). */
  since(mark: number): VimeoRequestLogEntry[];
  /** The videos of the default user with what the server stored (size, sha256; '' when not complete). */
  videos(): Promise<Array<{ id: string; name: string; size: number; sha256: string; status: string }>>;
  close(): Promise<void>;
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** The emulator and a profile logged in through `vupload auth import --provider vimeo --token-file F`. */
export async function vimeoWorld(options: VimeoSandboxOptions = {}, login = true): Promise<VimeoWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-vimeo-'));
  const sb = await startVimeoSandbox({ processingMs: 50, ...options });
  const env: Record<string, string> = {
    HOME: dir,
    VUPLOAD_CONFIG_DIR: join(dir, 'config'),
    VUPLOAD_STATE_DIR: join(dir, 'state'),
    VUPLOAD_VIMEO_API_URL: sb.url,
    VUPLOAD_VIMEO_CLIENT_ID: sb.app.clientId,
    VUPLOAD_VIMEO_CLIENT_SECRET: sb.app.clientSecret,
  };
  const run: VimeoWorld['run'] = (argv, o = {}) =>
    runCli(argv, { cwd: dir, ...o, env: { ...env, ...o.env } });
  const token = sb.personalToken();
  if (login) {
    const file = join(dir, 'token.txt');
    await writeFile(file, `${token}\n`);
    await chmod(file, 0o600);
    const imported = await run(['auth', 'import', '--provider', 'vimeo', '--token-file', file]);
    if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
  }
  return {
    sb,
    dir,
    env,
    token,
    run,
    spawn: (argv, crash) =>
      spawnCli(argv, {
        cwd: dir,
        env: { ...env, ...(crash?.env ?? {}) },
        ...(crash ? { nodeArgs: crash.nodeArgs } : {}),
      }),
    since: (mark) => sb.requests.slice(mark),
    async videos() {
      const out = [];
      for (const id of sb.videoIds('sandbox-user')) {
        const video = sb.video(id) as { name: string; upload: { status: string } };
        const media = sb.media(id);
        out.push({
          id,
          name: video.name,
          size: media?.size ?? (await sb.upload(id))?.offset ?? 0,
          sha256: media?.sha256 ?? '',
          status: video.upload.status,
        });
      }
      return out;
    },
    async close() {
      await sb.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The history journal's upload lines. */
export async function journal(
  w: VimeoWorld,
): Promise<Array<{ videoId: string; file: string; provider: string }>> {
  const text = await readFile(join(w.env.VUPLOAD_STATE_DIR!, 'history.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { videoId: string; file: string; provider: string });
}

export { crashAt };
