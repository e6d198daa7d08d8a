// This file gives each run its state store: opened once from --state-url / VUPLOAD_STATE_URL, closed when it ends.
import { stateDir } from '../paths.js';
import type { StateStore } from '../state/store.js';
import type { CliContext, GlobalOptions } from './context.js';

interface Opened {
  store: Promise<StateStore>;
  warn?: (message: string) => void;
}

/** One store per run (a run is one CliContext): every job of the run shares its connections and locks. */
const opened = new WeakMap<CliContext, Opened>();

/** `--state-url`, else `VUPLOAD_STATE_URL`, with the name of the one that gave it; undefined for the file store. */
export function stateUrl(
  globals: GlobalOptions,
  env: CliContext['env'],
): { url: string; source: string } | undefined {
  if (globals.stateUrl !== undefined) return { url: globals.stateUrl, source: '--state-url' };
  const fromEnv = env.VUPLOAD_STATE_URL;
  return fromEnv ? { url: fromEnv, source: 'VUPLOAD_STATE_URL' } : undefined;
}

/**
 * The run's state store: the one place the upload path, `history`, `quota` and `state` get it from. They do not
 * know which store it is. `out` receives the file store's warnings (the first caller's).
 */
export function stateStore(
  ctx: CliContext,
  globals: GlobalOptions,
  out?: { warn(message: string): void },
): Promise<StateStore> {
  let entry = opened.get(ctx);
  if (!entry) {
    const created: Opened = {} as Opened;
    const given = stateUrl(globals, ctx.env);
    created.store = import('../state/open.js').then(({ openStateStore }) =>
      openStateStore({
        ...(given ?? {}),
        stateDir: stateDir(ctx.env),
        env: ctx.env,
        clock: { now: ctx.now, sleep: ctx.sleep },
        onWarning: (message) => created.warn?.(message),
      }),
    );
    // A store that failed to open is the caller's error; it must not also be an unhandled rejection.
    created.store.catch(() => {});
    opened.set(ctx, created);
    entry = created;
  }
  if (out) entry.warn ??= (message) => out.warn(message);
  return entry.store;
}

/** Closes the run's store, if one was opened (main.ts, when the command ends); never waits more than 5 s. */
export async function closeStateStore(ctx: CliContext): Promise<void> {
  const entry = opened.get(ctx);
  if (!entry) return;
  opened.delete(ctx);
  const store = await entry.store.catch(() => undefined);
  if (!store) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, 5000);
    timer.unref();
  });
  await Promise.race([store.close().catch(() => {}), late]);
  clearTimeout(timer);
}
