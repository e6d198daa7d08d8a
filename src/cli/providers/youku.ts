// This file is the CLI side of the Youku provider: upload, status and login through src/youku (issue 8).
import { basename, join, resolve } from 'node:path';
import { ExitCode, usageError } from '../../errors.js';
import { configDir, stateDir } from '../../paths.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { formatBytes } from '../format.js';
import type { MetadataFlags } from '../metadata-flags.js';
import { Output } from '../output.js';

/** Youku's API root: --api-url, else VUPLOAD_YOUKU_API_URL (the emulator), else Youku's own. */
async function apiRoot(globals: GlobalOptions, ctx: CliContext): Promise<string> {
  const { YOUKU_API_URL } = await import('../../youku/index.js');
  return (globals.apiUrl ?? ctx.env.VUPLOAD_YOUKU_API_URL ?? YOUKU_API_URL).replace(/\/+$/, '');
}

export async function youkuUpload(
  files: string[],
  flags: MetadataFlags & { retries?: string; restart?: boolean; force?: boolean; waitLock?: boolean },
  globals: GlobalOptions,
  ctx: CliContext,
): Promise<number> {
  const out = await Output.create(ctx, globals);
  const youku = await import('../../youku/index.js');
  const { parseKeywords } = await import('../../youtube/metadata.js');
  const tags = parseKeywords(flags.tags ?? flags.keywords ?? '');
  if (tags.length === 0)
    throw usageError('--tags: Youku requires at least one tag.', 'Example: --tags "travel,surf"');
  const client = await youku.loadYoukuClient(ctx.env, configDir(ctx.env));
  const auth = youku.createYoukuAuth({ configDir: configDir(ctx.env), profile: globals.profile, clock: ctx });
  const apiUrl = await apiRoot(globals, ctx);
  const { fingerprintFile } = await import('../../upload/index.js');
  const { withLock } = await import('../../unattended/lock.js');
  const { findPreviousUpload } = await import('../../unattended/journal.js');
  const { checkVideoFile } = await import('../upload/prepare.js');
  const state = stateDir(ctx.env);
  for (const fileArg of files) {
    const file = resolve(ctx.cwd, fileArg);
    const label = basename(file);
    const size = await checkVideoFile('--file', file);
    const fingerprint = await fingerprintFile(file);
    await withLock(
      {
        dir: join(state, 'locks'),
        key: fingerprint,
        label: file,
        wait: Boolean(flags.waitLock),
        signal: ctx.signal,
      },
      async () => {
        // Never twice: the same content for the same profile was uploaded already (unless --force).
        const previous = flags.force
          ? undefined
          : await findPreviousUpload({
              stateDir: state,
              account: globals.profile,
              fingerprint,
              size,
              provider: 'youku',
            });
        if (previous) {
          out.info(
            `${label} was already uploaded to Youku as ${previous.videoId}; nothing sent (--force uploads it again).`,
          );
          if (globals.json)
            out.resultJson({ provider: 'youku', id: previous.videoId, alreadyUploaded: true, file });
          else out.result(previous.videoId);
          return;
        }
        await uploadOne(file, label);
      },
    );
  }
  return ExitCode.ok;

  async function uploadOne(file: string, label: string): Promise<void> {
    const title = flags.title ?? label.replace(/\.[^.]*$/, '');
    out.startSpinner(`Connecting to upload ${label} to Youku…`);
    const result = await youku.uploadToYouku({
      file,
      title,
      tags,
      ...(flags.description !== undefined ? { description: flags.description } : {}),
      ...(flags.category !== undefined ? { category: flags.category } : {}),
      apiUrl,
      clientId: client.clientId,
      auth,
      stateDir: stateDir(ctx.env),
      account: globals.profile,
      clock: ctx,
      random: ctx.random,
      signal: ctx.signal,
      restart: Boolean(flags.restart),
      onProgress: (p) => out.progress(`Uploading ${label}:`, p),
      onRetry: (e) => out.retry(e),
      onResumed: () => out.info(`Resuming the interrupted upload of ${label}.`),
      onConfirmWait: (e) => out.progressText(`Youku is still confirming the slices (status ${e.status})…`),
      onRestarted: (e) => out.info(`Starting the upload of ${label} again (${e.reason}).`),
    });
    out.stopSpinner(`Uploaded ${label} (${formatBytes(result.size)}) to Youku as ${result.videoId}.`);
    if (result.idsDiffer) {
      out.warn(
        `Youku returned ${result.createVideoId} at create and ${result.videoId} at commit; both are in the history.`,
      );
    }
    if (globals.json) out.resultJson({ provider: 'youku', id: result.videoId, ...result });
    else out.result(result.videoId);
  }
}

export async function youkuStatus(videoId: string, globals: GlobalOptions, ctx: CliContext): Promise<void> {
  const out = await Output.create(ctx, globals);
  const youku = await import('../../youku/index.js');
  const client = await youku.loadYoukuClient(ctx.env, configDir(ctx.env));
  const status = await youku.youkuVideoStatus({
    apiUrl: await apiRoot(globals, ctx),
    clientId: client.clientId,
    videoId,
  });
  if (globals.json) out.resultJson({ provider: 'youku', ...status });
  else
    out.result(
      [
        `id:        ${status.id}`,
        `title:     ${status.title}`,
        `state:     ${status.state}`,
        `link:      ${status.link}`,
        `duration:  ${status.duration ?? '?'} s`,
        `thumbnail: ${status.thumbnail}`,
      ].join('\n'),
    );
}

export async function youkuAuthLogin(
  flags: { port?: number; timeoutMs: number; browser: boolean },
  globals: GlobalOptions,
  ctx: CliContext,
): Promise<void> {
  const out = await Output.create(ctx, globals);
  const youku = await import('../../youku/index.js');
  const client = await youku.loadYoukuClient(ctx.env, configDir(ctx.env));
  const apiUrl = await apiRoot(globals, ctx);
  const result = await youku.youkuLogin({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    configDir: configDir(ctx.env),
    profile: globals.profile,
    apiUrl,
    oauthUrl:
      ctx.env.VUPLOAD_YOUKU_OAUTH_URL ?? (apiUrl === youku.YOUKU_API_URL ? youku.YOUKU_OAUTH_URL : apiUrl),
    openBrowser: async (url) => {
      out.info(`Open this address in a browser and allow access:\n${url}`);
      if (flags.browser) await ctx.openUrl(url);
    },
    ...(flags.port ? { port: flags.port } : {}),
    timeoutMs: flags.timeoutMs,
    clock: ctx,
  });
  if (globals.json) out.resultJson({ provider: 'youku', profile: result.profile, tokenFile: result.file });
  out.info(`Logged in to Youku: profile "${result.profile}".`);
}
