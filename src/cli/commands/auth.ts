// This file is `vupload auth login | status | logout | import`: the provider's login does each and says exactly
// what it did (YouTube: providers/youtube/auth/commands.ts).
import { Command } from 'commander';
import { usageError } from '../../errors.js';
import type { LoginFlags } from '../../providers/contract.js';
import { refuseUnsupported } from '../../providers/flags.js';
import { commandProvider } from '../../providers/registry.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { parseIntegerOption } from '../options.js';
import { Output } from '../output.js';
import { addProviderOptions } from '../provider-options.js';
import { registerAuthList } from './auth-list.js';
import { COMMANDS } from './index.js';

export function registerAuth(program: Command, ctx: CliContext): void {
  const auth = new Command('auth').description(COMMANDS.auth.summary);

  const login = auth
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
    .option('--login-hint <email>', 'which Google account to preselect');
  addProviderOptions(login, 'login').action(
    async (
      flags: Omit<LoginFlags, 'timeoutMs' | 'port'> & { port?: string; timeout: string },
      cmd: Command,
    ) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      const { timeout, port, browser, ...rest } = flags;
      // Only what was given: a provider refuses the flags it has no use for (exit 2, naming them).
      const given = Object.fromEntries(
        Object.entries(rest).filter(([, v]) => v !== undefined && v !== false),
      );
      const provider = await commandProvider(globals, ctx);
      refuseUnsupported(
        { ...given, ...(port !== undefined ? { port } : {}) },
        provider.auth.loginFlags,
        provider.name,
      );
      await provider.auth.login(
        { ctx, globals, out },
        {
          ...given,
          browser,
          timeoutMs: parseIntegerOption('--timeout', timeout, 1, 86_400) * 1000,
          ...(port !== undefined ? { port: parseIntegerOption('--port', port, 1, 65535) } : {}),
        },
      );
    },
  );

  auth
    .command('status')
    .description('which profile and channel, scopes and token expiry (exit 3 when not logged in)')
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      const provider = await commandProvider(globals, ctx);
      await provider.auth.status({ ctx, globals, out });
    });

  auth
    .command('logout')
    .description('remove the saved login of the profile')
    .option(
      '--revoke',
      'also end the tokens at the platform (Google, a PeerTube instance, Vimeo; Youku has no way)',
    )
    .action(async (flags: { revoke?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      const provider = await commandProvider(globals, ctx);
      await provider.auth.logout({ ctx, globals, out }, flags);
    });

  const importCommand = auth
    .command('import')
    .description(
      "take over a login saved by Google's Python sample (oauth2client) or youtubeuploader (request.token)",
    )
    .argument('[file]', 'the credentials file');
  addProviderOptions(importCommand, 'import').action(
    async (arg: string | undefined, flags: { tokenFile?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      const file = importedFile(arg, flags.tokenFile);
      const provider = await commandProvider(globals, ctx);
      if (!provider.auth.import) {
        throw usageError(
          `vupload auth import: there is nothing to import for ${provider.title}.`,
          `Log in with: vupload auth login --provider ${provider.name}`,
        );
      }
      await provider.auth.import({ ctx, globals, out }, file);
    },
  );

  registerAuthList(auth, ctx);
  program.addCommand(auth);
}

/** The file to import: the argument, or `--token-file` (a provider's option), not both and not neither. */
function importedFile(arg: string | undefined, tokenFile: string | undefined): string {
  if (arg !== undefined && tokenFile !== undefined && arg !== tokenFile)
    throw usageError(
      `vupload auth import: both ${arg} and --token-file ${tokenFile} were given.`,
      'Give one.',
    );
  const file = arg ?? tokenFile;
  if (file === undefined)
    throw usageError(
      'vupload auth import: no file given.',
      'Example: vupload auth import request.token, or: vupload auth import --provider vimeo --token-file F',
    );
  return file;
}
