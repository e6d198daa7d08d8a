// This file is YouTube's side of `vupload auth`: login (Google's loopback consent), status, logout (with revoke),
// import of other tools' logins, the list of saved logins, and the login an upload or a command opens.
import { resolve } from 'node:path';
import { apiUrl } from '../../../cli/context.js';
import { authError, ExitCode, isVuploadError } from '../../../errors.js';
import { configDir } from '../../../paths.js';
import type { LoginFlags, LoginRow, ProviderAuth, Request } from '../../contract.js';
import { openAuth } from './open.js';
import type { AuthStatus } from './status.js';

async function secretsFor({ ctx, globals }: Pick<Request, 'ctx' | 'globals'>) {
  const { loadClientSecrets } = await import('./client-secrets.js');
  return loadClientSecrets({
    flag: globals.clientSecrets,
    env: ctx.env,
    cwd: ctx.cwd,
    configDir: configDir(ctx.env),
  });
}

const expiryText = (ms: number | null): string => (ms === null ? 'unknown' : new Date(ms).toISOString());

const DAY_MS = 86_400_000;
/** Google's refresh tokens for apps whose OAuth consent screen is in "Testing" (API-NOTES §8). */
const TESTING_TOKEN_DAYS = 7;

const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/** What to say about a login that will (or may) end by itself: Google's 7-day tokens of apps in "Testing". */
export function expiryWarnings(status: AuthStatus, issuedByGoogle: boolean, now: number): string[] {
  const ends = status.refreshTokenExpiry;
  if (ends !== null) {
    if (ends <= now)
      return [`this login ended on ${iso(ends)}: run vupload auth login --profile ${status.profile}`];
    return [
      `this login ends on ${iso(ends)}: the issuer gave its refresh token a limited life, as Google does ` +
        `(${TESTING_TOKEN_DAYS} days) for apps whose OAuth consent screen is in "Testing". Publish the app for ` +
        'lasting logins, or log in again before then',
    ];
  }
  const created = status.createdAt ? Date.parse(status.createdAt) : Number.NaN;
  if (issuedByGoogle && Number.isFinite(created) && now - created < TESTING_TOKEN_DAYS * DAY_MS) {
    return [
      `if your OAuth app is in "Testing", Google ends this login on ${iso(created + TESTING_TOKEN_DAYS * DAY_MS)} ` +
        `(refresh tokens of such apps last ${TESTING_TOKEN_DAYS} days); publish the app for lasting logins`,
    ];
  }
  return [];
}

async function login(req: Request, flags: LoginFlags): Promise<void> {
  const { ctx, globals, out } = req;
  const { port = 0, timeoutMs } = flags;
  const consentFlags = { noBrowser: !flags.browser, openBrowser: Boolean(flags.openBrowser) };
  const { scopesFor, shortScope } = await import('./scopes.js');
  const scopes = scopesFor(flags.scope);
  const secrets = await secretsFor(req);
  const { login } = await import('./login.js');
  const { consentOptions } = await import('../../../cli/browser.js');
  const result = await login({
    secrets,
    profile: globals.profile,
    configDir: configDir(ctx.env),
    scopes,
    port,
    timeoutMs,
    ...(await consentOptions(ctx, secrets.authUri, consentFlags, (line) => out.info(line))),
    signal: ctx.signal,
    now: ctx.now,
    ...(flags.loginHint ? { loginHint: flags.loginHint } : {}),
  });
  if (globals.json)
    out.resultJson({
      profile: result.profile,
      provider: 'youtube',
      scopes: result.scopes,
      missingScopes: result.missingScopes,
      tokenFile: result.tokenFile,
      replaced: result.replaced,
    });
  out.info(
    `Logged in: profile "${result.profile}"${result.replaced ? ' (replaced the earlier login)' : ''}; scopes ${result.scopes.map(shortScope).join(', ')}.`,
  );
  if (result.missingScopes.length > 0) {
    out.warn(
      `not granted: ${result.missingScopes.map(shortScope).join(', ')}; commands that need them will fail.`,
    );
  }
}

async function status(req: Request): Promise<void> {
  const { ctx, globals, out } = req;
  const { readAuthStatus } = await import('./status.js');
  const { shortScope } = await import('./scopes.js');
  const status = await readAuthStatus({
    profile: globals.profile,
    configDir: configDir(ctx.env),
    now: ctx.now,
  });
  if (!status.loggedIn) {
    if (globals.json) out.resultJson({ profile: status.profile, provider: 'youtube', loggedIn: false });
    throw authError(
      'notLoggedIn',
      `profile "${status.profile}" is not logged in.`,
      `Run: vupload auth login --profile ${status.profile}`,
    );
  }
  const { openYouTube } = await import('./open.js');
  const { auth: session, yt } = await openYouTube(ctx, globals, out);
  // A refresh here (not inside the API call) reports a dead login with what is known about its end.
  await session.headers();
  const channel = await yt.getMyChannel();
  const fresh = await readAuthStatus({
    profile: globals.profile,
    configDir: configDir(ctx.env),
    now: ctx.now,
  });
  const view = {
    profile: fresh.profile,
    provider: 'youtube',
    loggedIn: true,
    channel,
    scopes: fresh.scopes,
    accessTokenExpiry: fresh.expiryDate === null ? null : new Date(fresh.expiryDate).toISOString(),
    hasRefreshToken: fresh.hasRefreshToken,
    tokenFile: fresh.tokenFile,
    apiUrl: apiUrl(globals, ctx.env),
  };
  if (globals.json) {
    out.resultJson(view);
    return;
  }
  out.result(
    [
      `profile:  ${view.profile}`,
      `channel:  ${channel.title} (${channel.id})`,
      `scopes:   ${fresh.scopes.map(shortScope).join(', ') || 'unknown'}`,
      `access token expires: ${expiryText(fresh.expiryDate)} (refreshed automatically)`,
      `refresh token: ${fresh.hasRefreshToken ? 'yes' : 'no — run vupload auth login'}`,
    ].join('\n'),
  );
}

