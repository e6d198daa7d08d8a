// This file is what changes when the video comes from a pipe (`vupload upload - --title T`): checks and plan.
import { usageError } from '../../errors.js';
import type { CliContext } from '../context.js';

/** The file argument that means standard input. */
export const STDIN_ARG = '-';

/** How standard input is named in messages and in the journal's `file` field. */
export const STDIN_LABEL = 'standard input';

/** Default request size for a pipe, documented in docs/usage.md "Uploading from a pipe". */
export const STDIN_CHUNK_SIZE = 8 * 1024 * 1024;

/**
 * Checks a command line that names `-` (exit 2, nothing read or sent): standard input only once and alone, a
 * title, no housekeeping (there is no file to move), no flag that only a file's upload has (--restart,
 * --wait-lock), and no terminal to read from in a real run.
 */
export function checkStdinUse(
  files: string[],
  flags: {
    title?: string;
    moveTo?: string;
    deleteAfter?: boolean;
    dryRun?: boolean;
    restart?: boolean;
    waitLock?: boolean;
  },
  ctx: CliContext,
): boolean {
  if (!files.includes(STDIN_ARG)) return false;
  if (files.length > 1) {
    throw usageError(
      '-: standard input cannot be combined with other files.',
      'Upload the pipe in a command of its own.',
    );
  }
  if (flags.title === undefined || flags.title.trim() === '') {
    throw usageError(
      '--title is required when the video comes from standard input (-): there is no file name to take it from.',
      'Example: ffmpeg … -f mp4 -movflags frag_keyframe+empty_moov - | vupload upload - --title "Live"',
    );
  }
  const housekeeping = flags.moveTo !== undefined ? '--move-to' : flags.deleteAfter ? '--delete-after' : '';
  if (housekeeping)
    throw usageError(`${housekeeping}: there is no file to move or delete with standard input.`);
  // Flags about a file's saved session and lock would be silently ignored: refused instead.
  if (flags.restart)
    throw usageError(
      '--restart: an upload from a pipe is never resumed, so there is no saved upload to start over from.',
      'Leave --restart out: each run from a pipe sends its whole input.',
    );
  if (flags.waitLock)
    throw usageError(
      '--wait-lock: an upload from a pipe has no file that another vupload could be working on.',
      'Leave --wait-lock out.',
    );
  if (!flags.dryRun && ctx.stdin.isTTY) {
    throw usageError(
      '-: standard input is a terminal.',
      'Pipe the video into vupload, e.g. `cat talk.mp4 | vupload upload - --title "Talk"`.',
    );
  }
  return true;
}

/** Template values for standard input: no file name or extension; {date} is the day the upload starts. */
export async function stdinTemplateValues(now: number, index: number) {
  const { templateValues } = await import('../../unattended/template.js');
  return { ...templateValues('stdin', new Date(now), index), ext: '' };
}
