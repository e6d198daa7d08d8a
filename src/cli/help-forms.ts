// This file lists the command lines whose whole output is help or the version, which the build prerenders (issue 15).
import type { Command } from 'commander';
import { HELP_FLAGS, VERSION_FLAGS } from './program.js';

/**
 * Every command line that asks only for help or the version, taken from the program (all commands loaded): the
 * version flags; each command's words followed by a help flag; and, for each command with subcommands (the program
 * too), commander's help command alone and followed by each subcommand (`vupload help upload`, `vupload auth help
 * login`). Their output depends on nothing but these words, the locale and the width of a terminal.
 */
export function helpForms(program: Command): string[][] {
  return [...VERSION_FLAGS.map((flag) => [flag]), ...commandHelpForms(program, [])];
}

function commandHelpForms(command: Command, words: string[]): string[][] {
  const forms = HELP_FLAGS.map((flag) => [...words, flag]);
  // Commander adds its help command to a command that has subcommands; visibleCommands() is where it shows.
  const helpCommand = command
    .createHelp()
    .visibleCommands(command)
    .find((sub) => !command.commands.includes(sub));
  if (helpCommand) {
    forms.push([...words, helpCommand.name()]);
    for (const sub of command.commands) forms.push([...words, helpCommand.name(), sub.name()]);
  }
  for (const sub of command.commands) forms.push(...commandHelpForms(sub, [...words, sub.name()]));
  return forms;
}
