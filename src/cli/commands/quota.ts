// This file is `vupload quota`: units spent and left today per profile (from vupload's ledger), and when they reset.
import type { Command } from 'commander';
import { configDir } from '../../paths.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { formatDuration } from '../format.js';
import { parseIntegerOption } from '../options.js';
import { Output } from '../output.js';
import { COMMANDS } from './index.js';

const PACIFIC = 'America/Los_Angeles';

/** `2026-01-03 00:00 PST` in `timeZone` (undefined: this machine's). */
export function formatInZone(date: Date, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} ${get('timeZoneName')}`;
}

export function registerQuota(program: Command, ctx: CliContext): void {
  const quota = program
    .command('quota')
    .description(COMMANDS.quota.summary)
    .option('--quota <units>', 'daily budget of a profile in units (default 10000, or $VUPLOAD_QUOTA)')
    .addHelpText(
      'after',
      "\nThe counts come from vupload's own ledger: units spent by other programs with the same Google project are not in it.\n" +
        "`vupload quota reset` forgets YouTube's quotaExceeded answer of today, so that the next upload asks again.",
    )
    .action(async (flags: { quota?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      const { commandProvider } = await import('../../providers/registry.js');
      const provider = await commandProvider(globals, ctx);
      const model = provider.quota;
      // --quota is a budget of units in vupload's ledger: refused, not ignored, where the platform counts otherwise.
      if (model.kind !== 'units') {
        const { refuseUnsupported } = await import('../../providers/flags.js');
        refuseUnsupported({ quota: flags.quota }, new Set(), provider.name);
      }
      // A platform that keeps the count itself says what is used and left; vupload's ledger counts YouTube's units.
      if (model.kind === 'server') return model.show({ ctx, globals, out });
      if (model.kind === 'none') {
        if (globals.json) out.resultJson({ profile: globals.profile, provider: provider.name, quota: null });
        out.info(
          `${provider.title} has no quota vupload can know ahead; it refuses an upload itself if need be.`,
        );
        return;
      }
      const pacificDay = model.day;
      const nextQuotaReset = model.resetAt;
      const { stateStore } = await import('../state.js');
      const { listProfiles } = await import('../../auth/token-store.js');
      const raw = flags.quota ?? ctx.env.VUPLOAD_QUOTA ?? '10000';
      const budget = parseIntegerOption(
        flags.quota !== undefined ? '--quota' : 'VUPLOAD_QUOTA',
        raw,
        1,
        1e12,
      );
      const now = new Date(ctx.now());
      const ledger = (await stateStore(ctx, globals)).quota;
      const usage = new Map((await ledger.allToday(now)).map((u) => [u.account, u.day]));
      // --profile (or $VUPLOAD_PROFILE) names one profile; otherwise every profile with a login or a ledger entry.
      const named = cmd.getOptionValueSourceWithGlobals('profile') !== 'default';
      const profiles = named
        ? [globals.profile]
        : [...new Set([...(await listProfiles(configDir(ctx.env))), ...usage.keys()])].sort();
      const resetAt = nextQuotaReset(now);
      const rows = profiles.map((profile) => {
        const day = usage.get(profile) ?? { spent: 0 };
        const exhausted = day.exhausted === true;
        return {
          profile,
          provider: 'youtube',
          day: pacificDay(now),
          spent: day.spent,
          budget,
          left: exhausted ? 0 : Math.max(0, budget - day.spent),
          exhausted,
          resetAt: resetAt.toISOString(),
          resetLocal: formatInZone(resetAt),
          resetPacific: formatInZone(resetAt, PACIFIC),
        };
      });
      if (globals.json) {
        for (const row of rows) out.result(JSON.stringify(row));
        return;
      }
      if (rows.length === 0) out.info('No profile has logged in or spent quota yet.');
      const width = Math.max(7, ...rows.map((r) => r.profile.length));
      if (rows.length > 0)
        out.result(`${'profile'.padEnd(width)}  ${'spent'.padStart(6)}  ${'left'.padStart(6)}`);
      for (const r of rows) {
        const note = r.exhausted ? '  (YouTube answered quotaExceeded today)' : '';
        out.result(
          `${r.profile.padEnd(width)}  ${String(r.spent).padStart(6)}  ${String(r.left).padStart(6)}${note}`,
        );
      }
      const wait = formatDuration((resetAt.getTime() - now.getTime()) / 1000);
      out.info(
        `Quota day ${pacificDay(now)} (Pacific time), budget ${budget} units a profile. It resets at ` +
          `${formatInZone(resetAt, PACIFIC)} = ${formatInZone(resetAt)} here, in ${wait}.`,
      );
      out.info(
        'Spent units include those reserved by uploads still running: vupload counts them before it starts.',
      );
      const marked = rows.filter((r) => r.exhausted).map((r) => r.profile);
      if (marked.length > 0)
        out.info(
          `Uploads of ${marked.join(', ')} stop until the reset; \`vupload quota reset --profile NAME\` forgets ` +
            "YouTube's answer (or give an upload --quota N, your project's daily quota), and the next upload asks again.",
        );
    });
  registerReset(quota, ctx);
}

/**
 * `vupload quota reset [--profile P]`: forgets today's quotaExceeded mark of one profile (every machine's, with a
 * state database), so that the next upload asks YouTube again. The units counted stay: they are vupload's estimate of
 * what was spent, and `--quota N` is the way to say the project has more (issue 27, item 1).
 */
function registerReset(quota: Command, ctx: CliContext): void {
  quota
    .command('reset')
    .description(
      "forget YouTube's quotaExceeded answer of today for a profile, so the next upload asks again (units counted stay)",
    )
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      const { commandProvider } = await import('../../providers/registry.js');
      const provider = await commandProvider(globals, ctx);
      if (provider.quota.kind !== 'units') {
        const { usageError } = await import('../../errors.js');
        throw usageError(
          `vupload quota reset forgets YouTube's quotaExceeded answer in vupload's ledger; ${provider.title} keeps ` +
            'its count itself, so there is nothing to forget.',
          `See what ${provider.title} says: vupload quota --provider ${provider.name}`,
        );
      }
      const { pacificDay } = await import('../../unattended/quota.js');
      const { stateStore } = await import('../state.js');
      const now = new Date(ctx.now());
      const profile = globals.profile;
      const day = pacificDay(now);
      const forgotten = await (await stateStore(ctx, globals)).quota.forgetExhausted(profile, now);
      if (globals.json)
        out.resultJson({
          profile,
          provider: 'youtube',
          day,
          forgot: forgotten !== undefined,
          ...(forgotten ? { spent: forgotten.spent } : {}),
        });
      out.info(
        forgotten
          ? `Forgot YouTube's quotaExceeded answer of ${day} (Pacific time) for profile "${profile}": the next upload ` +
              `asks YouTube again. The ${forgotten.spent} units counted today stay in the ledger.`
          : `Profile "${profile}" has no quotaExceeded answer recorded for ${day} (Pacific time): nothing to forget.`,
      );
    });
}
