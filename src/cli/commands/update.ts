// This file is `vupload update VIDEO_ID`: read the video, change only the fields given, send back complete parts.
import { Command } from 'commander';
import { usageError } from '../../errors.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { addMetadataOptions, type MetadataFlags, metadataInputFromFlags } from '../metadata-flags.js';
import { Output } from '../output.js';
import { openYouTube } from '../session.js';
import { videoIdFrom } from '../video-id.js';
import { COMMANDS } from './index.js';

const show = (value: unknown): string => (value === undefined ? '(none)' : JSON.stringify(value));

export function registerUpdate(program: Command, ctx: CliContext): void {
  const command = new Command('update')
    .description(COMMANDS.update.summary)
    .argument('[video-id]', 'the video to change')
    .option('--video-id <id>', 'the video (for ids that start with "-")');
  addMetadataOptions(command, 'update')
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
        const input = await metadataInputFromFlags(flags, ctx.cwd, ctx.env, globals.clientSecrets);
        const named = Object.entries(input).filter(([key, value]) => key !== 'flags' && value !== undefined);
        if (named.length === 0) {
          throw usageError(
            'nothing to change: no metadata flag was given.',
            'Example: vupload update VIDEO_ID --title "New title"',
          );
        }
        // Check what the user gave before any request: a bad value exits 2 with nothing sent.
        const { inputToResource, validateResource } = await import('../../youtube/metadata.js');
        const { resource, flagNames } = inputToResource(input);
        validateResource(resource, { now: ctx.now(), flagNames, partial: true });
        const { yt } = await openYouTube(ctx, globals, out);
        if (flags.dryRun) {
          const { plan } = await yt.planVideoUpdate(videoId, input);
          if (globals.json)
            out.resultJson({
              id: videoId,
              dryRun: true,
              parts: plan.parts,
              diff: plan.diff,
              body: plan.body,
            });
          else if (plan.diff.length === 0) out.result('no change');
          else
            out.result(plan.diff.map((d) => `${d.field}: ${show(d.before)} -> ${show(d.after)}`).join('\n'));
          out.info(
            `Dry run: nothing was sent${plan.parts.length ? ` (would send parts ${plan.parts.join(', ')})` : ''}.`,
          );
          return;
        }
        const result = await yt.updateVideo(videoId, input);
        if (globals.json)
          out.resultJson({ id: videoId, parts: result.parts, diff: result.diff, video: result.video });
        else out.result(videoId);
        if (result.parts.length === 0) out.info('Nothing to change: the video already has these values.');
        else for (const d of result.diff) out.info(`${d.field}: ${show(d.before)} -> ${show(d.after)}`);
      },
    );
  program.addCommand(command);
}
