// This file is `vupload auth login | status | logout | import`: each says exactly what it did.
import { Command } from 'commander';
import { authError, ExitCode } from '../../errors.js';
import { configDir } from '../../paths.js';
import { apiUrl, type CliContext, type GlobalOptions } from '../context.js';
import { parseIntegerOption } from '../options.js';
import { Output } from '../output.js';
import { registerAuthList } from './auth-list.js';
import { COMMANDS } from './index.js';

async function secretsFor(ctx: CliContext, globals: GlobalOptions) {
  const { loadClientSecrets } = await import('../../auth/client-secrets.js');
  return loadClientSecrets({
    flag: globals.clientSecrets,
    env: ctx.env,
    cwd: ctx.cwd,
    configDir: configDir(ctx.env),
  });
}

const expiryText = (ms: number | null): string => (ms === null ? 'unknown' : new Date(ms).toISOString());

export function registerAuth(program: Command, ctx: CliContext): void {
  const auth = new Command('auth').description(COMMANDS.auth.summary);

  auth
    .command('login')
    .description('log in with the browser (a one-shot listener on 127.0.0.1 receives the answer)')
    .option(
      '--no-browser',
      'print the URL instead of opening a browser; also accept the redirect address pasted here',
    )
    .option(
      '--open-browser',
      'open the browser in any case (also when none seems available, or for the sandbox, which needs none)',
    )
    .option('--port <n>', 'listener port (default: a free one)')
    .option('--timeout <seconds>', 'give up after this long', '300')
    .option(
      '--scope <scope>',
      '"upload" asks only for uploading (no update, playlists or captions); "all" (the default) for everything',
    )
    .option('--login-hint <email>', 'which Google account to preselect')
    .action(
      async (
        flags: {
          browser: boolean;
          openBrowser?: boolean;
          port?: string;
          timeout: string;
          scope?: string;
          loginHint?: string;
        },
        cmd: Command,
      ) => {
        const globals = cmd.optsWithGlobals<GlobalOptions>();
        const out = await Output.create(ctx, globals);
        const port = flags.port === undefined ? 0 : parseIntegerOption('--port', flags.port, 1, 65535);
        const timeoutMs = parseIntegerOption('--timeout', flags.timeout, 1, 86_400) * 1000;
        // One consent for every provider: browser, sandbox, or the pasted address (src/cli/browser.ts).
        const consentFlags = { noBrowser: !flags.browser, openBrowser: Boolean(flags.openBrowser) };
        const { resolveProvider } = await import('../providers/index.js');
        if ((await resolveProvider(globals, ctx)) === 'youku') {
          const { youkuAuthLogin } = await import('../providers/youku.js');
          await youkuAuthLogin({ port, timeoutMs, ...consentFlags }, globals, ctx);
          return;
        }
        const { scopesFor, shortScope } = await import('../../auth/scopes.js');
        const scopes = scopesFor(flags.scope);
        const secrets = await secretsFor(ctx, globals);
        const { login } = await import('../../auth/login.js');
        const { consentOptions } = await import('../browser.js');
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
      },
    );

  auth
    .command('status')
    .description('which profile and channel, scopes and token expiry (exit 3 when not logged in)')
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      const { readAuthStatus } = await import('../../auth/status.js');
      const { shortScope } = await import('../../auth/scopes.js');
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
      const { openYouTube } = await import('../session.js');
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
    });

  auth
    .command('logout')
    .description('remove the saved login of the profile')
    .option('--revoke', 'also revoke the tokens at Google')
    .action(async (flags: { revoke?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      const { resolveProvider } = await import('../providers/index.js');
      if ((await resolveProvider(globals, ctx)) === 'youku') {
        const { deleteYoukuToken } = await import('../../youku/token-store.js');
        const removed = await deleteYoukuToken(configDir(ctx.env), globals.profile);
        if (globals.json) out.resultJson({ profile: globals.profile, provider: 'youku', removed });
        out.info(
          removed
            ? `Removed the saved Youku login of profile "${globals.profile}".`
            : `Profile "${globals.profile}" is not logged in to Youku: there was no saved login to remove.`,
        );
        return;
      }
      const { logout } = await import('../../auth/logout.js');
      const secrets = flags.revoke ? await secretsFor(ctx, globals).catch(() => undefined) : undefined;
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
    });

  auth
    .command('import')
    .description(
      "take over a login saved by Google's Python sample (oauth2client) or youtubeuploader (request.token)",
    )
    .argument('<file>', 'the credentials file')
    .action(async (file: string, _flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      const { importCredentials } = await import('../../auth/import.js');
      const { resolve } = await import('node:path');
      const secrets = await secretsFor(ctx, globals).catch((error) => {
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
    });

  registerAuthList(auth, ctx);
  program.addCommand(auth);
}
