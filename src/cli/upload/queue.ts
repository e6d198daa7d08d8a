// This file runs one or several uploads (files or a manifest): validation first, then jobs, then the output contract.
import { relative, resolve } from 'node:path';
import {
  type ErrorJson,
  ExitCode,
  errorJson,
  isVuploadError,
  usageError,
  VuploadError,
} from '../../errors.js';
import type { Provider } from '../../providers/contract.js';
import { preparePlan } from '../../providers/flags.js';
import { continuingSentence } from '../../text.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { canonicalChoice, parseIntegerOption } from '../options.js';
import { Output } from '../output.js';
import { stateStore } from '../state.js';
import { type HousekeptEntry, housekeptEarlier, isHousekept, putBackHeld } from './gone.js';
import type { UploadOutcome } from './outcome.js';
import { TEMPLATES, type UploadFlags, type UploadPlan } from './prepare.js';
import { HOW_TO_WAIT, type JobOptions, runUploadJob } from './run.js';

export interface JobFlags {
  force?: boolean;
  waitLock?: boolean;
  quota?: string;
  onQuota?: string;
  moveTo?: string;
  deleteAfter?: boolean;
  logFile?: string;
  concurrency?: string;
  /** False with --no-update (content uploaded before: report other metadata, do not update it). */
  update?: boolean;
  /** `vupload batch --allow-outside`: manifest paths may leave the manifest's folder. */
  allowOutside?: boolean;
}

export interface QueueItem {
  file: string;
  flags: UploadFlags;
  /** How the file was named, for messages: '--file', 'file' or 'manifest line N'. */
  flag: string;
  /** `-` on the command line: the video comes from standard input. */
  stdin?: boolean;
}

export function jobOptions(flags: JobFlags, ctx: CliContext): JobOptions {
  const onQuota = canonicalChoice(flags.onQuota ?? 'fail', ['fail', 'wait']);
  if (onQuota !== 'fail' && onQuota !== 'wait') {
    throw usageError(`--on-quota: "${onQuota}" is not one of fail, wait.`);
  }
  if (flags.moveTo !== undefined && flags.deleteAfter) {
    throw usageError('--move-to and --delete-after were both given.', 'Use one of them.');
  }
  const quota = flags.quota ?? ctx.env.VUPLOAD_QUOTA ?? '10000';
  return {
    force: Boolean(flags.force),
    waitLock: Boolean(flags.waitLock),
    quota: parseIntegerOption(flags.quota !== undefined ? '--quota' : 'VUPLOAD_QUOTA', quota, 1, 1e12),
    quotaGiven: flags.quota !== undefined,
    onQuota,
    ...(flags.moveTo !== undefined ? { moveTo: resolve(ctx.cwd, flags.moveTo) } : {}),
    deleteAfter: Boolean(flags.deleteAfter),
    update: flags.update !== false,
  };
}

/** An invalid entry's error, saying where it is: `uploads.csv line 3 (talk.mp4): --privacy: …`. */
function located(error: VuploadError, item: QueueItem, cwd: string): VuploadError {
  const file = relative(cwd, resolve(cwd, item.file));
  const shown = file.startsWith('..') ? item.file : file;
  const where = item.flag.includes(' line ') ? `${item.flag} (${shown})` : shown;
  if (error.message.startsWith(item.flag) || error.message.startsWith(where)) return error;
  return new VuploadError(error.code, error.exitCode, `${where}: ${error.message}`, {
    hint: error.hint,
    cause: error,
  });
}

/** Title and description templates ({name} {date} {index} {ext}) are filled in per file (`stdin`: no file). */
export async function applyTemplates(
  flags: UploadFlags,
  file: string,
  index: number,
  stdin?: { now: number },
): Promise<UploadFlags> {
  const { isTemplate, renderTemplate, templateValuesFor } = await import('../../unattended/template.js');
  const templated = (['title', 'description'] as const).filter(
    (k) => flags[k] !== undefined && isTemplate(flags[k]!),
  );
  if (templated.length === 0) return flags;
  const values = stdin
    ? await (await import('./stdin.js')).stdinTemplateValues(stdin.now, index + 1)
    : await templateValuesFor(file, index + 1);
  const result = { ...flags };
  for (const key of templated) result[key] = renderTemplate(flags[key]!, values, `--${key}`);
  // Kept for the journal: a re-run compares a templated field by its template (src/unattended/recorded-metadata.ts).
  result[TEMPLATES] = Object.fromEntries(templated.map((key) => [key, flags[key]!]));
  return result;
}

