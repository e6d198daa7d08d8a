// This file runs the vupload program and is the only place that sets the exit status.
import { setTimeout as delay } from 'node:timers/promises';
import { CommanderError } from 'commander';
import { ExitCode, errorJson, isVuploadError } from '../errors.js';
import { localFileError } from '../fs-errors.js';
import { asProxyError } from '../net/proxy-errors.js';
import type { CliContext } from './context.js';
import { importOpen } from './esm-imports.cjs';
import { stopAllSpinners } from './output.js';
import { buildProgram, commandToRun } from './program.js';
import { closeStateStore } from './state.js';
import { forTerminal, localeIsUtf8 } from './terminal.js';
import { fromCommander } from './usage-errors.js';
import { escapeVideoIds } from './video-id.js';

export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const name = commandToRun(argv);
  const flags = { verbose: argv.includes('--verbose'), json: argv.includes('--json') };
  // Commands that finish without throwing may still set process.exitCode (e.g. a step after an upload failed).
  process.exitCode = undefined;
  try {
    const program = await buildProgram(ctx, (command) => command === name);
    await program.parseAsync(await escapeVideoIds(argv, () => buildProgram(ctx)), { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    return reportError(await fromCommander(error), ctx, flags);
  } finally {
    process.exitCode = undefined;
    await closeStateStore(ctx);
  }
}

/**
 * Prints a failure for humans on stderr and, with --json, as the last line of stdout:
 * `{"error":{"code","message","exitCode","hint"?}}` (docs/output.md "JSON output"). Returns the exit code.
 */
export function reportError(
  error: unknown,
  ctx: CliContext,
  flags: { verbose?: boolean; json?: boolean } = {},
): number {
  stopAllSpinners();
  const verbose = Boolean(flags.verbose);
  // Help and version are "errors" for commander; the text is already printed. Its failures reach here as
  // usage errors (usage-errors.ts).
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  // A context without env (a test's) counts as no UTF-8 locale.
  const write = (text: string) => ctx.stderr.write(forTerminal(text, localeIsUtf8(ctx.env ?? {})));
  if (isVuploadError(error)) {
    write(`vupload: ${error.message}\n`);
    if (error.hint) write(`${error.hint}\n`);
    if (flags.json) ctx.stdout.write(`${JSON.stringify({ error: errorJson(error) })}\n`);
    if (verbose) {
      if (error.http) ctx.stderr.write(`details: ${JSON.stringify(error.http)}\n`);
      if (error.stack) ctx.stderr.write(`${error.stack}\n`);
      if (error.cause instanceof Error && error.cause.stack)
        ctx.stderr.write(`cause: ${error.cause.stack}\n`);
    }
    return error.exitCode;
  }
  const local = localFileError(error);
  if (local) return reportError(local, ctx, flags);
  // A proxy's failure that no mapping met on its way (a Youku status call): named as the proxy's.
  const proxy = asProxyError(error);
  if (proxy) return reportError(proxy, ctx, flags);
  const message = error instanceof Error ? error.message : String(error);
  write(`vupload: unexpected error: ${message}\n`);
  if (flags.json) ctx.stdout.write(`${JSON.stringify({ error: errorJson(error) })}\n`);
  if (verbose && error instanceof Error && error.stack) ctx.stderr.write(`${error.stack}\n`);
  else ctx.stderr.write('Run again with --verbose for details.\n');
  return ExitCode.api;
}

/**
 * A reader that went away (`vupload … 2>&1 | head -2`) must not cost the upload: a failed write to stderr is
 * dropped, and so is one to stdout when its reader closed the pipe (EPIPE). Any other stdout failure (a full
 * disk) means a script did not get its result: main() turns a success into exit 1 then.
 */
function survivePipeErrors(): { stdoutFailure(): string | undefined } {
  let failure: string | undefined;
  process.stderr.on('error', () => {});
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') failure ??= error.code ?? error.message;
  });
  return { stdoutFailure: () => failure };
}

function processContext(): CliContext {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (name: 'SIGINT' | 'SIGTERM') => () => {
    interrupts++;
    // A second Ctrl-C means "now": the session state is already on disk.
    if (interrupts > 1) process.exit(name === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm);
    controller.abort(name);
  };
  process.on('SIGINT', onSignal('SIGINT'));
  process.on('SIGTERM', onSignal('SIGTERM'));
  return {
    env: process.env,
    cwd: process.cwd(),
    // Created on first use: most runs never read stdin, and making the stream costs a few ms of start-up.
    get stdin() {
      return process.stdin;
    },
    stdinPipe: async () => (await import('../upload/stream-input.js')).pipeSource(0),
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
    now: () => Date.now(),
    sleep: (ms, signal) => delay(ms, undefined, { signal }),
    random: Math.random,
    openUrl: async (url) => {
      const { default: open } = await importOpen();
      const opener = await open(url);
      // xdg-open and friends fail after they started (no browser installed): wait briefly for their verdict.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, 2000);
        opener.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        opener.once('exit', (code) => {
          clearTimeout(timer);
          if (code) reject(new Error(`${opener.spawnfile} exited with code ${code}`));
          else resolve();
        });
      });
    },
  };
}

/** The process entry point, called by bin/vupload.cjs (through the bundle). */
export async function main(): Promise<void> {
  const pipes = survivePipeErrors();
  const ctx = processContext();
  const code = await run(process.argv.slice(2), ctx);
  // Exit once stdout is flushed: results are written, keep-alive sockets or stdin must not hold the process.
  const exit = (): never => {
    const failure = pipes.stdoutFailure();
    if (failure && code === ExitCode.ok) {
      ctx.stderr.write(`vupload: the result could not be written to stdout (${failure}).\n`);
      process.exit(ExitCode.api);
    }
    process.exit(code);
  };
  // A write that failed (ENOSPC on a full disk or /dev/full) fails this one first, and its 'error' event, which
  // names the cause, comes a tick later: look once it has come.
  ctx.stdout.write('', (error) => (error ? setImmediate(exit) : exit()));
}
