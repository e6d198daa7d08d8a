// This file is the CLI side of the Youku provider: status and login through src/youku (uploads: upload/youku.ts).

import type { CliContext, GlobalOptions } from '../../cli/context.js';
import { Output } from '../../cli/output.js';
import { configDir } from '../../paths.js';

/** Youku's API root: --api-url, else VUPLOAD_YOUKU_API_URL (the emulator), else Youku's own. */
export async function youkuApiRoot(globals: GlobalOptions, ctx: CliContext): Promise<string> {
  const { YOUKU_API_URL } = await import('./index.js');
  return (globals.apiUrl ?? ctx.env.VUPLOAD_YOUKU_API_URL ?? YOUKU_API_URL).replace(/\/+$/, '');
}

export async function youkuStatus(videoId: string, globals: GlobalOptions, ctx: CliContext): Promise<void> {
  const out = await Output.create(ctx, globals);
  const youku = await import('./index.js');
  const client = await youku.loadYoukuClient(ctx.env, configDir(ctx.env));
  const status = await youku.youkuVideoStatus({
    apiUrl: await youkuApiRoot(globals, ctx),
    clientId: client.clientId,
    videoId,
  });
  if (globals.json) {
    const { link, ...rest } = status;
    out.resultJson({ provider: 'youku', ...rest, url: link });
  } else
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
  flags: { port?: number; timeoutMs: number; noBrowser?: boolean; openBrowser?: boolean },
  globals: GlobalOptions,
  ctx: CliContext,
): Promise<void> {
  const out = await Output.create(ctx, globals);
  const youku = await import('./index.js');
  const client = await youku.loadYoukuClient(ctx.env, configDir(ctx.env));
  const apiUrl = await youkuApiRoot(globals, ctx);
  const oauthUrl =
    ctx.env.VUPLOAD_YOUKU_OAUTH_URL ?? (apiUrl === youku.YOUKU_API_URL ? youku.YOUKU_OAUTH_URL : apiUrl);
  const { consentOptions } = await import('../../cli/browser.js');
  const result = await youku.youkuLogin({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    configDir: configDir(ctx.env),
    profile: globals.profile,
    apiUrl,
    oauthUrl,
    // The same consent as YouTube's login: browser, sandbox, or the pasted address.
    ...(await consentOptions(ctx, oauthUrl, flags, (line) => out.info(line))),
    ...(flags.port ? { port: flags.port } : {}),
    timeoutMs: flags.timeoutMs,
    signal: ctx.signal,
    clock: ctx,
  });
  if (globals.json) out.resultJson({ provider: 'youku', profile: result.profile, tokenFile: result.file });
  out.info(`Logged in to Youku: profile "${result.profile}".`);
}
