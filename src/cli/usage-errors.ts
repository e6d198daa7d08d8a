// This file turns commander's own failures (an unknown option or command, a missing argument) into vupload's usage
// error, so that they follow the one error contract: `vupload: …` on stderr, a hint, exit 2, and with --json an
// error object on stdout (issue 27, items 4 and 9).
import { type Command, CommanderError } from 'commander';
import { usageError, type VuploadError } from '../errors.js';
import { importLeven } from './esm-imports.cjs';
import { commandPath } from './help.js';

/** Commander's errors that are no failure: help asked for, the version. */
const NOT_FAILURES = new Set(['commander.helpDisplayed', 'commander.version']);

/** The command whose words failed to parse, for the hint (commander's error does not say). */
const failedIn = new WeakMap<CommanderError, Command>();

/** What a command does on commander's errors instead of printing them itself and exiting: throws them, with itself. */
export function throwCommanderErrors(command: Command): void {
  command.exitOverride((error) => {
    failedIn.set(error, command);
    throw error;
  });
  // Printed by main.ts once converted; commander would print `error: …` in its own words.
  command.configureOutput({ outputError: () => {} });
  refuseUnknownHelpTopic(command);
}

/** `vupload help nosuch`: commander would print the whole help (exit 2) without saying why. */
function refuseUnknownHelpTopic(command: Command): void {
  // biome-ignore lint/suspicious/noExplicitAny: a private method of commander's, which its types do not show.
  const parser = command as any;
  const dispatch = parser._dispatchHelpCommand;
  if (typeof dispatch !== 'function') return;
  parser._dispatchHelpCommand = (name?: string) => {
    if (
      name !== undefined &&
      !command.commands.some((c) => c.name() === name || c.aliases().includes(name))
    ) {
      const error = new CommanderError(2, 'commander.unknownCommand', `error: unknown command '${name}'`);
      failedIn.set(error, command);
      throw error;
    }
    return dispatch.call(command, name);
  };
}

/** The error as vupload reports it: unchanged when it is not commander's, or commander's is no failure. */
export async function fromCommander(error: unknown): Promise<unknown> {
  if (!(error instanceof CommanderError) || NOT_FAILURES.has(error.code)) return error;
  if (error.code === 'commander.help' && error.exitCode === 0) return error;
  const command = failedIn.get(error);
  const path = command ? commandPath(command) : '';
  const vupload = path ? `vupload ${path}` : 'vupload';
  // Help shown because no command was given: it is on stderr already; this says why.
  if (error.code === 'commander.help') {
    const names = command?.commands.map((c) => c.name()) ?? [];
    return usageError(
      path ? `${path} needs a command: ${names.join(', ')}.` : 'no command or file given.',
      path
        ? `Example: ${vupload} ${names[0]}`
        : 'Commands: vupload help. Upload a file: vupload --file FILE.',
    );
  }
  const [first = '', ...rest] = error.message.split('\n');
  const message = first.replace(/^error: /, '');
  const unknown = /^unknown command '(.*)'/.exec(message);
  if (unknown && command) return unknownCommand(unknown[1]!, command);
  // Commander's suggestion, "(Did you mean --title?)", becomes the hint's first sentence.
  const said = rest.map((line) => line.replace(/^\((.*)\)$/, '$1')).filter(Boolean);
  const usage = command ? `Usage: ${vupload} ${command.usage()}` : '';
  return usageError(message, [...said, usage].filter(Boolean).join(' ') || undefined);
}

/**
 * A word that names no command of `parent` (`vupload uplod`, `vupload help nosuch`, `vupload auth logn`), with the
 * closest name when one is close. `orFile`: the program's first word may also be a file to upload.
 */
export async function unknownCommand(word: string, parent: Command, orFile = false): Promise<VuploadError> {
  const path = commandPath(parent);
  const names = parent.commands.map((c) => c.name());
  if (orFile && names.includes(word)) {
    return usageError(
      `'${word}' is a command, but it came after options that only upload knows.`,
      `Put the command first: vupload ${word} …`,
    );
  }
  const { default: leven } = await importLeven();
  const [best] = [...names, 'help']
    .map((name) => ({ name, distance: leven(word.toLowerCase(), name) }))
    .filter((c) => c.distance <= Math.max(1, Math.floor(c.name.length / 3)))
    .sort((a, b) => a.distance - b.distance);
  const words = (name: string) => (path ? `${path} ${name}` : name);
  const listed = path ? `vupload ${path} --help` : 'vupload help';
  return usageError(
    `unknown command '${words(word)}'${best ? ` — did you mean '${words(best.name)}'?` : ''}`,
    orFile
      ? `'${word}' is neither a command nor a file here. Commands: ${listed}. Upload a file: vupload --file FILE.`
      : `Commands: ${listed}.`,
  );
}
