// This file, preloaded with `node --import`, makes the directory VUPLOAD_TEST_READONLY behave like a read-only mount.
//
// Tests run as root here, and root writes through any mode bits, so `chmod 555` cannot make a config directory
// read-only. Every change under that path (open for writing, rename, unlink, mkdir of a new entry, chmod …) fails
// with EROFS, as it would on a read-only bind mount; reads and changes elsewhere are untouched.
import fs, { constants } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.VUPLOAD_TEST_READONLY ? resolve(process.env.VUPLOAD_TEST_READONLY) : undefined;
const writeFlags =
  constants.O_WRONLY | constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND;
const OPS = ['open', 'rename', 'unlink', 'link', 'symlink', 'mkdir', 'rmdir', 'rm', 'copyFile', 'truncate'];
const MORE_OPS = ['writeFile', 'appendFile', 'chmod', 'chown', 'utimes'];

function pathOf(value: unknown): string | undefined {
  if (typeof value === 'string') return resolve(value);
  if (value instanceof URL) return fileURLToPath(value);
  return undefined;
}

const under = (path: string | undefined): boolean =>
  root !== undefined && path !== undefined && (path === root || path.startsWith(`${root}/`));

/** Whether the call would change something under the read-only directory. */
function refused(name: string, args: unknown[]): string | undefined {
  const path = pathOf(args[0]);
  if (name === 'open') {
    const flags = args[1];
    const writes =
      typeof flags === 'number' ? (flags & writeFlags) !== 0 : /[wa+]/.test(String(flags ?? 'r'));
    return writes && under(path) ? path : undefined;
  }
  // mkdir of an existing directory answers EEXIST before EROFS (mkdir -p works on a read-only mount).
  if (name === 'mkdir' && path !== undefined && fs.existsSync(path)) return undefined;
  if (under(path)) return path;
  const target = name === 'rename' || name === 'link' || name === 'copyFile' ? pathOf(args[1]) : undefined;
  return under(target) ? target : undefined;
}

const erofs = (op: string, path: string) =>
  Object.assign(new Error(`EROFS: read-only file system, ${op} '${path}'`), {
    code: 'EROFS',
    errno: -30,
    syscall: op,
    path,
  });

type AnyFn = (...args: unknown[]) => unknown;

function patch(target: Record<string, unknown>, name: string, style: 'callback' | 'sync' | 'promise'): void {
  const op = name.replace(/Sync$/, '');
  const original = target[name] as AnyFn | undefined;
  if (typeof original !== 'function') return;
  target[name] = function patched(this: unknown, ...args: unknown[]) {
    const path = refused(op, args);
    if (path === undefined) return original.apply(this, args);
    const error = erofs(op, path);
    if (style === 'sync') throw error;
    if (style === 'promise') return Promise.reject(error);
    const callback = args.findLast((a) => typeof a === 'function') as AnyFn | undefined;
    process.nextTick(() => callback?.(error));
    return undefined;
  };
}

if (root) {
  for (const name of [...OPS, ...MORE_OPS]) {
    patch(fs as unknown as Record<string, unknown>, name, 'callback');
    patch(fs as unknown as Record<string, unknown>, `${name}Sync`, 'sync');
    patch(fs.promises as unknown as Record<string, unknown>, name, 'promise');
  }
  // ESM imports of node:fs and node:fs/promises are bindings to the CommonJS object: make them see the wrappers.
  syncBuiltinESMExports();
}
