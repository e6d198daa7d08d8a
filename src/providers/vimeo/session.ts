// This file opens a Vimeo login for a command: the API root, the token (VUPLOAD_VIMEO_TOKEN, else the profile's saved
// login, else a login started on a terminal), and the REST client on it.
import type { CliContext, GlobalOptions } from '../../cli/context.js';
import { checkCredentialUrl } from '../../credential-url.js';
import { authError } from '../../errors.js';
import { configDir } from '../../paths.js';
import type { ProviderSession, Request } from '../contract.js';
import { VimeoApi } from './api.js';
import { VIMEO_ACCEPT, VIMEO_API_URL } from './options.js';
import { readVimeoToken, vimeoLoginHint, vimeoTokenPath } from './token-store.js';

/** Vimeo's API root: --api-url, else VUPLOAD_VIMEO_API_URL (the sandbox), else api.vimeo.com; checked for credentials. */
export function vimeoApiRoot(globals: Pick<GlobalOptions, 'apiUrl'>, ctx: Pick<CliContext, 'env'>): string {
  const source = globals.apiUrl !== undefined ? '--api-url' : 'VUPLOAD_VIMEO_API_URL';
  const url = (globals.apiUrl ?? ctx.env.VUPLOAD_VIMEO_API_URL ?? VIMEO_API_URL).replace(/\/+$/, '');
  return checkCredentialUrl(url, source);
}

/** The token a command uses, and where it came from (for `auth status`). */
export interface VimeoToken {
  token: string;
  source: 'env' | 'login' | 'import';
  file?: string;
}

/** VUPLOAD_VIMEO_TOKEN, else the profile's saved login (refused when it belongs to another API), else undefined. */
export async function findVimeoToken(
  globals: GlobalOptions,
  ctx: Pick<CliContext, 'env'>,
): Promise<VimeoToken | undefined> {
  const fromEnv = ctx.env.VUPLOAD_VIMEO_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, source: 'env' };
  const config = configDir(ctx.env);
  const saved = await readVimeoToken(config, globals.profile);
  if (!saved) return undefined;
  const root = vimeoApiRoot(globals, ctx);
  const file = vimeoTokenPath(config, globals.profile);
  // A token goes only to the API that issued it: another address (a sandbox, a typo) never receives it.
  if (saved.api_url !== root)
    throw authError(
      'otherApi',
      `the saved Vimeo login of profile "${globals.profile}" (${file}) is for ${saved.api_url}, not ${root}.`,
      vimeoLoginHint(globals.profile),
    );
  return { token: saved.access_token, source: saved.source, file };
}

/** A Vimeo login in use: its headers for the engine's create, and the REST client for everything else. */
export interface VimeoSession extends ProviderSession {
  apiUrl: string;
  api: VimeoApi;
}

/** The REST client of a request, on a token (no login flow here); `retries` of each call (default 5). */
export function vimeoApi({ ctx, globals, out }: Request, token: string, retries?: number): VimeoApi {
  return new VimeoApi({
    ...(retries !== undefined ? { retries } : {}),
    apiUrl: vimeoApiRoot(globals, ctx),
    authorization: async () => `bearer ${token}`,
    profile: globals.profile,
    now: ctx.now,
    sleep: ctx.sleep,
    random: ctx.random,
    signal: ctx.signal,
    onWait: (message) => out.info(message),
    onRetry: (event) => out.retry(event),
  });
}

/** The profile's Vimeo login; starts a login only when a person is at a terminal (never in cron or scripts). */
export async function openVimeo(req: Request): Promise<VimeoSession> {
  const { ctx, globals, out } = req;
  const apiUrl = vimeoApiRoot(globals, ctx);
  let found = await findVimeoToken(globals, ctx);
  if (!found) {
    const interactive = Boolean(ctx.stdin.isTTY && ctx.stderr.isTTY);
    const notLoggedIn = authError(
      'notLoggedIn',
      `profile "${globals.profile}" is not logged in to Vimeo.`,
      vimeoLoginHint(globals.profile),
    );
    if (!interactive) throw notLoggedIn;
    out.info(`Profile "${globals.profile}" is not logged in to Vimeo; starting the login in your browser.`);
    const { vimeoLogin } = await import('./login.js');
    await vimeoLogin(req, { browser: true, timeoutMs: 5 * 60_000 });
    found = await findVimeoToken(globals, ctx);
    if (!found) throw notLoggedIn;
  }
  const { token } = found;
  const api = vimeoApi(req, token);
  return {
    apiUrl,
    api,
    headers: async () => ({ Authorization: `bearer ${token}`, Accept: VIMEO_ACCEPT }),
    // Vimeo's tokens never expire and have no refresh token: a 401 means revoked (or another app's), so log in again.
    refresh: async () => {
      throw authError(
        'notLoggedIn',
        `Vimeo refused the ${found.source === 'env' ? 'token in VUPLOAD_VIMEO_TOKEN' : `saved login of profile "${globals.profile}"`} (revoked, or not a Vimeo token).`,
        vimeoLoginHint(globals.profile),
      );
    },
  };
}

/** The REST client of an opened login (the job's session is a VimeoSession). */
export const apiOf = (session: ProviderSession): VimeoApi => (session as VimeoSession).api;
