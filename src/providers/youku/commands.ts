// This file is Youku's side of `vupload auth` (login with Youku's code flow, status, logout, the list of logins)
// and of `vupload status` (videos/show.json).

import type { CliContext, GlobalOptions } from '../../cli/context.js';
import { authError } from '../../errors.js';
import { configDir } from '../../paths.js';
import type { LoginFlags, LoginRow, ProviderAuth, ProviderSession, Request } from '../contract.js';

/** Youku's API root: --api-url, else VUPLOAD_YOUKU_API_URL (the emulator), else Youku's own. */
export async function youkuApiRoot(globals: GlobalOptions, ctx: CliContext): Promise<string> {
  const { YOUKU_API_URL } = await import('./index.js');
  return (globals.apiUrl ?? ctx.env.VUPLOAD_YOUKU_API_URL ?? YOUKU_API_URL).replace(/\/+$/, '');
}

export async function youkuStatus(videoId: string, { ctx, globals, out }: Request): Promise<void> {
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

async function login({ ctx, globals, out }: Request, flags: LoginFlags): Promise<void> {
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
    ...(await consentOptions(
      ctx,
      oauthUrl,
      { noBrowser: !flags.browser, openBrowser: Boolean(flags.openBrowser) },
      (line) => out.info(line),
    )),
    ...(flags.port ? { port: flags.port } : {}),
    timeoutMs: flags.timeoutMs,
    signal: ctx.signal,
    clock: ctx,
  });
  if (globals.json) out.resultJson({ provider: 'youku', profile: result.profile, tokenFile: result.file });
  out.info(`Logged in to Youku: profile "${result.profile}".`);
}

/** Youku's saved logins: one token file per profile in <config>/youku-tokens/. */
async function youkuProfiles(dir: string): Promise<string[]> {
  const { profilesIn } = await import('../../auth/token-store.js');
  const { youkuTokensDir } = await import('./token-store.js');
  return profilesIn(youkuTokensDir(dir));
}

const iso = (ms: number | null | undefined): string | null =>
  ms == null ? null : new Date(ms).toISOString();

async function status({ ctx, globals, out }: Request): Promise<void> {
  const { readYoukuToken, youkuLoginHint, youkuTokenPath } = await import('./token-store.js');
  const dir = configDir(ctx.env);
  const token = await readYoukuToken(dir, globals.profile);
  if (!token) {
    if (globals.json) out.resultJson({ profile: globals.profile, provider: 'youku', loggedIn: false });
    throw authError(
      'notLoggedIn',
      `profile "${globals.profile}" is not logged in to Youku.`,
      youkuLoginHint(globals.profile),
    );
  }
  const view = {
    profile: globals.profile,
    provider: 'youku',
    loggedIn: true,
    accessTokenExpiry: iso(token.expiry_date),
    hasRefreshToken: Boolean(token.refresh_token),
    tokenFile: youkuTokenPath(dir, globals.profile),
  };
  if (globals.json) out.resultJson(view);
  else
    out.result(
      [
        `profile:  ${view.profile} (Youku)`,
        `access token expires: ${view.accessTokenExpiry ?? 'unknown'} (refreshed automatically)`,
        `refresh token: ${view.hasRefreshToken ? 'yes' : 'no — run vupload auth login --provider youku'}`,
      ].join('\n'),
    );
}

async function logout({ ctx, globals, out }: Request, flags: { revoke?: boolean }): Promise<void> {
  // Youku's API has no revocation (API-NOTES §10): --revoke is refused, not ignored, and the login is kept.
  if (flags.revoke) {
    const { usageError } = await import('../../errors.js');
    throw usageError(
      "--revoke is not available with the youku provider: Youku's API has no way to end a token; nothing was removed.",
      'Run vupload auth logout --provider youku without --revoke to remove the saved login (its access token then ends when it expires).',
    );
  }
  const { deleteYoukuToken } = await import('./token-store.js');
  const removed = await deleteYoukuToken(configDir(ctx.env), globals.profile);
  if (globals.json) out.resultJson({ profile: globals.profile, provider: 'youku', removed });
  out.info(
    removed
      ? `Removed the saved Youku login of profile "${globals.profile}".`
      : `Profile "${globals.profile}" is not logged in to Youku: there was no saved login to remove.`,
  );
}

async function list({ ctx }: Request): Promise<LoginRow[]> {
  const dir = configDir(ctx.env);
  const { readYoukuToken, youkuTokenPath } = await import('./token-store.js');
  const rows: LoginRow[] = [];
  for (const profile of await youkuProfiles(dir)) {
    const token = await readYoukuToken(dir, profile).catch(() => undefined);
    rows.push({
      profile,
      provider: 'youku',
      channel: null,
      scopes: [],
      accessTokenExpiry: iso(token?.expiry_date),
      refreshTokenExpiry: null,
      tokenFile: youkuTokenPath(dir, profile),
      createdAt: token?.created_at ?? null,
      warnings: [],
      ...(token ? {} : { error: { code: 'tokenFileCorrupt', message: 'the token file cannot be read' } }),
    });
  }
  return rows;
}

/** The Youku login an upload uses: its access token as a query parameter, never a header (API-NOTES §10). */
async function open({ ctx, globals, out }: Request): Promise<ProviderSession & { youku: unknown }> {
  const { tokenSaveWarning } = await import('../../auth/token-store.js');
  const youku = await import('./index.js');
  const auth = youku.createYoukuAuth({
    configDir: configDir(ctx.env),
    profile: globals.profile,
    clock: ctx,
    onSaveError: (file: string, error: unknown) => out.warn(tokenSaveWarning(file, error)),
  });
  return { headers: async () => ({}), refresh: () => auth.refresh(), youku: auth };
}

export const youkuAuth: ProviderAuth = {
  kind: 'oauth-browser',
  loginFlags: new Set(['openBrowser', 'port'] as const),
  login,
  status,
  logout,
  list,
  open,
};
