// This file, preloaded with `node --import`, kills the process right before its k-th durable file-system change.
//
// Crash-ordering tests (STYLE.md, "Crash ordering") run the real vupload once with VUPLOAD_CRASH_TRACE=FILE to learn
// its mutating calls (one line each: `<n> <op> <path>`), then once per k with VUPLOAD_CRASH_AT=k, which sends
// SIGKILL to itself before call k runs, and re-run without it: the re-run must finish the job exactly once.
// VUPLOAD_CRASH_MATCH=REGEX counts only calls whose `<op> <path>` matches (e.g. the state directory).
// VUPLOAD_CRASH_ERRNO=ENOSPC makes call k fail with that error instead (a full disk, a read-only directory).
// Writes through an already open handle are not counted: what a killed process wrote is in the page cache, so
// killing before the next change shows the same disk as killing right after the write.
import fs, { constants } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const trace = process.env.VUPLOAD_CRASH_TRACE;
const at = Number(process.env.VUPLOAD_CRASH_AT ?? 0);
const match = process.env.VUPLOAD_CRASH_MATCH ? new RegExp(process.env.VUPLOAD_CRASH_MATCH) : undefined;
const errno = process.env.VUPLOAD_CRASH_ERRNO;
let count = 0;
// Opened before patching, written with writeSync (not patched): the trace itself must not count.
const traceFd = trace ? fs.openSync(trace, 'a') : undefined;

const writeFlags = constants.O_WRONLY | constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC;
function opensForWrite(flags: unknown): boolean {
  if (typeof flags === 'number') return (flags & writeFlags) !== 0;
  return typeof flags === 'string' && /[wa+]/.test(flags);
}

/** Counts one durable change; kills the process before it when it is the chosen one (or returns the error). */
function before(op: string, path: unknown): Error | undefined {
  const line = `${op} ${String(path)}`;
  if (match && !match.test(line)) return undefined;
  count += 1;
  if (traceFd !== undefined) fs.writeSync(traceFd, `${count} ${line}\n`);
  if (count !== at) return undefined;
  if (!errno) process.kill(process.pid, 'SIGKILL');
  return Object.assign(new Error(`${errno}: injected failure, ${op} '${String(path)}'`), {
    code: errno,
    errno: -28,
    syscall: op,
    path: String(path),
  });
}

type AnyFn = (...args: unknown[]) => unknown;
const PATH_OPS = ['rename', 'unlink', 'link', 'symlink', 'mkdir', 'rmdir', 'rm', 'copyFile', 'truncate'];
const WRITE_FILE_OPS = ['writeFile', 'appendFile'];

type Style = 'callback' | 'sync' | 'promise';

function wrap(
  target: Record<string, unknown>,
  name: string,
  op: string,
  style: Style,
  counts: (args: unknown[]) => boolean,
) {
  const original = target[name] as AnyFn | undefined;
  if (typeof original !== 'function') return;
  target[name] = function patched(this: unknown, ...args: unknown[]) {
    if (!counts(args)) return original.apply(this, args);
    const twoPaths = op === 'rename' || op === 'link' || op === 'copyFile';
    const failure = before(op, twoPaths ? `${args[0]} -> ${args[1]}` : args[0]);
    if (!failure) return original.apply(this, args);
    if (style === 'sync') throw failure;
    if (style === 'promise') return Promise.reject(failure);
    const callback = args.at(-1);
    if (typeof callback === 'function') process.nextTick(() => (callback as AnyFn)(failure));
    return undefined;
  };
}

function patch(target: Record<string, unknown>, suffix: string, style: Style): void {
  for (const op of PATH_OPS) wrap(target, `${op}${suffix}`, op, style, () => true);
  // A write through a path (not a numeric descriptor or a FileHandle) opens, and so may create, the file.
  for (const op of WRITE_FILE_OPS)
    wrap(
      target,
      `${op}${suffix}`,
      op,
      style,
      (args) => typeof args[0] === 'string' || args[0] instanceof URL,
    );
  wrap(target, `open${suffix}`, 'open', style, (args) => opensForWrite(args[1]));
}

if (trace || at > 0) {
  patch(fs as unknown as Record<string, unknown>, '', 'callback');
  patch(fs as unknown as Record<string, unknown>, 'Sync', 'sync');
  patch(fs.promises as unknown as Record<string, unknown>, '', 'promise');
  // ESM imports of node:fs and node:fs/promises are bindings to the CommonJS object: make them see the wrappers.
  syncBuiltinESMExports();
}
