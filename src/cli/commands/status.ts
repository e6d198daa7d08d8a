// This file is `vupload status VIDEO_ID [--wait]`: upload and processing state, reasons, privacy and the URL.
import type { Command } from 'commander';
import type { VideoStatusView } from '../../providers/youtube/status.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { formatDuration } from '../format.js';
import { Output } from '../output.js';
import { openYouTube } from '../session.js';
import { videoIdFrom } from '../video-id.js';
import { COMMANDS } from './index.js';

function describe(view: VideoStatusView): string[] {
  const lines = [`id:         ${view.id}`, `url:        ${view.url}`];
  if (view.title) lines.push(`title:      ${view.title}`);
  lines.push(`state:      ${view.state}`);
  if (view.uploadStatus) lines.push(`upload:     ${view.uploadStatus}`);
  if (view.processingStatus) {
    const parts = view.partsTotal ? ` (${view.partsProcessed ?? 0}/${view.partsTotal} parts)` : '';
    const left = view.timeLeftMs ? `, about ${formatDuration(view.timeLeftMs / 1000)} left` : '';
    lines.push(`processing: ${view.processingStatus}${parts}${left}`);
  }
  if (view.failureReason) lines.push(`failure:    ${view.failureReason}`);
  if (view.rejectionReason) lines.push(`rejected:   ${view.rejectionReason}`);
  if (view.privacyStatus)
    lines.push(`privacy:    ${view.privacyStatus}${view.publishAt ? ` until ${view.publishAt}` : ''}`);
  return lines;
}

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
        const { resolveProvider } = await import('../../providers/registry.js');
        if ((await resolveProvider(globals, ctx)) === 'youku') {
          const { youkuStatus } = await import('../../providers/youku/commands.js');
          await youkuStatus(videoId, globals, ctx);
          return;
        }
        const out = await Output.create(ctx, globals);
        const { yt } = await openYouTube(ctx, globals, out);
        const { processingError } = await import('../../providers/youtube/status.js');
        const view = flags.wait
          ? await yt.waitForProcessing(videoId, {
              requestedPrivacy: flags.requestedPrivacy,
              onUpdate: (v) => {
                const parts = v.partsTotal ? ` ${v.partsProcessed ?? 0}/${v.partsTotal} parts` : '';
                out.progressText(`Processing ${videoId}: ${v.state}${parts}`);
              },
            })
          : await yt.getStatus(videoId, flags.requestedPrivacy);
        out.stopSpinner();
        if (globals.json) out.resultJson({ provider: 'youtube', ...view });
        else out.result(describe(view).join('\n'));
        if (view.notice) out.warn(view.notice);
        const failed = flags.wait ? processingError(view) : undefined;
        if (failed) throw failed;
      },
    );
}
