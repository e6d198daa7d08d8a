// This file is `vupload completion bash|zsh|fish`: prints a tab-completion script made from the program itself.
import type { Command } from 'commander';
import { usageError } from '../../errors.js';
import type { CliContext } from '../context.js';

export function registerCompletion(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
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
      let root = program;
      while (root.parent) root = root.parent;
      ctx.stdout.write(completionScript(shell as (typeof SHELLS)[number], root));
    });
}
