// This file is `vupload state migrate | import | export`: the state database of several machines (--state-url).
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { usageError } from '../../errors.js';
import { stateDir } from '../../paths.js';
import type { PostgresStateStore, TransferReport } from '../../state/postgres/index.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { Output } from '../output.js';
import { stateUrl } from '../state.js';
import { COMMANDS } from './index.js';

/** Opens the database named by --state-url / VUPLOAD_STATE_URL for `what`, runs `fn`, and closes it. */
async function withDatabase<T>(
  ctx: CliContext,
  globals: GlobalOptions,
  what: string,
  options: { migrate?: boolean },
  fn: (store: PostgresStateStore) => Promise<T>,
): Promise<T> {
  const given = stateUrl(globals, ctx.env);
  if (!given) {
    throw usageError(
      `vupload ${what} needs the state database: give --state-url postgres://… or set VUPLOAD_STATE_URL.`,
    );
  }
  const { openPostgres } = await import('../../state/open.js');
  const store = await openPostgres({ ...given, env: ctx.env, ...options });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** `12 uploads (3 there already), 20 steps, …`: what a transfer did, for stderr. */
function describeTransfer(report: TransferReport): string {
  const parts = (
    [
      ['upload', report.uploads],
      ['step', report.steps],
      ['saved session', report.sessions],
      ['quota day', report.quotaDays],
    ] as const
  ).map(([noun, c]) => {
    const there = c.present > 0 ? ` (${c.present} there already)` : '';
    return `${c.added} ${noun}${c.added === 1 ? '' : 's'}${there}`;
  });
  const invalid = [report.uploads, report.steps, report.sessions, report.quotaDays].reduce(
    (n, c) => n + c.invalid,
    0,
  );
  return `${parts.join(', ')}${invalid > 0 ? `; ${invalid} unreadable record${invalid === 1 ? '' : 's'} skipped` : ''}`;
}

async function stateDirArgument(
  ctx: CliContext,
  dir: string | undefined,
  mustExist: boolean,
): Promise<string> {
  const path = dir === undefined ? stateDir(ctx.env) : resolve(ctx.cwd, dir);
  if (!mustExist) return path;
  const info = await stat(path).catch(() => undefined);
  if (!info?.isDirectory()) throw usageError(`${path} is not a state directory (no such folder).`);
  return path;
}

export function registerState(program: Command, ctx: CliContext): void {
  const state = program.command('state').description(COMMANDS.state.summary);
  state.addHelpText(
    'after',
    '\nWith --state-url postgres://… (or VUPLOAD_STATE_URL) the journal, saved sessions, quota ledger and locks live in\n' +
      'that PostgreSQL database instead of the state directory. See docs/fleets.md "Several machines".',
  );

  state
    .command('migrate')
    .description(
      "create or upgrade vupload's tables in the database (every run does this at start when needed)",
    )
    .action(async (_flags: object, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      await withDatabase(ctx, globals, 'state migrate', { migrate: false }, async (store) => {
        const result = await store.migrate();
        if (globals.json) out.resultJson(result);
        out.info(
          result.applied.length === 0
            ? `${store.db.settings.display} (schema ${store.db.schema}): version ${result.to}, up to date.`
            : `${store.db.settings.display} (schema ${store.db.schema}): version ${result.from} → ${result.to} ` +
                `(applied ${result.applied.join(', ')}).`,
        );
      });
    });

  state
    .command('import [dir]')
    .description(
      "copy a state directory (default: this machine's) into the database: history, steps, saved sessions, quota ledger",
    )
    .action(async (dir: string | undefined, _flags: object, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      const from = await stateDirArgument(ctx, dir, true);
      await withDatabase(ctx, globals, 'state import', {}, async (store) => {
        const report = await store.importStateDir(from);
        if (globals.json) out.resultJson(report);
        out.info(`Imported from ${from} into ${store.db.settings.display}: ${describeTransfer(report)}.`);
      });
    });

  state
    .command('export [dir]')
    .description(
      "copy the database's history, steps and saved sessions into a state directory (default: this machine's)",
    )
    .action(async (dir: string | undefined, _flags: object, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      const to = await stateDirArgument(ctx, dir, false);
      await withDatabase(ctx, globals, 'state export', {}, async (store) => {
        const report = await store.exportStateDir(to);
        if (globals.json) out.resultJson(report);
        out.info(`Exported from ${store.db.settings.display} into ${to}: ${describeTransfer(report)}.`);
      });
    });
}