export async function runQueue(
  items: QueueItem[],
  jobFlags: JobFlags,
  globals: GlobalOptions,
  ctx: CliContext,
  options: { single: boolean; provider: Provider; manifestErrors?: VuploadError[] },
): Promise<number> {
  const { provider } = options;
  const out = await Output.create(ctx, globals);
  const job = jobOptions(jobFlags, ctx);
  const checkHousekeeping = await (await import('../../unattended/housekeeping.js')).preflightHousekeeping(
    job,
    ctx.env,
  );
  const housekeeps = job.moveTo !== undefined || job.deleteAfter === true;
  const dryRun = Boolean(items[0]?.flags.dryRun);
  const concurrency = parseIntegerOption('--concurrency', jobFlags.concurrency ?? '1', 1, 64);
  // The log file is checked before anything is sent (in a dry run too), and opened only for a real run.
  const logFile = jobFlags.logFile !== undefined ? resolve(ctx.cwd, jobFlags.logFile) : undefined;
  const logs = logFile !== undefined ? await import('../../unattended/log-file.js') : undefined;
  if (logs && logFile !== undefined) await logs.checkLogFile(logFile, ctx.env);
  // Validate every file first: a bad entry is reported and skipped, and nothing of it is sent.
  const plans: Array<UploadPlan | HousekeptEntry | VuploadError> = [];
  for (const [index, item] of items.entries()) {
    try {
      // A file a killed run was moving or deleting is put back first (a dry run changes nothing).
      if (!item.stdin && !dryRun) await putBackHeld(resolve(ctx.cwd, item.file), ctx, globals, out);
      // A file that cannot be read for {date} is left to prepareUpload, whose message names the flag.
      const stdin = item.stdin ? { now: ctx.now() } : undefined;
      const flags = await applyTemplates(item.flags, resolve(ctx.cwd, item.file), index, stdin).catch(
        (error) => {
          if (isVuploadError(error)) throw error;
          return item.flags;
        },
      );
      const where = {
        cwd: ctx.cwd,
        now: ctx.now(),
        flag: item.flag,
        env: ctx.env,
        clientSecrets: globals.clientSecrets,
        ...(item.stdin ? { stdin: true } : {}),
      };
      const plan = await preparePlan(provider, item.file, flags, where);
      if (!plan.stdin) await checkHousekeeping(plan.file);
      plans.push(plan);
    } catch (error) {
      // Missing because vupload moved or deleted it after its upload: done, not an error (issue 29, item 9).
      const done =
        housekeeps && !item.stdin && isVuploadError(error)
          ? await housekeptEarlier(resolve(ctx.cwd, item.file), ctx, globals, provider)
          : undefined;
      if (done) {
        plans.push(done);
        continue;
      }
      if (options.single || !isVuploadError(error)) throw error;
      plans.push(located(error, item, ctx.cwd));
    }
  }
  const { runBatch, worstExitCode } = await import('../../unattended/batch.js');
  const codes: number[] = (options.manifestErrors ?? []).map((e) => e.exitCode);
  for (const error of options.manifestErrors ?? []) out.error(`vupload: ${error.message}`);
  if (dryRun) {
    // One line per file, as a real run prints one line per upload.
    for (const [index, p] of plans.entries()) {
      const file = isVuploadError(p) ? resolve(ctx.cwd, items[index]?.file ?? '') : p.file;
      out.resultJson(
        isVuploadError(p)
          ? { dryRun: true, provider: provider.name, file, error: errorJson(p) }
          : isHousekept(p)
            ? { dryRun: true, ...p.outcome, requests: [] }
            : {
                dryRun: true,
                provider: provider.name,
                file,
                requests: await provider.dryRun(p, { ctx, globals, out }),
              },
      );
    }
    for (const p of plans) if (isVuploadError(p)) out.error(`vupload: ${p.message}`);
    for (const p of plans) if (isHousekept(p)) out.info(p.note);
    for (const p of plans)
      if (!isVuploadError(p) && !isHousekept(p)) for (const note of p.notes) out.info(note);
    out.info('Dry run: nothing was sent.');
    return worstExitCode([...plans.map((p) => (isVuploadError(p) ? p.exitCode : ExitCode.ok)), ...codes]);
  }
  // The state store is opened before the first job: a database that cannot be reached stops the run here (exit 5).
  await stateStore(ctx, globals, out);
  const log =
    logs && logFile !== undefined
      ? await logs.LogFile.open(logFile, { now: ctx.now, warn: (message) => out.warn(message) })
      : undefined;
  if (log) job.log = log;
  /** Errors already printed (a step failed after the upload: printed with the video id). */
  const reported = new WeakSet<object>();
  const emit = (outcome: UploadOutcome | { file: string; error: ErrorJson }) => {
    if (globals.json) out.resultJson(outcome);
    else if ('id' in outcome) out.result(outcome.id);
  };
  const report = (file: string, error: Error, located = false) => {
    const failure = errorJson(error);
    if (globals.json) emit({ file, error: failure });
    void log?.write(`failed ${file}: ${failure.message}`);
    out.error(`vupload: ${located ? '' : `${file}: `}${failure.message}`);
    if (isVuploadError(error) && error.hint) out.error(error.hint);
  };
  // Every invalid entry is reported before the first upload starts; only the valid ones run.
  const invalid = plans.flatMap((p, index) => (isVuploadError(p) ? [{ error: p, index }] : []));
  for (const { error, index } of invalid) report(items[index]?.file ?? '', error, true);
  codes.push(...invalid.map(({ error }) => error.exitCode));
  const valid = plans.filter((p): p is UploadPlan | HousekeptEntry => !isVuploadError(p));
  try {
    const { results, exitCode } = await runBatch(valid, {
      concurrency,
      signal: ctx.signal,
      uploadOne: async (plan) => {
        if (isHousekept(plan)) {
          out.info(plan.note);
          void log?.write(
            `already uploaded ${plan.file} as ${plan.outcome.id} (${plan.outcome.housekeeping})`,
          );
          emit(plan.outcome);
          return plan.outcome;
        }
        const { outcome, failure } = await runUploadJob(plan, provider, ctx, globals, out, job);
        emit(outcome);
        if (failure) {
          out.error(
            `vupload: the video ${outcome.id} was uploaded, but ${continuingSentence(failure.message)}`,
          );
          if (failure.hint) out.error(failure.hint);
          reported.add(failure);
          throw failure;
        }
        return outcome;
      },
      onSettled: (result) => {
        if (options.single || result.status !== 'failed') return;
        const error = result.error as Error;
        if (!reported.has(error)) report(result.entry.file, error);
      },
    });
    const only = results[0];
    // One file: its error is the command's error, printed once by main.ts with its exit code.
    if (options.single && only?.status === 'failed' && !reported.has(only.error as object)) throw only.error;
    return worstExitCode([exitCode, ...codes]);
  } finally {
    await log?.close();
  }
}

