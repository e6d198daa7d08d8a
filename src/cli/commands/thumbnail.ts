// This file is `vupload thumbnail VIDEO_ID FILE`: check the image (JPEG/PNG, ≤ 2 MB) and set it (thumbnails.set).
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { usageError } from '../../errors.js';
import { requireProvider } from '../../providers/registry.js';
import { openYouTube } from '../../providers/youtube/auth/open.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { Output } from '../output.js';
import { videoIdFrom } from '../video-id.js';
import { COMMANDS } from './index.js';

export function registerThumbnail(program: Command, ctx: CliContext): void {
  program
    .command('thumbnail')
    .description(COMMANDS.thumbnail.summary)
    .argument('<video-id>', 'the video')
    .argument('[file]', 'the image')
    .option('--video-id <id>', 'the video (for ids that start with "-"; then the image is the only argument)')
    .action(async (first: string, second: string | undefined, flags: { videoId?: string }, cmd: Command) => {
      // With --video-id the one positional argument is the image.
      const videoId = videoIdFrom(flags.videoId === undefined ? first : undefined, flags);
      const file = flags.videoId === undefined ? second : first;
      if (file === undefined)
        throw usageError('no image file given.', 'vupload thumbnail VIDEO_ID cover.jpg');
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await requireProvider('youtube', 'thumbnail', globals, ctx);
      const out = await Output.create(ctx, globals);
      const path = resolve(ctx.cwd, file);
      const { checkThumbnail } = await import('../../providers/youtube/image.js');
      const { assertNotPrivate } = await import('../../confine.js');
      await assertNotPrivate(path, 'thumbnail file', ctx.env, {
        cwd: ctx.cwd,
        clientSecrets: globals.clientSecrets,
      });
      await checkThumbnail(path, { flag: 'thumbnail file' });
      const { yt } = await openYouTube(ctx, globals, out);
      const result = await yt.setThumbnail(videoId, path, 'thumbnail file');
      if (globals.json) {
        const { size, ...rest } = result;
        out.resultJson({ id: videoId, ...rest, bytes: size });
      } else out.result(videoId);
      out.info(`Thumbnail of ${videoId} set from ${file}.`);
    });
}
