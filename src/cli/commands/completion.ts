// This file is `vupload completion bash|zsh|fish`: prints a tab-completion script made from the program itself.
import type { Command } from 'commander';
import { usageError } from '../../errors.js';
import type { CliContext } from '../context.js';
import { COMMANDS } from './index.js';

export function registerCompletion(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description(COMMANDS.completion.summary)
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      `
Load it into the running shell, or install it:
  source <(vupload completion bash)     vupload completion bash > ~/.local/share/bash-completion/completions/vupload
  source <(vupload completion zsh)      vupload completion zsh > "\${fpath[1]}/_vupload"
  vupload completion fish > ~/.config/fish/completions/vupload.fish`,
    )
    .action(async (shell: string) => {
      const { completionScript, SHELLS } = await import('../completion.js');
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw usageError(`completion: "${shell}" is not one of ${SHELLS.join(', ')}.`);
      }
      // Made from every command's definition: this run loaded only its own.
      const { buildProgram } = await import('../program.js');
      ctx.stdout.write(completionScript(shell as (typeof SHELLS)[number], await buildProgram(ctx)));
    });
}
