// This file holds the one way vupload writes state: to a temp file, fsynced, then renamed, in a 0700 directory.
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Creates `dir` (and parents) with mode 0700, and tightens it if it already exists with looser bits. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await stat(dir);
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/**
 * Writes `data` to `file` atomically with mode 0600 (default): readers see the old file or the new one, never half.
 * The parent directory is created private.
 */
export async function writePrivateFile(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  await ensurePrivateDir(dirname(file));
  // Loaded on first use: start-up (`--help`) should not pay for it.
  const { default: writeFileAtomic } = await import('write-file-atomic');
  await writeFileAtomic(file, data, { mode, fsync: true });
  // Tighten a file that existed with looser bits, whatever the umask did.
  const info = await stat(file);
  if ((info.mode & 0o777) !== mode) await chmod(file, mode);
}

export async function writePrivateJson(file: string, value: unknown): Promise<void> {
  await writePrivateFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
