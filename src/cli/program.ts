// This file builds the commander program from the injected context; each command lives in commands/<name>.ts.
import { Command, CommanderError, Help, Option } from 'commander';
import { COMMANDS, commandEntry } from './commands/index.js';
import type { CliContext } from './context.js';
import { configureHelp, groupOptions, UPLOAD_OPTION_GROUPS } from './help.js';
import { guardImplicitUpload } from './implicit-upload.js';
import { forTerminal, localeIsUtf8 } from './terminal.js';
import { throwCommanderErrors } from './usage-errors.js';
import { VERSION } from './version.js';

/** Global options that take a value, so that their value is not mistaken for the command word. */
const VALUE_OPTIONS = new Set([
  '--profile',
  '--client-secrets',
  '--api-url',
  '--provider',
  '--state-url',
  '--proxy',
]);
/** The flags that ask any command for its help, and the program for its version (-V: the hidden one of before). */
export const HELP_FLAGS = ['--help', '-h'];
export const VERSION_FLAGS = ['--version', '-v', '-V'];
const HELP_OR_VERSION = new Set([...HELP_FLAGS, ...VERSION_FLAGS]);

/** Where the command word is in `argv` (after any global options); argv.length when there is none. */
export function commandIndex(argv: string[]): number {
  let index = 0;
  while (index < argv.length && argv[index]!.startsWith('-'))
    index += VALUE_OPTIONS.has(argv[index]!) ? 2 : 1;
  return index;
}

/**
 * The command that `argv` runs, or whose help it asks for (`help upload`); upload, the default command, when the
 * first word names none (`vupload --file X`, `vupload talk.mp4`); undefined for vupload's own help and version.
 */
export function commandToRun(argv: string[]): string | undefined {
  const index = commandIndex(argv);
  const word = argv[index];
  if (word === 'help') return commandEntry(argv[index + 1]) ? argv[index + 1] : undefined;
  if (commandEntry(word)) return word;
  if (word === undefined && argv.length > 0 && argv.every((arg) => HELP_OR_VERSION.has(arg)))
    return undefined;
  return 'upload';
}

/**
 * Builds the commander program. Only the commands `load` accepts are defined (loaded with their options and
 * actions); the others are named with their summaries, which is all `vupload --help` needs: a run loads the one
 * command it runs (commandToRun), not all of them.
 */
export async function buildProgram(
  ctx: CliContext,
  load: (name: string) => boolean = () => true,
): Promise<Command> {
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
    .option(
      '--provider <name>',
      'youtube (default), youku, peertube or vimeo; a profile may set it in profiles.json',
    )
    .option('--api-url <url>', 'API root instead of https://www.googleapis.com (also $VUPLOAD_API_URL)')
    .option(
      '--state-url <url>',
      'keep the journal, sessions, quota ledger and locks in this PostgreSQL database, shared by several machines (also $VUPLOAD_STATE_URL)',
    )
    .option(
      '--proxy <url>',
      'send every request through this proxy: http://, https:// or socks5:// (default: $HTTPS_PROXY, $HTTP_PROXY, $ALL_PROXY; $NO_PROXY applies)',
    )
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
  source <(vupload completion bash)                    tab completion (zsh, fish: vupload help completion)

Exit codes: 0 ok, 1 API refused, 2 bad input, 3 auth, 4 quota, 5 network, 130/143 interrupted.
Docs: README.md (getting started) and docs/*.md (everything else), installed with vupload,
      and https://github.com/vupload/vupload`,
  );
  // Proxies (--proxy, *_PROXY) are set before any command runs, for every request it makes.
  program.hook('preAction', async (_program, action) =>
    (await import('./proxy-setup.js')).setupProxy(action.optsWithGlobals(), ctx),
  );
  for (const [name, entry] of Object.entries(COMMANDS)) {
    if (load(name)) (await entry.load())(program, ctx);
    else program.addCommand(new Command(name).description(entry.summary), { isDefault: name === 'upload' });
  }
  guardImplicitUpload(program, ctx);
  for (const name of ['upload', 'batch', 'watch']) {
    const command = program.commands.find((c) => c.name() === name);
    if (command) groupOptions(command, UPLOAD_OPTION_GROUPS);
  }
  const human = (text: string) => forTerminal(text, localeIsUtf8(ctx.env));
  // A pseudo-terminal without a size reports 0 columns: help is then wrapped at 80.
  const helpWidth = (stream: { isTTY?: boolean; columns?: number }): number =>
    stream.isTTY && stream.columns !== undefined && stream.columns >= 40 ? stream.columns : 80;
  applyToAll(program, (command) => {
    configureHelp(command);
    // addCommand() does not pass these on; without them a subcommand would call process.exit itself, and print
    // its errors in commander's words rather than vupload's.
    throwCommanderErrors(command);
    command.configureOutput({
      writeOut: (text) => ctx.stdout.write(human(text)),
      writeErr: (text) => ctx.stderr.write(human(text)),
      getOutHelpWidth: () => helpWidth(ctx.stdout),
      getErrHelpWidth: () => helpWidth(ctx.stderr),
    });
  });
  program.configureHelp({
    ...program.configureHelp(),
    // A command that is not loaded has no arguments or options to show: its entry says what they are.
    subcommandTerm: (command: Command) => {
      const entry = commandEntry(command.name());
      if (!entry) return new Help().subcommandTerm(command);
      return entry.usage ? `${command.name()} ${entry.usage}` : command.name();
    },
  });
  return program;
}

function applyToAll(command: Command, apply: (command: Command) => void): void {
  apply(command);
  for (const sub of command.commands) applyToAll(sub, apply);
}
