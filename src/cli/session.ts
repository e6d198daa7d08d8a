// This file opens what API commands need: client secrets, the profile's login (logging in on a TTY if there is none).
import { isVuploadError } from '../errors.js';
import { configDir } from '../paths.js';
import { apiUrl, type CliContext, type GlobalOptions } from './context.js';
import type { Output } from './output.js';

/** Loads client secrets and the saved login; starts a login only when a person is at a terminal. */
export async function openAuth(ctx: CliContext, globals: GlobalOptions, out: Output) {
  // The login is opened only to call the API: a refused API address (plain HTTP off this machine) stops the command
  // here, before a token refresh or any other request.
  apiUrl(globals, ctx.env);
  const { loadClientSecrets } = await import('../providers/youtube/auth/client-secrets.js');
  const { getAuth } = await import('../providers/youtube/auth/session.js');
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
    const { login } = await import('../providers/youtube/auth/login.js');
    const { consentOptions } = await import('./browser.js');
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

/** A refreshed token that could not be cached is a warning, not a failure: the command goes on with it in memory. */
export function tokenSaveWarning(file: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return (
    `could not save the refreshed login to ${file} (${code}); going on with it in memory. ` +
    'The next run refreshes it again; make the config directory writable to keep it.'
  );
}

/** The YouTube client for the profile's login, pointed at --api-url / VUPLOAD_API_URL. */
export async function openYouTube(ctx: CliContext, globals: GlobalOptions, out: Output) {
  const auth = await openAuth(ctx, globals, out);
  const { createYouTubeClient } = await import('../providers/youtube/api.js');
  const client = createYouTubeClient({
    apiUrl: apiUrl(globals, ctx.env),
    auth: await auth.client(),
    sleep: ctx.sleep,
    random: ctx.random,
    now: ctx.now,
  });
  return { auth, yt: client };
}
