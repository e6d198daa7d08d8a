// This file keeps the classic `vupload --file X` form (upload is commander's default command) from uploading typos.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { usageError } from '../errors.js';
import type { CliContext } from './context.js';
import { importLeven } from './esm-imports.cjs';

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
    throw await unknownCommand(first, program);
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

async function unknownCommand(word: string, program: Command) {
  const names = program.commands.map((c) => c.name());
  if (names.includes(word)) {
    return usageError(
      `'${word}' is a command, but it came after options that only upload knows.`,
      `Put the command first: vupload ${word} …`,
    );
  }
  const { default: leven } = await importLeven();
  const [best] = [...names, 'help']
    .map((name) => ({ name, distance: leven(word.toLowerCase(), name) }))
    .filter((c) => c.distance <= Math.max(1, Math.floor(c.name.length / 3)))
    .sort((a, b) => a.distance - b.distance);
  return usageError(
    `unknown command '${word}'${best ? ` — did you mean '${best.name}'?` : ''}`,
    `'${word}' is neither a command nor a file here. Commands: vupload help. Upload a file: vupload --file FILE.`,
  );
}
