// This file is `vupload categories`: the video category ids a region offers (for --category).
import type { Command } from 'commander';
import { usageError } from '../../errors.js';
import { requireProvider } from '../../providers/registry.js';
import { openYouTube } from '../../providers/youtube/auth/open.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { Output } from '../output.js';
import { COMMANDS } from './index.js';

export function registerCategories(program: Command, ctx: CliContext): void {
  program
    .command('categories')
    .description(COMMANDS.categories.summary)
    .option('--region <cc>', 'two-letter region code', 'US')
    .option('--hl <lang>', 'language of the category names')
    .action(async (flags: { region: string; hl?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await requireProvider('youtube', 'categories', globals, ctx);
      const out = await Output.create(ctx, globals);
      if (!/^[A-Za-z]{2}$/.test(flags.region)) {
        throw usageError(
          `--region: "${flags.region}" is not a two-letter region code.`,
          'Example: --region US',
        );
      }
      const { yt } = await openYouTube(ctx, globals, out);
      const categories = await yt.listCategories(flags.region.toUpperCase(), flags.hl);
      if (globals.json) {
        out.resultJsonLines(categories);
        return;
      }
      for (const c of categories)
        out.result(`${c.id}\t${c.title}${c.assignable ? '' : '\t(not assignable)'}`);
    });
}
