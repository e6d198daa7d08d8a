// This file checks the command list that `vupload --help` shows without loading any command's definition.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Help } from 'commander';
import { COMMANDS } from '../../src/cli/commands/index.js';
import type { CliContext } from '../../src/cli/context.js';
import { buildProgram, commandToRun } from '../../src/cli/program.js';

test('each command list entry says what commander says of the loaded command (name, arguments, summary)', async () => {
  const program = await buildProgram({} as CliContext);
  const help = new Help();
  const names = program.commands.map((c) => c.name());
  assert.deepEqual(names, Object.keys(COMMANDS));
  for (const command of program.commands) {
    const entry = COMMANDS[command.name() as keyof typeof COMMANDS];
    assert.equal(help.subcommandTerm(command), `${command.name()}${entry.usage ? ` ${entry.usage}` : ''}`);
    assert.equal(command.description(), entry.summary);
  }
});

test('the top-level help is the same whether the commands are loaded or not', async () => {
  const loaded = await buildProgram({} as CliContext);
  const listed = await buildProgram({} as CliContext, () => false);
  assert.equal(listed.helpInformation(), loaded.helpInformation());
  assert.equal(listed.commands.find((c) => c.name() === 'upload')?.options.length, 0, 'nothing was loaded');
});

test('the command to load is the first word after the global options, or the one `help` names', () => {
  assert.equal(commandToRun(['upload', 'a.mp4']), 'upload');
  assert.equal(commandToRun(['--profile', 'work', 'status', 'x']), 'status');
  assert.equal(commandToRun(['help', 'batch']), 'batch');
  assert.equal(commandToRun(['--help']), undefined);
  assert.equal(commandToRun(['help']), undefined);
  assert.equal(commandToRun(['--version']), undefined);
});
