// This file is `vupload status VIDEO_ID [--wait]`: the provider says how the video's upload and processing stand.
import type { Command } from 'commander';
import type { CliContext, GlobalOptions } from '../context.js';
import { Output } from '../output.js';
import { videoIdFrom } from '../video-id.js';
import { COMMANDS } from './index.js';

export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description(COMMANDS.status.summary)
    .argument('[video-id]', 'the video')
    .option('--video-id <id>', 'the video (for ids that start with "-")')
    .option('--wait', 'poll until processing has ended; exit non-zero if it failed or was rejected')
    .option(
      '--requested-privacy <status>',
      'the privacy the upload asked for (flags the private lock of unaudited API projects)',
    )
    .action(
      async (
        idArg: string | undefined,
        flags: { wait?: boolean; requestedPrivacy?: string; videoId?: string },
        cmd: Command,
      ) => {
        const videoId = videoIdFrom(idArg, flags);
        const globals = cmd.optsWithGlobals<GlobalOptions>();
        const out = await Output.create(ctx, globals);
        const { commandProvider } = await import('../../providers/registry.js');
        const provider = await commandProvider(globals, ctx);
        const { refuseUnsupported } = await import('../../providers/flags.js');
        const { wait, requestedPrivacy } = flags;
        refuseUnsupported({ wait, requestedPrivacy }, provider.statusFlags, provider.name);
        await provider.status(videoId, { ctx, globals, out }, flags);
      },
    );
}
