// This file tells a failed file-system call from a network failure and words it as a local error naming the path.
import { ExitCode, VuploadError } from './errors.js';

/**
 * errno codes of sockets and name resolution: the request may not have reached the server, so re-running is the
 * answer (exit 5). An EPIPE or ECONNRESET that carries a `path` came from a file or a named pipe instead.
 */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENETRESET',
  'ENOTCONN',
  'EPIPE',
  'EPROTO',
  'EADDRNOTAVAIL',
]);

/** What the errno codes of file-system calls mean, in words (lower case, completing "could not … :"). */
const FS_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'file exists',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  ENOTEMPTY: 'directory not empty',
  EXDEV: 'not on the same file system',
  EMFILE: 'too many open files in this process',
  ENFILE: 'too many open files in the system',
  EBUSY: 'resource busy or locked',
  EIO: 'input/output error',
  EFBIG: 'file too large',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMLINK: 'too many links',
  ETXTBSY: 'text file busy',
  ESTALE: 'stale file handle',
};

/** Calls that only ever touch files (`read` and `write` are left out: sockets fail in them too). */
const FS_SYSCALLS = new Set([
  'open',
  'close',
  'rename',
  'link',
  'symlink',
  'unlink',
  'mkdir',
  'mkdtemp',
  'rmdir',
  'rm',
  'copyfile',
  'stat',
  'lstat',
  'fstat',
  'fsync',
  'fdatasync',
  'truncate',
  'ftruncate',
  'access',
  'chmod',
  'fchmod',
  'chown',
  'fchown',
  'utime',
  'futime',
  'scandir',
  'opendir',
  'readlink',
  'realpath',
]);

/** How each call is named in a message, with its path (and destination). */
const OPERATION: Readonly<Record<string, (path: string, dest?: string) => string>> = {
  open: (p) => `open ${p}`,
  rename: (p, d) => (d ? `move ${p} to ${d}` : `rename ${p}`),
  link: (p, d) => (d ? `link ${p} to ${d}` : `link ${p}`),
  copyfile: (p, d) => (d ? `copy ${p} to ${d}` : `copy ${p}`),
  unlink: (p) => `delete ${p}`,
  rm: (p) => `delete ${p}`,
  mkdir: (p) => `create the folder ${p}`,
  mkdtemp: (p) => `create a folder in ${p}`,
  rmdir: (p) => `remove the folder ${p}`,
  scandir: (p) => `list the folder ${p}`,
  opendir: (p) => `list the folder ${p}`,
  stat: (p) => `look at ${p}`,
  lstat: (p) => `look at ${p}`,
  access: (p) => `access ${p}`,
  read: (p) => `read ${p}`,
  write: (p) => `write to ${p}`,
  fsync: (p) => `save ${p} to disk`,
  fdatasync: (p) => `save ${p} to disk`,
  fstat: (p) => `look at ${p}`,
  close: (p) => `close ${p}`,
  chmod: (p) => `change the permissions of ${p}`,
  utime: (p) => `touch ${p}`,
  spawn: (p) => `run ${p}`,
};

export interface FileSystemFailure {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
}

type Rec = Record<string, unknown>;
const rec = (value: unknown): Rec | undefined =>
  typeof value === 'object' && value !== null ? (value as Rec) : undefined;
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * The failed file-system call inside `error` (or its causes), or undefined when it is something else, such as a
 * network failure. A file call is one that names a `path`, has a file-system errno code, or was a call only files
 * have (rename, link, mkdir …).
 */
export function fileSystemFailure(error: unknown): FileSystemFailure | undefined {
  return find(error)?.failure;
}

function find(error: unknown): { failure: FileSystemFailure; source: unknown } | undefined {
  let found: { failure: FileSystemFailure; source: unknown } | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++, current = rec(current)?.cause) {
    const e = rec(current);
    const code = str(e?.code);
    if (!code || !/^E[A-Z_]+$/.test(code)) continue;
    const path = str(e?.path);
    const syscall = str(e?.syscall);
    if (NETWORK_CODES.has(code) && path === undefined) return found;
    const local =
      path !== undefined ||
      FS_TEXT[code] !== undefined ||
      (syscall !== undefined && FS_SYSCALLS.has(syscall));
    if (!local) continue;
    const failure: FileSystemFailure = { code };
    if (syscall) failure.syscall = syscall;
    if (path) failure.path = path;
    const dest = str(e?.dest);
    if (dest) failure.dest = dest;
    // A wrapper may copy the code without the path: the cause that names the path describes it best.
    if (!found || (found.failure.path === undefined && path !== undefined))
      found = { failure, source: current };
    if (path !== undefined) return found;
  }
  return found;
}

/**
 * Runs `fn`, which works on the file `path`; an errno error it throws without a path gets `path`. Calls through an
 * open descriptor (write, fsync, fstat) fail with the kernel's error alone, which would be reported as "Could not
 * write: no space left on the device" without saying where (issue 29).
 */
export async function naming<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const e = rec(error);
    const code = str(e?.code);
    if (e && code && /^E[A-Z_]+$/.test(code) && str(e.path) === undefined) e.path = path;
    throw error;
  }
}

function hintFor(code: string): string | undefined {
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return 'Free some space there, then run the same command again.';
  if (code === 'EACCES' || code === 'EPERM') return 'Check the permissions of that path.';
  if (code === 'EROFS') return 'That file system is mounted read-only.';
  if (code === 'EMFILE' || code === 'ENFILE') return 'Close some programs or raise the limit (ulimit -n).';
  return undefined;
}

/**
 * A failed file-system call as vupload's error: exit 1, the operation and the path in the message, the errno code
 * and the call in brackets, e.g. `Could not move a.mp4 to done/a.mp4: file exists (EEXIST, rename).`. Nothing in it
 * speaks of the network: re-running does not help until the file system is fixed. Undefined for anything else.
 */
export function localFileError(error: unknown): VuploadError | undefined {
  const found = find(error);
  if (!found) return undefined;
  const { code, syscall, path, dest } = found.failure;
  // `spawn xdg-open` names its program in the call: the first word is the call.
  const name = syscall ? OPERATION[syscall.split(' ')[0]!] : undefined;
  const operation = path
    ? (name?.(path, dest) ?? `${syscall ?? 'use'} ${path}${dest ? ` and ${dest}` : ''}`)
    : `${syscall ?? 'complete a file operation'}`;
  const text = FS_TEXT[code] ?? 'the file system refused it';
  const message = `Could not ${operation}: ${text} (${code}${syscall ? `, ${syscall}` : ''}).`;
  return new VuploadError('fileSystem', ExitCode.api, message, {
    hint: hintFor(code),
    // The errno error itself, not what wrapped it (a wrapper such as a gaxios error may hold request headers).
    cause: found.source instanceof Error ? found.source : undefined,
  });
}
