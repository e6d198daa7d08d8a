// This file builds the commander program from the injected context; each command lives in commands/<name>.ts.
import { Command, Option } from 'commander';
import { registerAuth } from './commands/auth.js';
import { registerCategories } from './commands/categories.js';
import { registerHistory } from './commands/history.js';
import { registerPlaylist } from './commands/playlist.js';
import { registerSandbox } from './commands/sandbox.js';
import { registerStatus } from './commands/status.js';
import { registerThumbnail } from './commands/thumbnail.js';
import { registerUpdate } from './commands/update.js';
import { registerUpload } from './commands/upload.js';
import type { CliContext } from './context.js';
import { VERSION } from './version.js';

const COMMANDS = new Set([
  'upload',
  'batch',
  'auth',
  'update',
  'thumbnail',
  'status',
  'playlist',
  'categories',
  'history',
  'sandbox',
  'help',
]);

/**
 * Google's classic sample is run as `upload_video.py --file=… --title=…` with no command word.
 * vupload keeps that form: arguments that do not start with a command are an upload.
 */
export function normalizeArgv(argv: string[]): string[] {
  const first = argv[0];
  if (first === undefined) return argv;
  if (COMMANDS.has(first)) return argv;
  if (['-h', '--help', '-V', '--version'].includes(first)) return argv;
  if (argv.length === 1 && ['-h', '--help'].includes(first)) return argv;
  return ['upload', ...argv];
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('vupload')
    .description('Upload videos to YouTube from the command line: resumable, retried, scriptable.')
    .version(VERSION, '-V, --version')
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
    .option('-v, --verbose', 'print details and stack traces of errors');
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
  registerSandbox(program, ctx);
  applyToAll(program, (command) => {
    // addCommand() does not pass these on; without them a subcommand would call process.exit itself.
    command
      .exitOverride()
      .showHelpAfterError('(run with --help for usage)')
      .configureOutput({
        writeOut: (text) => ctx.stdout.write(text),
        writeErr: (text) => ctx.stderr.write(text),
      });
  });
  return program;
}

function applyToAll(command: Command, apply: (command: Command) => void): void {
  apply(command);
  for (const sub of command.commands) applyToAll(sub, apply);
}
