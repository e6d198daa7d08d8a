// This file is `vupload playlist list | add`: the user's playlists, and adding a video to one by id or title.
import { Command } from 'commander';
import { usageError } from '../../errors.js';
import { requireProvider } from '../../providers/registry.js';
import { openYouTube } from '../../providers/youtube/auth/open.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { Output } from '../output.js';
import { videoIdFrom } from '../video-id.js';
import { COMMANDS } from './index.js';

export function registerPlaylist(program: Command, ctx: CliContext): void {
  const playlist = new Command('playlist').description(COMMANDS.playlist.summary);
  playlist
    .command('list')
    .description('your playlists (id, title, privacy, number of videos)')
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await requireProvider('youtube', 'playlist', globals, ctx);
      const out = await Output.create(ctx, globals);
      const { yt } = await openYouTube(ctx, globals, out);
      const playlists = await yt.listPlaylists();
      if (globals.json) {
        out.resultJsonLines(playlists);
        return;
      }
      if (playlists.length === 0) out.info('You have no playlists.');
      for (const p of playlists)
        out.result([p.id, p.title, p.privacyStatus ?? '', String(p.itemCount ?? '')].join('\t'));
    });
  playlist
    .command('add')
    .description('add a video to a playlist given by id or exact title')
    .argument('<video-id>', 'the video')
    .argument('[playlist]', 'playlist id or exact title')
    .option(
      '--video-id <id>',
      'the video (for ids that start with "-"; then the playlist is the only argument)',
    )
    .option('--create', 'create the playlist (private) if no playlist has that title')
    .action(
      async (
        first: string,
        second: string | undefined,
        flags: { create?: boolean; videoId?: string },
        cmd: Command,
      ) => {
        // With --video-id the one positional argument is the playlist.
        const videoId = videoIdFrom(flags.videoId === undefined ? first : undefined, flags);
        const wanted = flags.videoId === undefined ? second : first;
        if (wanted === undefined)
          throw usageError('no playlist given.', 'vupload playlist add VIDEO_ID "Playlist title"');
        const globals = cmd.optsWithGlobals<GlobalOptions>();
        await requireProvider('youtube', 'playlist', globals, ctx);
        const out = await Output.create(ctx, globals);
        const { yt } = await openYouTube(ctx, globals, out);
        const target = await yt.resolvePlaylist(wanted, {
          create: Boolean(flags.create),
          createHint: 'Add --create to create it',
        });
        if (target.created) out.info(`Created playlist "${target.title}" (${target.id}).`);
        // A playlist may hold a video twice: ask first, so running the same script again adds nothing (a playlist
        // created just now holds nothing yet).
        const item = target.created
          ? { ...(await yt.addToPlaylist(videoId, target.id)), added: true }
          : await yt.addToPlaylistOnce(videoId, target.id);
        if (globals.json)
          out.resultJson({
            videoId,
            playlistId: target.id,
            playlistTitle: target.title,
            itemId: item.id,
            created: target.created,
            added: item.added,
          });
        else out.result(item.id);
        out.info(
          item.added
            ? `Added ${videoId} to "${target.title}".`
            : `${videoId} is already in playlist "${target.title}"; nothing added.`,
        );
      },
    );
  program.addCommand(playlist);
}
