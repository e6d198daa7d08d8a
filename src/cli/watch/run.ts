// This file is `vupload watch`: it scans folders until stopped and hands each settled file to the upload job
// (src/cli/upload/run.ts), so every guarantee of `vupload upload` holds for it: lock, journal, quota, resume, steps.
import { watch as watchFolder } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { ExitCode, isVuploadError, usageError, type VuploadError } from '../../errors.js';
import type { Provider } from '../../providers/contract.js';
import { preparePlan, refuseUnsupported } from '../../providers/flags.js';
import { compilePattern, DEFAULT_PATTERN, scanFolders } from '../../unattended/folder-scan.js';
import { parseDuration, retryAfterFailure, SettleTracker } from '../../unattended/settle.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { formatDuration } from '../format.js';
import { parseIntegerOption } from '../options.js';
import { Output } from '../output.js';
import { stateStore } from '../state.js';
import type { UploadFlags } from '../upload/prepare.js';
import { applyTemplates, type JobFlags, jobOptions } from '../upload/queue.js';
import { runUploadJob } from '../upload/run.js';

/** `300ms`, `30s`, `2m05s`: --settle values are often below a second. */
const duration = (ms: number): string => (ms < 1000 ? `${ms}ms` : formatDuration(ms / 1000));

/** Until a minute past the provider's next quota day (YouTube: midnight Pacific time); an hour without one. */
function untilQuotaReset(provider: Provider, now: number): number {
  if (provider.quota.kind !== 'units') return 3_600_000;
  return provider.quota.resetAt(new Date(now)).getTime() + 60_000 - now;
}

export interface WatchFlags {
  settle?: string;
  pattern?: string;
}

/** Checks the folders (exit 2 before anything is watched): existing directories, none of them the --move-to one. */
async function checkFolders(dirs: string[], cwd: string, moveTo: string | undefined): Promise<string[]> {
  const folders: string[] = [];
  for (const dir of dirs) {
    const path = resolve(cwd, dir);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory())
      throw usageError(`${dir}: not a folder.`, 'vupload watch takes folders to watch.');
    if (moveTo !== undefined && resolve(moveTo) === path)
      throw usageError(`--move-to ${moveTo} is a watched folder: uploaded files would come back.`);
    folders.push(path);
  }
  return folders;
}

