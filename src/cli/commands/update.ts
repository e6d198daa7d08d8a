// This file is `vupload update VIDEO_ID`: the provider changes only the fields given (YouTube: youtube/commands.ts).
import { Command } from 'commander';
import { usageError } from '../../errors.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { addMetadataOptions, type MetadataFlags } from '../metadata-flags.js';
import { Output } from '../output.js';
import { addProviderOptions } from '../provider-options.js';
import { videoIdFrom } from '../video-id.js';
import { COMMANDS } from './index.js';

export function registerUpdate(program: Command, ctx: CliContext): void {
  const command = new Command('update')
    .description(COMMANDS.update.summary)
    .argument('[video-id]', 'the video to change')
    .option('--video-id <id>', 'the video (for ids that start with "-")');
  addProviderOptions(addMetadataOptions(command, 'update'), 'update')
    .option('--dry-run', 'print a field-by-field diff and send nothing')
    .addHelpText(
      'after',
      '\nExamples:\n  vupload update dQw4w9WgXcQ --title "New title"\n  vupload update dQw4w9WgXcQ --add-tags live,2026 --privacy unlisted --dry-run',
    )
    .action(
      async (
        idArg: string | undefined,
        flags: MetadataFlags & { dryRun?: boolean; videoId?: string },
        cmd: Command,
      ) => {
        const videoId = videoIdFrom(idArg, flags);
        const globals = cmd.optsWithGlobals<GlobalOptions>();
        const out = await Output.create(ctx, globals);
        const { commandProvider } = await import('../../providers/registry.js');
        const provider = await commandProvider(globals, ctx);
        const req = { ctx, globals, out };
        // A provider's own option (PeerTube's --licence …) is refused where that provider is not the one talking.
        const { providerOptions } = await import('../../providers/registry.js');
        const { refuseUnsupported } = await import('../../providers/flags.js');
        const own = new Set(providerOptions('upload').map((o) => camelKey(o.flags)));
        refuseUnsupported(
          Object.fromEntries(Object.entries(flags).filter(([key]) => own.has(key))),
          provider.uploadFlags,
          provider.name,
        );
        if (!provider.update) {
          throw usageError(
            `vupload update: vupload cannot change the metadata of ${provider.title} videos.`,
            `Change it on ${provider.videoUrl(videoId, req)}.`,
          );
        }
        await provider.update.command(videoId, flags, req);
      },
    );
  program.addCommand(command);
}

/** `--password-file <file>` → passwordFile: commander's key of an option. */
function camelKey(flags: string): string {
  const long = /--([a-z0-9-]+)/i.exec(flags)?.[1] ?? '';
  return long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
