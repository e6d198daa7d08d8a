// This file lets video ids that start with "-" through commander, which would read `-x5Vn3Qe8cY` as options.
import type { Command } from 'commander';
import { usageError } from '../errors.js';
import { commandIndex } from './program.js';

/** YouTube video ids: 11 characters of [A-Za-z0-9_-], so about one in 32 starts with "-". */
const DASH_ID = /^-[A-Za-z0-9_-]{10}$/;

/** Commands whose first positional argument is a video id, and the words before it. */
const ID_POSITIONS: Record<string, string[]> = {
  update: [],
  thumbnail: [],
  status: [],
  playlist: ['add'],
};

/** Every option name vupload knows, in any command: such a token is an option (or a typo of one), not an id. */
function allOptionNames(command: Command, names = new Set<string>()): Set<string> {
  for (const option of command.options) {
    if (option.long) names.add(option.long);
    if (option.short) names.add(option.short);
  }
  for (const sub of command.commands) allOptionNames(sub, names);
  return names;
}

/**
 * Rewrites a video id given where the id belongs (right after `status`, `update`, `thumbnail`, `playlist add`)
 * into `--video-id=ID` when it starts with "-". Scripts can pass ids as they come: `vupload status "$id"`.
 * `fullProgram` (every command loaded) is built only to tell such a token from an option.
 */
export async function escapeVideoIds(argv: string[], fullProgram: () => Promise<Command>): Promise<string[]> {
  const index = commandIndex(argv);
  const name = argv[index];
  const words = name === undefined ? undefined : ID_POSITIONS[name];
  if (name === undefined || words === undefined) return argv;
  const idAt = index + 1 + words.length;
  if (words.some((word, i) => argv[index + 1 + i] !== word)) return argv;
  const token = argv[idAt];
  if (token === undefined || !DASH_ID.test(token)) return argv;
  if (allOptionNames(await fullProgram()).has(token)) return argv;
  return [...argv.slice(0, idAt), `--video-id=${token}`, ...argv.slice(idAt + 1)];
}

/** The video id from the argument, or from `--video-id` (what escapeVideoIds writes). */
export function videoIdFrom(arg: string | undefined, options: { videoId?: string }): string {
  const id = options.videoId ?? arg;
  if (id === undefined) throw usageError('no video id given.', 'Give the id of the video, e.g. dQw4w9WgXcQ.');
  return id;
}
