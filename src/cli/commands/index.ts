// This file lists vupload's commands: what `vupload --help` says of each, and where its definition is loaded from.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';

type Register = (program: Command, ctx: CliContext) => void;

interface CommandEntry {
  /** The one line of `vupload --help`, and the command's own description. */
  summary: string;
  /** What follows the name in `vupload --help` (commander's term for the loaded command; a test holds them equal). */
  usage: string;
  /** The definition: its options, subcommands and action. Loaded only for the command that runs. */
  load(): Promise<Register>;
}

/** In the order of `vupload --help`. */
export const COMMANDS = {
  upload: {
    summary:
      'upload videos (the default command: `vupload --file FILE …` means `vupload upload --file FILE …`)',
    usage: '[options] [files...]',
    load: async () => (await import('./upload.js')).registerUpload,
  },
  batch: {
    summary: 'upload every file a manifest lists (JSON Lines or CSV), each with its own metadata and steps',
    usage: '[options] <manifest>',
    load: async () => (await import('./upload.js')).registerBatch,
  },
  auth: {
    summary: 'log in to YouTube, show or remove saved logins',
    usage: '',
    load: async () => (await import('./auth.js')).registerAuth,
  },
  update: {
    summary: "change a video's metadata; every field you do not name stays exactly as it is",
    usage: '[options] [video-id]',
    load: async () => (await import('./update.js')).registerUpdate,
  },
  thumbnail: {
    summary: "set a video's custom thumbnail (JPEG or PNG, at most 2 MB)",
    usage: '[options] <video-id> [file]',
    load: async () => (await import('./thumbnail.js')).registerThumbnail,
  },
  status: {
    summary: 'upload and processing status of a video',
    usage: '[options] [video-id]',
    load: async () => (await import('./status.js')).registerStatus,
  },
  playlist: {
    summary: 'list your playlists, add a video to one',
    usage: '',
    load: async () => (await import('./playlist.js')).registerPlaylist,
  },
  categories: {
    summary: 'list video categories (the ids `vupload upload --category` takes)',
    usage: '[options]',
    load: async () => (await import('./categories.js')).registerCategories,
  },
  watch: {
    summary: 'upload every video that appears in folders, once it is complete; runs until stopped',
    usage: '[options] <dirs...>',
    load: async () => (await import('./watch.js')).registerWatch,
  },
  history: {
    summary: 'list past uploads (from the journal in the state directory, or the --state-url database)',
    usage: '[options]',
    load: async () => (await import('./history.js')).registerHistory,
  },
  quota: {
    summary: 'quota units spent and left today per profile, and when the quota resets',
    usage: '[options]',
    load: async () => (await import('./quota.js')).registerQuota,
  },
  state: {
    summary: 'the state database several machines share (--state-url): migrate, import, export',
    usage: '',
    load: async () => (await import('./state.js')).registerState,
  },
  sandbox: {
    summary:
      'run a local emulator of the YouTube API and Google OAuth on 127.0.0.1 (no Google account needed)',
    usage: '[options]',
    load: async () => (await import('./sandbox.js')).registerSandbox,
  },
  completion: {
    summary: 'print a shell completion script (bash, zsh or fish)',
    usage: '<shell>',
    load: async () => (await import('./completion.js')).registerCompletion,
  },
} satisfies Record<string, CommandEntry>;

export type CommandName = keyof typeof COMMANDS;

/** The entry of a command word, or undefined for anything else (an option, a file name, `help`). */
export function commandEntry(word: string | undefined): CommandEntry | undefined {
  return word !== undefined && Object.hasOwn(COMMANDS, word) ? COMMANDS[word as CommandName] : undefined;
}
