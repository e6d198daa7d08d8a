// This file is `vupload history`: past uploads from the journal (ids, URLs, the steps done after them).
import type { Command } from 'commander';
import type { CliContext, GlobalOptions } from '../context.js';
import { Output } from '../output.js';
import { COMMANDS } from './index.js';

export function registerHistory(program: Command, ctx: CliContext): void {
  program
    .command('history')
    .description(COMMANDS.history.summary)
    .option('--limit <n>', 'show only the last N uploads')
    .action(async (flags: { limit?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      const { parseIntegerOption } = await import('../options.js');
      const { stateStore } = await import('../state.js');
      let items = await (await stateStore(ctx, globals)).journal.listHistory();
      if (flags.limit !== undefined)
        items = items.slice(-parseIntegerOption('--limit', flags.limit, 1, 1_000_000));
      if (globals.json) {
        out.resultJsonLines(items);
        return;
      }
      if (items.length === 0) out.info('No uploads recorded yet.');
      const { escapeControlCharacters } = await import('../../text.js');
      // One line per upload, fields between tabs: a newline or tab in a file name is written as \n or \t (as
      // --log-file writes it), so a name cannot add a line or a field of its own.
      for (const item of items) {
        const fields = [item.time, item.id, item.url ?? '', item.title ?? '', item.file];
        out.result(fields.map(escapeControlCharacters).join('\t'));
      }
    });
}
