// This file builds the commander program from the injected context; each command lives in commands/<name>.ts.
import { Command, CommanderError, Option } from 'commander';
import { registerAuth } from './commands/auth.js';
import { registerCategories } from './commands/categories.js';
import { registerCompletion } from './commands/completion.js';
import { registerHistory } from './commands/history.js';
import { registerPlaylist } from './commands/playlist.js';
import { registerQuota } from './commands/quota.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerStatus } from './commands/status.js';
import { registerThumbnail } from './commands/thumbnail.js';
import { registerUpdate } from './commands/update.js';
import { registerUpload } from './commands/upload.js';
import type { CliContext } from './context.js';
import { configureHelp, groupOptions, UPLOAD_OPTION_GROUPS } from './help.js';
import { guardImplicitUpload } from './implicit-upload.js';
import { forTerminal, localeIsUtf8 } from './terminal.js';
import { VERSION } from './version.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('vupload')
    .description('Upload videos to YouTube from the command line: resumable, retried, scriptable.')
    // -v is the version, as in npm and clasp (-V too, as before); --verbose has no short form.
    .version(VERSION, '-v, --version', 'print the version')
    .addOption(
      new Option('--profile <name>', 'which saved login to use').default('default').env('VUPLOAD_PROFILE'),
    )
    .option(
      '--client-secrets <file>',
      'OAuth client file (default: $VUPLOAD_CLIENT_SECRETS, ./client_secrets.json)',
    )
    .option('--provider <name>', 'youtube (default) or youku; a profile may set it in profiles.json')
    .option('--api-url <url>', 'API root instead of https://www.googleapis.com (also $VUPLOAD_API_URL)')
    .option('-q, --quiet', 'print only errors on stderr')
    .option('--json', 'print the result as JSON on stdout')
    .option('--verbose', 'print details and stack traces of errors')
    .addOption(new Option('-V', 'print the version').hideHelp());
  program.on('option:V', () => {
    ctx.stdout.write(`${VERSION}\n`);
    throw new CommanderError(0, 'commander.version', VERSION);
  });
  program.addHelpText(
    'after',
    `
Examples:
  vupload --file talk.mp4 --title "My talk"            upload (prints the video id on stdout)
  vupload --file="/tmp/test_video_file.flv" --title="Summer vacation in California" \\
          --description="Had fun surfing in Santa Cruz" --keywords="surfing,Santa Cruz"
  id=$(vupload upload talk.mp4 --privacy unlisted --thumbnail cover.jpg --quiet)
  vupload auth login                                   log in once (opens a browser)
  vupload update VIDEO_ID --title "New title"          change only the title
  vupload sandbox                                      a local fake YouTube to try scripts on
  vupload help upload                                  the options of a command
  vupload completion bash >> ~/.bashrc                 tab completion (bash, zsh, fish)

Exit codes: 0 ok, 1 API refused, 2 bad input, 3 auth, 4 quota, 5 network, 130/143 interrupted.
Docs: README.md`,
  );
  registerUpload(program, ctx);
  registerAuth(program, ctx);
  registerUpdate(program, ctx);
  registerThumbnail(program, ctx);
  registerStatus(program, ctx);
  registerPlaylist(program, ctx);
  registerCategories(program, ctx);
  registerHistory(program, ctx);
  registerQuota(program, ctx);
  registerSandbox(program, ctx);
  registerCompletion(program, ctx);
  guardImplicitUpload(program, ctx);
  for (const name of ['upload', 'batch']) {
    const command = program.commands.find((c) => c.name() === name);
    if (command) groupOptions(command, UPLOAD_OPTION_GROUPS);
  }
  const human = (text: string) => forTerminal(text, localeIsUtf8(ctx.env));
  // A pseudo-terminal without a size reports 0 columns: help is then wrapped at 80.
  const helpWidth = (stream: { isTTY?: boolean; columns?: number }): number =>
    stream.isTTY && stream.columns !== undefined && stream.columns >= 40 ? stream.columns : 80;
  applyToAll(program, (command) => {
    configureHelp(command);
    // addCommand() does not pass these on; without them a subcommand would call process.exit itself.
    command
      .exitOverride()
      .showHelpAfterError('(run with --help for usage)')
      .configureOutput({
        writeOut: (text) => ctx.stdout.write(human(text)),
        writeErr: (text) => ctx.stderr.write(human(text)),
        getOutHelpWidth: () => helpWidth(ctx.stdout),
        getErrHelpWidth: () => helpWidth(ctx.stderr),
      });
  });
  return program;
}

function applyToAll(command: Command, apply: (command: Command) => void): void {
  apply(command);
  for (const sub of command.commands) applyToAll(sub, apply);
}