async function logout(req: Request, flags: { revoke?: boolean }): Promise<void> {
  const { ctx, globals, out } = req;
  const { logout } = await import('./logout.js');
  const secrets = flags.revoke ? await secretsFor(req).catch(() => undefined) : undefined;
  const result = await logout({
    profile: globals.profile,
    configDir: configDir(ctx.env),
    revoke: Boolean(flags.revoke),
    ...(secrets ? { secrets } : {}),
  });
  if (globals.json) {
    const { profile, ...rest } = result;
    out.resultJson({ profile, provider: 'youtube', ...rest });
  }
  if (!result.removed) {
    out.info(`Profile "${result.profile}" is not logged in: there was no saved login to remove.`);
    if (result.revoke === 'notRequested' || result.revoke === 'nothingToRevoke') return;
  } else out.info(`Removed the saved login of profile "${result.profile}".`);
  const revokeText: Record<string, string> = {
    notRequested: 'Tokens were not revoked at Google (add --revoke to do that).',
    revoked: 'The tokens were revoked at Google.',
    alreadyInvalid: 'Google already considered the tokens invalid.',
    nothingToRevoke: 'There was nothing to revoke.',
    failed: `Revoking at Google failed${result.revokeError ? `: ${result.revokeError}` : ''}; remove access at myaccount.google.com/permissions.`,
  };
  const line = revokeText[result.revoke] ?? result.revoke;
  if (result.revoke === 'failed') {
    out.error(`vupload: ${line}`);
    process.exitCode = ExitCode.network;
  } else out.info(line);
}

async function importLogin(req: Request, file: string): Promise<void> {
  const { ctx, globals, out } = req;
  const { importCredentials } = await import('./import.js');
  const secrets = await secretsFor(req).catch((error) => {
    // oauth2client files name their client; Go token files need client secrets (import says so).
    out.debug(`no client secrets: ${(error as Error).message}`);
    return undefined;
  });
  const result = await importCredentials({
    file: resolve(ctx.cwd, file),
    profile: globals.profile,
    configDir: configDir(ctx.env),
    now: ctx.now,
    ...(secrets ? { secrets } : {}),
  });
  if (globals.json) {
    const { profile, ...rest } = result;
    out.resultJson({ profile, provider: 'youtube', ...rest });
  }
  out.info(
    `Imported the ${result.format} login from ${file} into profile "${result.profile}"${result.replaced ? ' (replaced the earlier login)' : ''}.`,
  );
}

async function list(req: Request): Promise<LoginRow[]> {
  const { ctx, globals } = req;
  const dir = configDir(ctx.env);
  const { listProfiles } = await import('../../../auth/token-store.js');
  const { readAuthStatus } = await import('./status.js');
  const { GOOGLE_TOKEN_URI, loadClientSecrets, sameTokenIssuer } = await import('./client-secrets.js');
  const secrets = await loadClientSecrets({
    flag: globals.clientSecrets,
    env: ctx.env,
    cwd: ctx.cwd,
    configDir: dir,
  }).catch((error: unknown) => error as Error);
  const rows: LoginRow[] = [];
  for (const profile of await listProfiles(dir)) {
    const status = await readAuthStatus({ profile, configDir: dir, now: ctx.now });
    const row: LoginRow = {
      profile,
      provider: 'youtube',
      channel: null,
      scopes: status.scopes,
      accessTokenExpiry: iso(status.expiryDate),
      refreshTokenExpiry: iso(status.refreshTokenExpiry),
      tokenFile: status.tokenFile,
      createdAt: status.createdAt ?? null,
      warnings: expiryWarnings(status, sameTokenIssuer(status.tokenUri ?? '', GOOGLE_TOKEN_URI), ctx.now()),
    };
    try {
      if (secrets instanceof Error) throw secrets;
      // Asking for the channel also proves the login still works (a dead grant answers invalid_grant).
      const { getAuth } = await import('./session.js');
      const { createYouTubeClient } = await import('../api.js');
      const session = await getAuth({ secrets, profile, configDir: dir, now: ctx.now });
      const yt = createYouTubeClient({
        apiUrl: apiUrl(globals, ctx.env),
        auth: await session.client(),
        sleep: ctx.sleep,
        random: ctx.random,
        now: ctx.now,
        maxAttempts: 1,
      });
      await session.headers();
      row.channel = await yt.getMyChannel();
    } catch (error) {
      row.error = isVuploadError(error)
        ? { code: error.code, message: error.message }
        : { code: 'unexpected', message: (error as Error).message };
    }
    rows.push(row);
  }
  return rows;
}

export const youtubeAuth: ProviderAuth = {
  kind: 'oauth-browser',
  loginFlags: new Set(['openBrowser', 'port', 'scope', 'loginHint'] as const),
  login,
  status,
  logout,
  import: importLogin,
  list,
  open: ({ ctx, globals, out }) => openAuth(ctx, globals, out),
};