export async function runWatch(
  dirs: string[],
  flags: UploadFlags & JobFlags & WatchFlags,
  globals: GlobalOptions,
  ctx: CliContext,
  provider: Provider,
): Promise<number> {
  if (flags.dryRun)
    throw usageError(
      '--dry-run: vupload watch sends as files settle; try `vupload upload DIR/*.mp4 --dry-run`.',
    );
  const job = jobOptions(flags, ctx);
  const settleMs = parseDuration(flags.settle ?? '30s', '--settle');
  const matches = compilePattern(flags.pattern ?? DEFAULT_PATTERN);
  const concurrency = parseIntegerOption('--concurrency', flags.concurrency ?? '1', 1, 64);
  const folders = await checkFolders(dirs, ctx.cwd, job.moveTo);
  const { settle: _settle, pattern: _pattern, ...uploadFlags } = flags;
  // A flag the provider does not honour is refused now (exit 2), not at each file that settles.
  refuseUnsupported(uploadFlags, provider.uploadFlags, provider.name);
  const out = await Output.create(ctx, globals);
  // Each upload's result is printed by its job, under its lock: a file found already uploaded is printed only when
  // the watcher that uploaded it was stopped before printing it.
  job.report = (outcome) => (globals.json ? out.resultJson(outcome) : out.result(outcome.id));
  const { preflightHousekeeping } = await import('../../unattended/housekeeping.js');
  const checkHousekeeping = await preflightHousekeeping(job, ctx.env);
  const logFile = flags.logFile !== undefined ? resolve(ctx.cwd, flags.logFile) : undefined;
  let log: import('../../unattended/log-file.js').LogFile | undefined;
  if (logFile !== undefined) {
    const { checkLogFile, LogFile } = await import('../../unattended/log-file.js');
    await checkLogFile(logFile, ctx.env);
    // A log that cannot be written is warned about; the watcher goes on (issue 29).
    log = await LogFile.open(logFile, { now: ctx.now, warn: (message) => out.warn(message) });
  }
  if (log) job.log = log;
  const event = (message: string, error = false) => {
    if (error) out.error(message);
    else out.info(message);
    void log?.write(message);
  };
  const tracker = new SettleTracker(settleMs);
  const running = new Set<Promise<void>>();
  let index = 0;
  const saidOpen = new Set<string>();

  const handle = async (path: string, position: number): Promise<void> => {
    const name = basename(path);
    tracker.start(path);
    try {
      const itemFlags = await applyTemplates(uploadFlags, path, position).catch((error: unknown) => {
        if (isVuploadError(error)) throw error;
        return uploadFlags;
      });
      const plan = await preparePlan(provider, path, itemFlags, {
        cwd: ctx.cwd,
        now: ctx.now(),
        flag: 'file',
        env: ctx.env,
        clientSecrets: globals.clientSecrets,
      });
      await checkHousekeeping(plan.file);
      // A file that changed is new content: a session kept for what it held before is asked, then dropped.
      plan.changedIsNew = true;
      const { failure } = await runUploadJob(plan, provider, ctx, globals, out, job);
      if (failure) throw failure;
      tracker.done(path);
    } catch (error) {
      if (ctx.signal.aborted) return;
      settleFailure(path, name, error);
    }
  };

  const settleFailure = (path: string, name: string, error: unknown) => {
    const e = error as VuploadError & NodeJS.ErrnoException;
    const now = ctx.now();
    stat(path).then(
      () => {
        if (isVuploadError(e) && e.code === 'locked') {
          tracker.later(path, now, Math.max(settleMs, 1000));
          event(`${name}: another vupload is working on it; looking again later.`);
        } else if (isVuploadError(e) && e.code === 'fileChanged') {
          // Appended to or rewritten while it was sent: its new content goes once it settles (issue 29).
          tracker.changed(path, now);
          event(
            `${name}: ${e.message}. Its new content is uploaded once it has not changed for ${duration(settleMs)}.`,
          );
        } else if (isVuploadError(e) && e.exitCode === ExitCode.usage) {
          // The file itself is the problem: looked at again once it changes.
          tracker.done(path);
          event(`vupload: ${name}: ${e.message} (looked at again when it changes)`, true);
        } else {
          const failures = tracker.failures(path) + 1;
          let delay = retryAfterFailure(failures, settleMs, ctx.random);
          // The day's quota is spent (--on-quota fail): nothing can go before it resets.
          if (isVuploadError(e) && e.code === 'quotaExceeded')
            delay = Math.max(delay, untilQuotaReset(provider, now));
          tracker.failed(path, now, delay);
          event(
            `vupload: ${name}: ${e.message.replace(/\.?$/, '.')} Trying again in ${duration(delay)}.`,
            true,
          );
        }
      },
      () => {
        tracker.done(path);
        event(`${name} is gone; nothing more to do for it.`);
      },
    );
  };

  const startReady = async (now: number) => {
    const ready = tracker.ready(now).slice(0, concurrency - tracker.running);
    if (ready.length === 0) return;
    const { findOpenWriters } = await import('../../unattended/open-writers.js');
    const real = new Map<string, string>();
    for (const path of ready) real.set(await realpath(path).catch(() => path), path);
    const { writers } = await findOpenWriters([...real.keys()]);
    for (const [target, path] of real) {
      const pid = writers.get(target);
      if (pid !== undefined) {
        tracker.restart(path, now);
        if (!saidOpen.has(path)) event(`${basename(path)} is still open for writing (pid ${pid}); waiting.`);
        saidOpen.add(path);
        continue;
      }
      saidOpen.delete(path);
      index += 1;
      const task = handle(path, index - 1).finally(() => running.delete(task));
      running.add(task);
    }
  };

  const tickMs = Math.min(5000, Math.max(50, Math.round(settleMs / 4)));
  let wake: (() => void) | undefined;
  // fs.watch only wakes the scan early; the scan is the truth (network mounts send no events).
  const watchers = folders.map((dir) => {
    try {
      return watchFolder(dir, { persistent: false }, () => wake?.());
    } catch {
      return undefined;
    }
  });
  for (const w of watchers) w?.on('error', () => {});
  // Files a killed watcher was moving or deleting are put back first: they are hidden from the scan meanwhile.
  const { restoreHeldIn } = await import('../../unattended/held-file.js');
  const locks = async () => (await stateStore(ctx, globals, out)).locks;
  for (const dir of folders) {
    const restored = await restoreHeldIn(dir, locks).catch((error: Error) => {
      event(`vupload: files set aside in ${dir} could not be put back (${error.message}).`, true);
      return [];
    });
    for (const path of restored)
      event(`Put ${basename(path)} back: a vupload stopped while moving or deleting it had set it aside.`);
  }
  event(
    `Watching ${folders.join(', ')} for ${flags.pattern ?? DEFAULT_PATTERN} (a file is uploaded once unchanged for ${duration(settleMs)}).`,
  );
  // Whether an upload was running when the signal came: by the time the loop wakes, it may have ended already.
  let uploadingAtStop = false;
  const atStop = () => {
    uploadingAtStop = running.size > 0;
  };
  ctx.signal.addEventListener('abort', atStop, { once: true });
  try {
    while (!ctx.signal.aborted) {
      const now = ctx.now();
      const entries = await scanFolders(folders, matches, (dir, error) =>
        event(`vupload: cannot read ${dir} (${error.code ?? error.message}); trying again.`, true),
      );
      for (const path of tracker.observe(entries, now))
        event(`Found ${basename(path)}; waiting for it to settle.`);
      await startReady(now);
      await new Promise<void>((done) => {
        const timer = setTimeout(finish, tickMs);
        function finish() {
          clearTimeout(timer);
          wake = undefined;
          ctx.signal.removeEventListener('abort', finish);
          done();
        }
        wake = finish;
        ctx.signal.addEventListener('abort', finish, { once: true });
      });
    }
    const reason = String(ctx.signal.reason);
    event(
      uploadingAtStop
        ? `Stopping (${reason}): no new uploads; the running upload keeps its session, so the next start resumes it.`
        : `Stopping (${reason}).`,
    );
    await Promise.allSettled([...running]);
    return reason === 'SIGINT' ? ExitCode.sigint : ExitCode.sigterm;
  } finally {
    ctx.signal.removeEventListener('abort', atStop);
    for (const w of watchers) w?.close();
    await log?.close();
  }
}
