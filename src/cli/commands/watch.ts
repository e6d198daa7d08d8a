// This file is `vupload watch DIR…`: upload each video that settles in the folders, until stopped.
import { Command } from 'commander';
import type { CliContext, GlobalOptions } from '../context.js';
import type { UploadFlags } from '../upload/prepare.js';
import type { JobFlags } from '../upload/queue.js';
import type { WatchFlags } from '../watch/run.js';
import { COMMANDS } from './index.js';
import { addUploadOptions, uploadProvider } from './upload.js';

export function registerWatch(program: Command, ctx: CliContext): void {
  const watch = new Command('watch')
    .description(COMMANDS.watch.summary)
    .argument('<dirs...>', 'folders to watch (files directly in them; subfolders are not watched)');
  addUploadOptions(watch);
  // Accepted only to be refused with a way to try it (watch/run.ts): watch sends as files settle.
  watch.options.find((option) => option.long === '--dry-run')?.hideHelp();
  watch
    .option(
      '--settle <time>',
      'a file is complete once its size and mtime have not changed for this long',
      '30s',
    )
    .option('--pattern <globs>', "comma-separated file name patterns (default '*.mp4,*.mkv,*.mov')")
    .addHelpText(
      'after',
      `
Examples:
  vupload watch ~/Recordings --title "Stream {date}" --privacy unlisted --move-to ~/Recordings/uploaded
  vupload watch /srv/rec --settle 2m --pattern '*.mkv' --delete-after --json --log-file /var/log/vupload.log

Files present at start are considered too. Partial names (.part, .tmp, .crdownload, dotfiles) are skipped, and on
Linux a file some process still has open for writing is waited for. Everything \`vupload upload\` guarantees holds:
content uploaded before is not uploaded again, two watchers on one folder upload each file once, an upload
interrupted by stopping the watcher resumes when it starts again. A failing file is retried later with backoff.
stdout: one id per uploaded file (one JSON object per line with --json). SIGTERM/Ctrl-C: no new uploads, exit 143/130.`,
    )
    .action(async (dirs: string[], flags: UploadFlags & JobFlags & WatchFlags, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const provider = await uploadProvider(globals, ctx);
      const { runWatch } = await import('../watch/run.js');
      process.exitCode = await runWatch(dirs, flags, globals, ctx, provider);
    });
  program.addCommand(watch);
}
