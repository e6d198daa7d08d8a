// This file, preloaded with `node --import`, kills the process right before its k-th durable file-system change.
//
// Crash-ordering tests (STYLE.md, "Crash ordering") run the real vupload once with VUPLOAD_CRASH_TRACE=FILE to learn
// its mutating calls (one line each: `<n> <op> <path>`), then once per k with VUPLOAD_CRASH_AT=k, which sends
// SIGKILL to itself before call k runs, and re-run without it: the re-run must finish the job exactly once.
// VUPLOAD_CRASH_MATCH=REGEX counts only calls whose `<op> <path>` matches (e.g. the state directory).
// Writes through an already open handle are not counted: what a killed process wrote is in the page cache, so
// killing before the next change shows the same disk as killing right after the write.
import fs, { constants } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const trace = process.env.VUPLOAD_CRASH_TRACE;
const at = Number(process.env.VUPLOAD_CRASH_AT ?? 0);
const match = process.env.VUPLOAD_CRASH_MATCH ? new RegExp(process.env.VUPLOAD_CRASH_MATCH) : undefined;
let count = 0;
// Opened before patching, written with writeSync (not patched): the trace itself must not count.
const traceFd = trace ? fs.openSync(trace, 'a') : undefined;

const writeFlags = constants.O_WRONLY | constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC;
function opensForWrite(flags: unknown): boolean {
  if (typeof flags === 'number') return (flags & writeFlags) !== 0;
  return typeof flags === 'string' && /[wa+]/.test(flags);
}

/** Counts one durable change; kills the process before it when it is the chosen one. */
function before(op: string, path: unknown): void {
  const line = `${op} ${String(path)}`;
  if (match && !match.test(line)) return;
  count += 1;
  if (traceFd !== undefined) fs.writeSync(traceFd, `${count} ${line}\n`);
  if (count === at) process.kill(process.pid, 'SIGKILL');
}

type AnyFn = (...args: unknown[]) => unknown;
const PATH_OPS = ['rename', 'unlink', 'link', 'symlink', 'mkdir', 'rmdir', 'rm', 'copyFile', 'truncate'];
const WRITE_FILE_OPS = ['writeFile', 'appendFile'];

function wrap(
  target: Record<string, unknown>,
  name: string,
  op: string,
  counts: (args: unknown[]) => boolean,
) {
  const original = target[name] as AnyFn | undefined;
  if (typeof original !== 'function') return;
  target[name] = function patched(this: unknown, ...args: unknown[]) {
    if (counts(args))
      before(
        op,
        name === 'rename' || name === 'link' || name === 'copyFile' ? `${args[0]} -> ${args[1]}` : args[0],
      );
    return original.apply(this, args);
  };
}

function patch(target: Record<string, unknown>, suffix: string): void {
  for (const name of PATH_OPS) wrap(target, `${name}${suffix}`, name, () => true);
  // A write through a path (not a numeric descriptor or a FileHandle) opens, and so may create, the file.
  for (const name of WRITE_FILE_OPS)
    wrap(target, `${name}${suffix}`, name, (args) => typeof args[0] === 'string' || args[0] instanceof URL);
  wrap(target, `open${suffix}`, 'open', (args) => opensForWrite(args[1]));
}

if (trace || at > 0) {
  patch(fs as unknown as Record<string, unknown>, '');
  patch(fs as unknown as Record<string, unknown>, 'Sync');
  patch(fs.promises as unknown as Record<string, unknown>, '');
  // ESM imports of node:fs and node:fs/promises are bindings to the CommonJS object: make them see the wrappers.
  syncBuiltinESMExports();
}
