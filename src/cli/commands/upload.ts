// This file is `vupload upload` (and the classic `vupload --file … --title …`): flags, validation, output contract.
import { Command } from 'commander';
import { ExitCode, usageError, type VuploadError } from '../../errors.js';
import { apiUrl, type CliContext, type GlobalOptions } from '../context.js';
import { addMetadataOptions } from '../metadata-flags.js';
import { Output } from '../output.js';
import type { UploadFlags } from '../upload/prepare.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerUpload(program: Command, ctx: CliContext): void {
  const command = new Command('upload')
    .description(
      'upload a video (the default command: `vupload --file FILE …` means `vupload upload --file FILE …`)',
    )
    .argument('[file]', 'the video file (or --file)')
    .option('--file <file>', 'the video file (Google sample name)');
  addMetadataOptions(command, 'upload')
    .option('--notify-subscribers', 'notify subscribers (YouTube default)')
    .option('--no-notify-subscribers', 'do not notify subscribers')
    .option('--thumbnail <file>', 'set this JPEG/PNG (≤ 2 MB) as the thumbnail after the upload')
    .option('--playlist <id-or-title>', 'add the video to this playlist (repeatable)', collect)
    .option('--create-playlist', 'create playlists given by a title that does not exist')
    .option('--caption <file[:lang]>', 'upload a caption track (repeatable)', collect)
    .option('--wait', 'wait until YouTube has processed the video')
    .option('--open', 'open the video page in the browser afterwards')
    .option('--dry-run', 'validate and print the requests that would be sent; sends nothing, needs no login')
    .option(
      '--chunk-size <size>',
      'send in chunks of this size (e.g. 8M; rounded to 256 KiB); default: one request',
    )
    .option('--limit-rate <rate>', 'cap the average send rate, bytes per second (e.g. 2M)')
    .option('--retries <n>', 'retries after a failure, each with exponential backoff', '10')
    .option('--restart', 'discard a saved interrupted upload of this file and start over')
    .addHelpText(
      'after',
      `
Examples:
  vupload --file talk.mp4 --title "My talk" --privacyStatus unlisted
  vupload upload talk.mp4 --tags "conf, talk" --thumbnail cover.jpg --playlist "Talks" --wait --json
  vupload upload talk.mp4 --metadata talk.json --publish-at 2030-01-01T09:00:00Z --dry-run

stdout: the video id (or one JSON object with --json); progress and messages go to stderr.
An interrupted upload resumes when the same command is run again.`,
    )
    .action(async (fileArg: string | undefined, flags: UploadFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      process.exitCode = await uploadCommand(fileArg, flags, globals, ctx);
    });
  program.addCommand(command);
}

async function uploadCommand(
  fileArg: string | undefined,
  flags: UploadFlags,
  globals: GlobalOptions,
  ctx: CliContext,
): Promise<number> {
  const out = await Output.create(ctx, globals);
  if (fileArg !== undefined && flags.file !== undefined && fileArg !== flags.file) {
    throw usageError(`two files were given (${flags.file} and ${fileArg}).`, 'Upload one file per command.');
  }
  const file = flags.file ?? fileArg;
  if (file === undefined) {
    throw usageError('--file: no video file given.', 'Example: vupload --file talk.mp4 --title "My talk"');
  }
  const { dryRunRequests, prepareUpload } = await import('../upload/prepare.js');
  const plan = await prepareUpload(file, flags, {
    cwd: ctx.cwd,
    now: ctx.now(),
    flag: flags.file !== undefined ? '--file' : 'file',
  });
  if (flags.dryRun) {
    for (const note of plan.notes) out.info(note);
    out.resultJson({ dryRun: true, requests: dryRunRequests(apiUrl(globals, ctx.env), plan) });
    out.info('Dry run: nothing was sent.');
    return ExitCode.ok;
  }
  const { runUpload } = await import('../upload/run.js');
  const { outcome, failure } = await runUpload(plan, ctx, globals, out);
  if (globals.json) out.resultJson(outcome);
  else out.result(outcome.id);
  if (failure) return reportStepFailure(failure, out, outcome.id);
  return ExitCode.ok;
}

/** The video exists; a step after it failed. The id is on stdout already; say what failed and exit with its code. */
function reportStepFailure(failure: VuploadError, out: Output, id: string): number {
  out.error(`vupload: the video ${id} was uploaded, but ${failure.message}`);
  if (failure.hint) out.error(failure.hint);
  return failure.exitCode;
}
