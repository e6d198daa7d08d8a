// This file is `vupload auth list`: every provider's saved logins with their channel, token expiry and warnings.
import type { Command } from 'commander';
import type { LoginRow } from '../../providers/contract.js';
import type { CliContext, GlobalOptions } from '../context.js';
import { Output } from '../output.js';

export function registerAuthList(auth: Command, ctx: CliContext): void {
  auth
    .command('list')
    .description('every saved login: profile, provider, channel, token expiry and warnings')
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      const { loadProvider, PROVIDER_NAMES } = await import('../../providers/registry.js');
      const rows: LoginRow[] = [];
      for (const name of PROVIDER_NAMES)
        rows.push(...(await (await loadProvider(name)).auth.list({ ctx, globals, out })));
      if (globals.json) {
        for (const row of rows) out.result(JSON.stringify(row));
        return;
      }
      if (rows.length === 0) out.info('No saved logins. Log in with: vupload auth login');
      for (const row of rows) {
        const channel = row.channel ? `${row.channel.title} (${row.channel.id})` : 'channel unknown';
        out.result(`${row.profile}\t${row.provider}\t${channel}`);
        out.result(
          row.lifetime
            ? `  ${row.lifetime}`
            : `  access token expires ${row.accessTokenExpiry ?? 'unknown'} (refreshed automatically); ` +
                `refresh token ${row.refreshTokenExpiry ? `ends ${row.refreshTokenExpiry}` : 'has no known end'}`,
        );
        if (row.error) out.warn(`${row.profile}: ${row.error.message}`);
        for (const warning of row.warnings) out.warn(`${row.profile}: ${warning}`);
      }
    });
}
