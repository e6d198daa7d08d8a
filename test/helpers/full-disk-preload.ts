// This file, preloaded with `node --import`, makes the paths in VUPLOAD_TEST_FULL (':'-separated files or folders)
// behave like a full file system: data written there fails with ENOSPC.
//
// A real small file system (a tmpfs) needs privileges CI does not have. On a full disk, creating a name, renaming,
// linking and unlinking usually still work (they need no data block), while every write of data fails; through an
// open descriptor the kernel's error names no file. So: write(), writev() and a FileHandle's write, writev,
// writeFile and appendFile fail on descriptors opened for writing under those paths, as do writeFile, appendFile
// and copyFile naming them; everything else, and every other path, is untouched.
import fs, { constants } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const roots = (process.env.VUPLOAD_TEST_FULL ?? '')
  .split(':')
  .filter(Boolean)
  .map((p) => resolve(p));
const writeFlags =
  constants.O_WRONLY | constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND;

function pathOf(value: unknown): string | undefined {
  if (typeof value === 'string') return resolve(value);
  if (value instanceof URL) return fileURLToPath(value);
  return undefined;
}

const under = (value: unknown): boolean => {
  const path = pathOf(value);
  return path !== undefined && roots.some((root) => path === root || path.startsWith(`${root}/`));
};
const writes = (flags: unknown) =>
  typeof flags === 'number' ? (flags & writeFlags) !== 0 : /[wa+]/.test(String(flags ?? 'r'));

/** The kernel's answer to a write on a full disk, through a descriptor: no path. */
const enospc = (syscall: string) =>
  Object.assign(new Error(`ENOSPC: no space left on device, ${syscall}`), {
    code: 'ENOSPC',
    errno: -28,
    syscall,
  });

type AnyFn = (...args: unknown[]) => unknown;
const fullFds = new Set<number>();
const fullHandles = new WeakSet<object>();

function callbackOf(args: unknown[]): AnyFn | undefined {
  return args.findLast((a) => typeof a === 'function') as AnyFn | undefined;
}

function patchFs(): void {
  const target = fs as unknown as Record<string, AnyFn>;
  const open = target.open!;
  target.open = function patched(this: unknown, ...args: unknown[]) {
    const callback = callbackOf(args);
    if (!callback || !under(args[0]) || !writes(args[1])) return open.apply(this, args);
    const rest = args.slice(0, args.indexOf(callback));
    return open.call(this, ...rest, (error: unknown, fd: number) => {
      if (!error) fullFds.add(fd);
      callback(error, fd);
    });
  };
  const openSync = target.openSync!;
  target.openSync = function patched(this: unknown, ...args: unknown[]) {
    const fd = openSync.apply(this, args) as number;
    if (under(args[0]) && writes(args[1])) fullFds.add(fd);
    return fd;
  };
  for (const name of ['close', 'closeSync']) {
    const original = target[name]!;
    target[name] = function patched(this: unknown, ...args: unknown[]) {
      fullFds.delete(args[0] as number); // the number may be reused for another file
      return original.apply(this, args);
    };
  }
  for (const name of ['write', 'writev']) {
    const original = target[name]!;
    target[name] = function patched(this: unknown, ...args: unknown[]) {
      if (!fullFds.has(args[0] as number)) return original.apply(this, args);
      const callback = callbackOf(args);
      process.nextTick(() => callback?.(enospc('write')));
      return undefined;
    };
    const sync = target[`${name}Sync`]!;
    target[`${name}Sync`] = function patched(this: unknown, ...args: unknown[]) {
      if (fullFds.has(args[0] as number)) throw enospc('write');
      return sync.apply(this, args);
    };
  }
  // Writes by path (and a copy into the full place) open and write in one call.
  for (const name of ['writeFile', 'appendFile', 'copyFile']) {
    const at = name === 'copyFile' ? 1 : 0;
    const original = target[name]!;
    target[name] = function patched(this: unknown, ...args: unknown[]) {
      if (!under(args[at])) return original.apply(this, args);
      const callback = callbackOf(args);
      process.nextTick(() => callback?.(enospc('write')));
      return undefined;
    };
    const sync = target[`${name}Sync`]!;
    target[`${name}Sync`] = function patched(this: unknown, ...args: unknown[]) {
      if (under(args[at])) throw enospc('write');
      return sync.apply(this, args);
    };
  }
}

async function patchPromises(): Promise<void> {
  const promises = fs.promises as unknown as Record<string, AnyFn>;
  const open = promises.open!;
  promises.open = async function patched(this: unknown, ...args: unknown[]) {
    const handle = (await open.apply(this, args)) as object;
    if (under(args[0]) && writes(args[1])) fullHandles.add(handle);
    return handle;
  };
  for (const name of ['writeFile', 'appendFile', 'copyFile']) {
    const at = name === 'copyFile' ? 1 : 0;
    const original = promises[name]!;
    promises[name] = function patched(this: unknown, ...args: unknown[]) {
      if (fullHandles.has(args[0] as object) || under(args[at])) return Promise.reject(enospc('write'));
      return original.apply(this, args);
    };
  }
  // FileHandle is not exported: its prototype is taken from a handle.
  const probe = await open(process.execPath, 'r');
  const proto = Object.getPrototypeOf(probe) as Record<string, AnyFn>;
  await (probe as unknown as { close(): Promise<void> }).close();
  for (const name of ['write', 'writev', 'writeFile', 'appendFile']) {
    const original = proto[name]!;
    proto[name] = function patched(this: object, ...args: unknown[]) {
      if (fullHandles.has(this)) return Promise.reject(enospc('write'));
      return original.apply(this, args);
    };
  }
}

if (roots.length > 0) {
  patchFs();
  await patchPromises();
  // ESM imports of node:fs and node:fs/promises are bindings to the CommonJS object: make them see the wrappers.
  syncBuiltinESMExports();
}
