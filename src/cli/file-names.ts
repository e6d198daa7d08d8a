// This file explains a file name vupload cannot open because it is not UTF-8, naming the real file when it can.
import { readdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

/**
 * Node.js decodes the command line (and manifests are read) as UTF-8: bytes that are not valid UTF-8 become
 * U+FFFD "�" before vupload sees the name, so the file cannot be opened by that name. The bytes could be found
 * again (in /proc/self/cmdline on Linux, or by matching the folder's entries read as Buffers), but opening,
 * journaling, moving and naming the file would then need Buffer paths through the engine, the journal and
 * --move-to. Instead such a name is reported precisely: the entries of its folder that read the same way, quoted
 * for the shell, and how to rename them.
 */
export const REPLACEMENT = '\uFFFD';

/** The entries of `path`'s folder whose names, decoded as UTF-8 with replacement, read exactly as `path`'s name. */
export async function nonUtf8Matches(path: string): Promise<Buffer[]> {
  const name = basename(path);
  if (!name.includes(REPLACEMENT)) return [];
  const entries = await readdir(dirname(path), { encoding: 'buffer' }).catch(() => [] as Buffer[]);
  return entries.filter((raw) => raw.toString('utf8') === name && !raw.equals(Buffer.from(name)));
}

/** A file name as a bash/zsh `$'…'` word: printable ASCII as is, any other byte as \xNN. */
export function shellQuoteBytes(raw: Buffer): string {
  let text = '';
  for (const byte of raw) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x27 && byte !== 0x5c;
    text += printable ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return `$'${text}'`;
}

/** Problem and hint for a missing `path` whose name holds U+FFFD; undefined when the name has none. */
export async function describeNonUtf8Name(
  path: string,
): Promise<{ problem: string; hint: string } | undefined> {
  if (!path.includes(REPLACEMENT)) return undefined;
  const matches = await nonUtf8Matches(path);
  const why = `the name holds bytes that are not UTF-8 (shown as ${REPLACEMENT}), which Node.js replaces before vupload sees them`;
  if (matches.length === 0) {
    return {
      problem: `no such file; ${why}, so vupload can only open files whose path is UTF-8`,
      hint: 'Rename the file (or its folder) to a UTF-8 name, e.g. with convmv.',
    };
  }
  const quoted = matches.map(shellQuoteBytes);
  const suggestion = basename(path).replaceAll(REPLACEMENT, '_');
  return {
    problem: `${why}, so it cannot open ${quoted.join(' or ')} in ${dirname(path)}`,
    hint: `Give it a UTF-8 name, e.g. mv ${quoted[0]} '${suggestion.replaceAll("'", "'\\''")}' (convmv renames whole folders).`,
  };
}
