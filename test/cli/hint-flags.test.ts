// This file checks that every --flag vupload's messages, hints and help name exists where it is printed (issue 27, 5).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import type { CliContext } from '../../src/cli/context.js';
import { buildProgram } from '../../src/cli/program.js';
import { type FlagMention, findFlagMentions } from '../helpers/message-flags.js';
import { repoRoot } from '../helpers/paths.js';

/** The command at a path of words ('' for the program), with every command loaded. */
function commandAt(program: Command, path: string): Command | undefined {
  let command: Command | undefined = program;
  for (const word of path ? path.split(' ') : []) command = command?.commands.find((c) => c.name() === word);
  return command;
}

/** The long flags a command takes: its own and its parents' (the global ones), help and version. */
function flagsOf(program: Command, path: string): Set<string> {
  const flags = new Set(['--help', '--version']);
  for (let c: Command | null | undefined = commandAt(program, path); c; c = c.parent)
    for (const option of c.options) if (option.long) flags.add(option.long);
  return flags;
}

const shown = (m: FlagMention) => `${m.where} ${m.flag} in "${m.text.replace(/\s+/g, ' ').slice(0, 100)}"`;

test('every flag that a message, hint or help text names exists on the command that prints it', {
  timeout: 240_000,
}, async () => {
  const program = await buildProgram({ env: {} } as CliContext);
  const mentions = findFlagMentions(repoRoot, {
    programName: program.name(),
    entry: join(repoRoot, 'src/cli/main.ts'),
    subcommands: (path) => commandAt(program, path)?.commands.map((c) => c.name()) ?? [],
  });
  const wrong: string[] = [];
  const unattributed: string[] = [];
  for (const m of mentions) {
    if (m.example !== undefined) {
      // `vupload --file X` is the default command.
      const path = m.example === '' ? 'upload' : m.example;
      if (!flagsOf(program, path).has(m.flag)) wrong.push(`${shown(m)}: vupload ${path} has no ${m.flag}`);
    } else if (m.printedBy.length > 0) {
      const lacking = m.printedBy.filter((path) => !flagsOf(program, path).has(m.flag));
      if (lacking.length)
        wrong.push(`${shown(m)}: printed by ${lacking.map((p) => `'vupload ${p}'`).join(', ')}, without it`);
    } else if (m.mayBePrintedBy.length > 0) {
      // Read from a table with a computed key: one of the commands that read it must take the flag.
      if (!m.mayBePrintedBy.some((path) => flagsOf(program, path).has(m.flag)))
        wrong.push(`${shown(m)}: none of ${m.mayBePrintedBy.join(', ')} has it`);
    } else unattributed.push(shown(m));
  }
  assert.deepEqual(wrong, [], 'flags named where the command has none');
  // The analysis must keep finding who prints what: a text it cannot place is a gap in it, not a pass.
  assert.deepEqual(unattributed, [], 'texts the analysis could not attribute to any command');
  assert.ok(mentions.length > 100, `found ${mentions.length} mentions`);
  const placed = new Set(mentions.flatMap((m) => m.printedBy));
  assert.ok(placed.size >= 15, `texts placed in ${placed.size} commands: ${[...placed].join(', ')}`);
});
