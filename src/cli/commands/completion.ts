// This file is `vupload completion bash|zsh|fish`: prints a tab-completion script made from the program itself.
import { Argument, type Command } from 'commander';
import { usageError } from '../../errors.js';
import { SHELLS, type Shell } from '../completion.js';
import type { CliContext } from '../context.js';
import { canonicalChoice } from '../options.js';
import { COMMANDS } from './index.js';

export function registerCompletion(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description(COMMANDS.completion.summary)
    // The choices are what completion offers after `vupload completion`; any case is taken (checked below).
    .addArgument(
      new Argument('<shell>', 'bash, zsh or fish')
        .choices(SHELLS)
        .argParser((value: string) => canonicalChoice(value, SHELLS)),
    )
    .addHelpText(
      'after',
      `
Load it into the running shell, or install it:
  source <(vupload completion bash)     vupload completion bash > ~/.local/share/bash-completion/completions/vupload
  source <(vupload completion zsh)      vupload completion zsh > "\${fpath[1]}/_vupload"
  vupload completion fish > ~/.config/fish/completions/vupload.fish

After --profile it offers the saved profiles; after the flags that take one of a few values, those values.`,
    )
    .action(async (shell: string) => {
      const { completionScript } = await import('../completion.js');
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw usageError(`completion: "${shell}" is not one of ${SHELLS.join(', ')}.`);
      }
      // Made from every command's definition: this run loaded only its own.
      const { buildProgram } = await import('../program.js');
      ctx.stdout.write(completionScript(shell as Shell, await buildProgram(ctx)));
    });
}
