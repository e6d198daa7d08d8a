// This file opens YouTube's login for a command: client secrets and the profile's saved login (logging in on a TTY
// if there is none), and the Data API client on it.

import { tokenSaveWarning } from '../../../auth/token-store.js';
import { apiUrl, type CliContext, type GlobalOptions } from '../../../cli/context.js';
import type { Output } from '../../../cli/output.js';
import { isVuploadError } from '../../../errors.js';
import { configDir } from '../../../paths.js';

/** Loads client secrets and the saved login; starts a login only when a person is at a terminal. */
export async function openAuth(ctx: CliContext, globals: GlobalOptions, out: Output) {
  // The login is opened only to call the API: a refused API address (plain HTTP off this machine) stops the command
  // here, before a token refresh or any other request.
  apiUrl(globals, ctx.env);
  const { loadClientSecrets } = await import('./client-secrets.js');
  const { getAuth } = await import('./session.js');
  const dir = configDir(ctx.env);
  const secrets = await loadClientSecrets({
    flag: globals.clientSecrets,
    env: ctx.env,
    cwd: ctx.cwd,
    configDir: dir,
  });
  const options = {
    secrets,
    profile: globals.profile,
    configDir: dir,
    env: ctx.env,
    now: ctx.now,
    onSaveError: (file: string, error: unknown) => out.warn(tokenSaveWarning(file, error)),
  };
  try {
    return await getAuth(options);
  } catch (error) {
    // Never start a login implicitly without a terminal (cron, scripts): the error says what to run.
    const interactive = Boolean(ctx.stdin.isTTY && ctx.stderr.isTTY);
    if (!interactive || !isVuploadError(error) || error.code !== 'notLoggedIn') throw error;
    out.info(`Profile "${globals.profile}" is not logged in; starting the login in your browser.`);
    const { login } = await import('./login.js');
    const { consentOptions } = await import('../../../cli/browser.js');
    await login({
      secrets,
      profile: globals.profile,
      configDir: dir,
      ...(await consentOptions(ctx, secrets.authUri, {}, (line) => out.info(line))),
      signal: ctx.signal,
      now: ctx.now,
    });
    return getAuth(options);
  }
}

/** The YouTube client for the profile's login, pointed at --api-url / VUPLOAD_API_URL. */
export async function openYouTube(ctx: CliContext, globals: GlobalOptions, out: Output) {
  const auth = await openAuth(ctx, globals, out);
  const { createYouTubeClient, retryLine } = await import('../api.js');
  const client = createYouTubeClient({
    apiUrl: apiUrl(globals, ctx.env),
    auth: await auth.client(),
    sleep: ctx.sleep,
    random: ctx.random,
    now: ctx.now,
    onRetry: retryLine(out),
  });
  return { auth, yt: client };
}

/** The login a YouTube command or upload uses (ProviderSession, with google-auth-library's client for googleapis). */
export type YouTubeSession = Awaited<ReturnType<typeof openAuth>>;
