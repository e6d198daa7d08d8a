// This file starts one upload job for any provider: it locks the content (a pipe: its saved session), then job.ts.
import type { Provider, ProviderSession, UploadPlan } from '../../providers/contract.js';
import type { StateStore } from '../../state/store.js';
import type { PreviousUpload } from '../../unattended/journal.js';
import type { CliContext, GlobalOptions } from '../context.js';
import type { Output } from '../output.js';
import { stateStore } from '../state.js';
import { Job } from './job.js';
import type { JobOptions } from './job-options.js';
import type { JobResult } from './outcome.js';
import type { PipeSessions } from './pipe-sessions.js';
import { keepingYoungGeneration } from './young-generation.js';

/** What a busy lock's error says to do, in the words of the commands that upload (upload, batch, watch). */
export const HOW_TO_WAIT = 'run again with --wait-lock to wait for it';

export type { JobOptions } from './job-options.js';

export function runUploadJob(...args: Parameters<typeof runJob>): Promise<JobResult> {
  return keepingYoungGeneration(() => runJob(...args));
}

async function runJob(
  plan: UploadPlan,
  provider: Provider,
  ctx: CliContext,
  globals: GlobalOptions,
  out: Output,
  job: JobOptions,
): Promise<JobResult> {
  const { fingerprintFile } = await import('../../upload/index.js');
  const { waitingText } = await import('../../unattended/lock.js');
  const { JobLock } = await import('../../state/job-lock.js');
  const store = await stateStore(ctx, globals, out);
  // Whose uploads the journal is asked about and appended to (the profile, unless the provider says otherwise).
  const account = (await provider.account?.({ ctx, globals })) ?? globals.profile;
  const pipes = await pipeSessionsOf(provider, ctx, globals, out, store, account);
  const runJobWith = (fingerprint: string, lock?: InstanceType<typeof JobLock>) =>
    new Job(plan, provider, ctx, globals, out, job, fingerprint, store, account, lock, pipes).run();
  // A pipe is this process's alone: no content to lock, nothing to sample before its bytes pass; only its saved
  // session is locked, as this run's (pipe-sessions.ts).
  if (plan.stdin) {
    const { STREAM_FINGERPRINT } = await import('../../upload/index.js');
    await pipes?.claim();
    try {
      return await runJobWith(STREAM_FINGERPRINT);
    } finally {
      await pipes?.release();
    }
  }
  const fingerprint = await fingerprintFile(plan.file);
  // Two overlapping runs on the same content (on any machine sharing the store) never upload it twice: the second
  // waits or stops here.
  const lock = new JobLock(store.locks, {
    key: fingerprint,
    label: plan.file,
    wait: job.waitLock,
    howToWait: HOW_TO_WAIT,
    signal: ctx.signal,
    clock: { now: ctx.now, sleep: ctx.sleep },
    onWait: (holder, sameProcess) => out.info(waitingText(plan.file, holder, sameProcess)),
  });
  await lock.take();
  try {
    return await runJobWith(fingerprint, lock);
  } finally {
    await lock.release();
  }
}

/** The saved sessions of uploads from a pipe, for a provider that has pipes (pipe-sessions.ts). */
async function pipeSessionsOf(
  provider: Provider,
  ctx: CliContext,
  globals: GlobalOptions,
  out: Output,
  store: StateStore,
  account: string,
): Promise<PipeSessions | undefined> {
  const capability = provider.pipeSessions;
  if (!capability) return undefined;
  const { PipeSessions, pipeScope } = await import('./pipe-sessions.js');
  // Opened once, when a dead run's session is first asked (most runs find none).
  let auth: Promise<ProviderSession> | undefined;
  const session = () => {
    auth ??= provider.auth.open({ ctx, globals, out });
    return auth;
  };
  return new PipeSessions({
    store,
    scope: pipeScope({ account, provider: provider.name, apiRoot: capability.apiRoot({ ctx, globals }) }),
    account,
    provider: provider.name,
    ask: (record) => capability.ask(record, { ctx, globals, session }),
    now: ctx.now,
    info: (message) => out.info(message),
    signal: ctx.signal,
  });
}

export type { PreviousUpload };
