// This file holds the one way vupload writes state (temp file, fsync, rename, 0600) and its rules for directories.
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { usageError } from './errors.js';
import { naming } from './fs-errors.js';

/**
 * Creates `dir` (and missing parents) with mode 0700. A directory that already exists is left as it is: a state
 * directory the user chose may be shared on purpose (mode 2775), and chmod would strip its setgid bit.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await makeDirs(resolve(dir), 0o700);
}

/**
 * `mkdir -p` that ends. Node's `mkdir(…, { recursive: true })` (20 and 24, sync and async) loops for ever, at full
 * CPU and deaf to SIGTERM, where a parent exists but cannot hold a child: under /proc, mkdir answers ENOENT, the
 * parent EEXIST, and it tries the child again (issue 29: VUPLOAD_STATE_DIR=/proc/self). Here each folder is tried
 * at most twice: after its parent was made (or found), a second ENOENT is the answer.
 */
async function makeDirs(dir: string, mode: number): Promise<void> {
  try {
    await mkdir(dir, { mode });
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && (await isDirectory(dir))) return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
  }
  await makeDirs(dirname(dir), mode);
  try {
    await mkdir(dir, { mode });
  } catch (error) {
    // Another process made it meanwhile.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !(await isDirectory(dir))) throw error;
  }
}

const isDirectory = (path: string): Promise<boolean> =>
  stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );

/**
 * Tightens vupload's own subdirectory (tokens/) to owner-only access when it was found readable by others; the
 * setgid and sticky bits are kept. Best effort: a directory we cannot chmod still works.
 */
export async function tightenOwnDir(dir: string): Promise<void> {
  try {
    const info = await stat(dir);
    if ((info.mode & 0o077) !== 0) await chmod(dir, info.mode & 0o7700);
  } catch {
    // Missing or not ours: the checks of assertPrivateDir decide whether it may be used.
  }
}

/**
 * Refuses, as ssh does (StrictModes), a directory that other users could plant files in: writable by group or
 * others, or owned by another user than this one (or root). A missing directory passes: vupload creates it 0700.
 */
export async function assertPrivateDir(dir: string, what: string): Promise<void> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!info.isDirectory()) throw usageError(`the ${what} ${dir} is not a directory.`);
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid && info.uid !== 0) {
    throw usageError(
      `the ${what} ${dir} belongs to another user (uid ${info.uid}); vupload does not trust logins or client ` +
        'secrets another user could have put there.',
      `Fix: point VUPLOAD_CONFIG_DIR at a directory of your own, or take this one over: sudo chown -R "$(id -un)" ${shellQuote(dir)}`,
    );
  }
  if ((info.mode & 0o022) !== 0) {
    const mode = (info.mode & 0o7777).toString(8).padStart(4, '0');
    throw usageError(
      `the ${what} ${dir} can be written by other users (mode ${mode}); another user could plant logins or ` +
        'client secrets there.',
      `Fix: chmod 700 ${shellQuote(dir)}`,
    );
  }
}

/** `text` as one word for a POSIX shell, for fixes the user can paste. */
function shellQuote(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * Writes `data` to `file` atomically with mode 0600 (default): readers see the old file or the new one, never half.
 * A missing parent directory is created 0700; an existing one is left as it is.
 */
export async function writePrivateFile(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  await ensurePrivateDir(dirname(file));
  // Loaded on first use: start-up (`--help`) should not pay for it.
  const { default: writeFileAtomic } = await import('write-file-atomic');
  // Its writes go through a descriptor, whose errors (a full disk) name no file: `file` is named.
  await naming(file, () => writeFileAtomic(file, data, { mode, fsync: true }));
  // Tighten a file that existed with looser bits, whatever the umask did.
  const info = await stat(file);
  if ((info.mode & 0o777) !== mode) await chmod(file, mode);
}

export async function writePrivateJson(file: string, value: unknown): Promise<void> {
  await writePrivateFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
