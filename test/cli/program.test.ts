// This file checks the command list that `vupload --help` shows without loading any command's definition.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Help } from 'commander';
import { COMMANDS } from '../../src/cli/commands/index.js';
import type { CliContext } from '../../src/cli/context.js';
import { buildProgram, commandToRun } from '../../src/cli/program.js';
import { PROVIDER_NAMES } from '../../src/providers/registry.js';

/** What building the program and its help reads of the context. */
const ctx = { env: {}, stdout: { isTTY: false }, stderr: { isTTY: false } } as unknown as CliContext;

test('each command list entry says what commander says of the loaded command (name, arguments, summary)', async () => {
  const program = await buildProgram(ctx);
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
  const loaded = await buildProgram(ctx);
  const listed = await buildProgram(ctx, () => false);
  assert.equal(listed.helpInformation(), loaded.helpInformation());
  assert.equal(listed.commands.find((c) => c.name() === 'upload')?.options.length, 0, 'nothing was loaded');
});

test('the command to load is the first word after the global options, the one `help` names, or upload', () => {
  assert.equal(commandToRun(['upload', 'a.mp4']), 'upload');
  assert.equal(commandToRun(['--profile', 'work', 'status', 'x']), 'status');
  assert.equal(commandToRun(['help', 'batch']), 'batch');
  assert.equal(commandToRun(['--help']), undefined);
  assert.equal(commandToRun(['help']), undefined);
  assert.equal(commandToRun(['--version']), undefined);
  assert.equal(commandToRun(['-v']), undefined);
  // upload is the default command: the classic form, a file, a typo (upload's guard names it) or nothing at all.
  assert.equal(commandToRun(['--file', 'talk.mp4', '--title', 'T']), 'upload');
  assert.equal(commandToRun(['talk.mp4']), 'upload');
  assert.equal(commandToRun(['uplod']), 'upload');
  assert.equal(commandToRun([]), 'upload');
});

test("--provider's help names every provider of the registry (a registry line is all a new provider adds)", async () => {
  const program = await buildProgram(ctx);
  const option = program.options.find((o) => o.long === '--provider');
  for (const name of PROVIDER_NAMES)
    assert.match(option?.description ?? '', new RegExp(`\\b${name}\\b`), name);
});
