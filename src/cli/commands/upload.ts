// This file is `vupload upload` (and the classic `vupload --file … --title …`) and `vupload batch MANIFEST`.
import { Command } from 'commander';
import { usageError } from '../../errors.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { addMetadataOptions } from '../metadata-flags.js';
import { parseIntegerOption } from '../options.js';
import { addProviderOptions } from '../provider-options.js';
import type { UploadFlags } from '../upload/prepare.js';
import type { JobFlags } from '../upload/queue.js';
import { COMMANDS } from './index.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
/** `--file` twice is refused: commander would silently keep the last one. */
const onlyOnce = (value: string, previous?: string): string => {
  if (previous === undefined) return value;
  throw usageError(
    `--file was given twice ("${previous}" and "${value}").`,
    'Give one --file, or list the files as arguments: vupload upload a.mp4 b.mp4',
  );
};

export function addUploadOptions(command: Command): Command {
  addMetadataOptions(command, 'upload');
  addProviderOptions(command, 'upload');
  return command
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
    .option('--time-budget <seconds>', 'start no retry once the upload has taken this long (default 24 h)')
    .option('--restart', 'discard a saved interrupted upload of this file and start over')
    .option('--force', 'upload even if this content was uploaded before with this profile')
    .option(
      '--no-update',
      'content uploaded before whose recorded metadata differs from these flags: report it, do not update the video',
    )
    .option('--wait-lock', 'if another vupload is working on the same file, wait for it instead of failing')
    .option(
      '--quota <units>',
      'daily quota budget of the profile in units (default 10000, or $VUPLOAD_QUOTA)',
    )
    .option(
      '--on-quota <what>',
      '"fail" (exit 4, default) or "wait" until the quota resets at midnight Pacific time',
    )
    .option('--move-to <dir>', 'move the file there once the upload and all its steps succeeded')
    .option('--delete-after', 'delete the file once the upload and all its steps succeeded')
    .option('--log-file <file>', 'append timestamped lines about each upload to this file')
    .option('--concurrency <n>', 'with several files: how many uploads run at once', '1');
}

/** --provider, else the profile's provider, else YouTube: every provider takes the same path (issue 11). */
export async function uploadProvider(globals: GlobalOptions, ctx: CliContext) {
  const { commandProvider } = await import('../../providers/registry.js');
  return commandProvider(globals, ctx);
}

export function registerUpload(program: Command, ctx: CliContext): void {
  const upload = new Command('upload')
    .description(COMMANDS.upload.summary)
    .argument(
      '[files...]',
      'video files (or --file; - reads a pipe); titles may use {name} {date} {index} {ext}',
    )
    .option('--file <file>', 'the video file (Google sample name); - for standard input', onlyOnce);
  addUploadOptions(upload)
    .addHelpText(
      'after',
      `
Examples:
  vupload --file talk.mp4 --title "My talk" --privacyStatus unlisted
  vupload upload talk.mp4 --tags "conf, talk" --thumbnail cover.jpg --playlist "Talks" --wait --json
  vupload upload talk.mp4 --metadata talk.json --publish-at 2030-01-01T09:00:00Z --dry-run
  vupload upload rec/*.mp4 --title "Recording {date} #{index}" --move-to done/
  ffmpeg … -f mp4 -movflags frag_keyframe+empty_moov - | vupload upload - --title "Live {date}"

stdout: the video id (one per file; or JSON with --json); progress and messages go to stderr.
An interrupted upload resumes when the same command is run again; content uploaded before is not uploaded twice.
From a pipe (-): --title is required; sent in 8 MiB chunks (--chunk-size), each held in memory until the server
has it. A pipe cannot be resumed: if vupload stops, run it again with the whole input. A pipe whose content was
uploaded before makes no second video: its last request is not sent (--force sends it). A run killed at the final
answer leaves its session saved; the next run from a pipe asks it and records the video it made.`,
    )
    .action(async (files: string[], flags: UploadFlags & JobFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const all = [...(flags.file !== undefined ? [flags.file] : []), ...files];
      if (all.length === 0) {
        throw usageError(
          '--file: no video file given.',
          'Example: vupload --file talk.mp4 --title "My talk"',
        );
      }
      const { checkStdinUse } = await import('../upload/stdin.js');
      const stdin = checkStdinUse(all, flags, ctx);
      const provider = await uploadProvider(globals, ctx);
      const { runQueue } = await import('../upload/queue.js');
      const items = all.map((file, index) => ({
        file,
        flags,
        flag: index === 0 && flags.file !== undefined ? '--file' : 'file',
        ...(stdin ? { stdin } : {}),
      }));
      process.exitCode = await runQueue(items, flags, globals, ctx, { single: all.length === 1, provider });
    });
  program.addCommand(upload, { isDefault: true });
}

export function registerBatch(program: Command, ctx: CliContext): void {
  const batch = new Command('batch')
    .description(COMMANDS.batch.summary)
    .argument('<manifest>', 'a .jsonl/.ndjson or .csv file (format: docs/unattended.md, "Batches")');
  addUploadOptions(batch)
    .option(
      '--allow-outside',
      "allow manifest paths outside the manifest's folder (vupload's own config and state stay refused)",
    )
    .addHelpText('after', '\nFlags give defaults; each manifest entry overrides them for its file.')
    .action(async (manifest: string, flags: UploadFlags & JobFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      parseIntegerOption('--concurrency', flags.concurrency ?? '1', 1, 64);
      const provider = await uploadProvider(globals, ctx);
      const { runManifest } = await import('../upload/queue.js');
      process.exitCode = await runManifest(manifest, flags, globals, ctx, provider);
    });
  program.addCommand(batch);
}