export async function runManifest(
  manifest: string,
  flags: UploadFlags & JobFlags,
  globals: GlobalOptions,
  ctx: CliContext,
  provider: Provider,
): Promise<number> {
  const { readManifest } = await import('../../unattended/manifest.js');
  const { withLock } = await import('../../state/store.js');
  const path = resolve(ctx.cwd, manifest);
  const parsed = await readManifest(path, {
    allowOutside: Boolean(flags.allowOutside),
    env: ctx.env,
    places: { cwd: ctx.cwd, clientSecrets: globals.clientSecrets },
  });
  const manifestErrors = parsed.errors.map((e) => usageError(`${manifest} line ${e.line}: ${e.message}`));
  const items: QueueItem[] = parsed.entries.map((entry) => ({
    file: entry.file,
    flag: `${manifest} line ${entry.line}`,
    flags: {
      ...flags,
      ...(entry.title !== undefined ? { title: entry.title } : {}),
      ...(entry.description !== undefined
        ? { description: entry.description, descriptionFile: undefined }
        : {}),
      ...(entry.descriptionFile !== undefined
        ? { descriptionFile: entry.descriptionFile, description: undefined }
        : {}),
      ...(entry.tags !== undefined ? { tags: entry.tags.join(','), keywords: undefined } : {}),
      ...(entry.category !== undefined ? { category: entry.category } : {}),
      ...(entry.privacy !== undefined ? { privacy: entry.privacy, privacyStatus: undefined } : {}),
      ...(entry.publishAt !== undefined ? { publishAt: entry.publishAt } : {}),
      ...(entry.madeForKids !== undefined
        ? { madeForKids: entry.madeForKids, notMadeForKids: !entry.madeForKids }
        : {}),
      ...(entry.thumbnail !== undefined ? { thumbnail: entry.thumbnail } : {}),
      ...(entry.playlists !== undefined ? { playlist: entry.playlists } : {}),
      ...(entry.caption !== undefined
        ? {
            caption: [
              entry.caption.language ? `${entry.caption.file}:${entry.caption.language}` : entry.caption.file,
            ],
          }
        : {}),
      ...(entry.metadata !== undefined ? { metadata: entry.metadata } : {}),
    },
  }));
  if (items.length === 0 && manifestErrors.length === 0) throw usageError(`${manifest}: no entries.`);
  const queue = () => runQueue(items, flags, globals, ctx, { single: false, provider, manifestErrors });
  // A dry run changes nothing, so it needs no lock (nor a state database that answers).
  if (flags.dryRun) return queue();
  // Two overlapping runs of the same manifest: the second waits (--wait-lock) or stops.
  const store = await stateStore(ctx, globals);
  return withLock(
    store.locks,
    {
      key: `manifest:${path}`,
      label: path,
      wait: Boolean(flags.waitLock),
      howToWait: HOW_TO_WAIT,
      signal: ctx.signal,
    },
    queue,
  );
}
