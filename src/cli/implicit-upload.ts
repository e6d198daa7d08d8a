// This file keeps the classic `vupload --file X` form (upload is commander's default command) from uploading typos.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { unknownCommand } from './usage-errors.js';

/**
 * Google's sample is run as `upload_video.py --file=… --title=…`, so `upload` is the default command. Run by
 * default (no command word), it proceeds only in the classic form: `--file` given, or a first word that is an
 * existing file. Any other first word is a mistyped command: `vupload uplod` must not look for a video "uplod".
 */
export function guardImplicitUpload(program: Command, ctx: CliContext): void {
  const upload = program.commands.find((c) => c.name() === 'upload');
  if (!upload) return;
  let implicit = false;
  program.hook('preSubcommand', (_program, sub) => {
    // program.args holds the words the program did not take as its own options: the command word comes first.
    implicit = sub === upload && program.args[0] !== 'upload';
  });
  upload.hook('preAction', async (command) => {
    if (!implicit || command.opts<{ file?: string }>().file !== undefined) return;
    const [files] = command.processedArgs as [string[]];
    const first = files[0];
    if (first === undefined) program.help({ error: true });
    if (isFile(resolve(ctx.cwd, first))) return;
    // Something that looks like a path is a missing video: upload's own check says "no such file".
    if (/[./\\]/.test(first)) return;
    throw await unknownCommand(first, program, true);
  });
}

/** One stat, synchronous: node:fs/promises would cost every start (`vupload --help` too) ~1.3 ms to load. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
