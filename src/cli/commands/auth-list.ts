// This file is `vupload auth list`: every saved login with its provider, channel, token expiry and warnings.
import { readdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { isVuploadError } from '../../errors.js';
import { configDir } from '../../paths.js';
import type { AuthStatus } from '../../providers/youtube/auth/status.js';
import { apiUrl, type CliContext, type GlobalOptions } from '../context.js';
import { Output } from '../output.js';

const DAY_MS = 86_400_000;
/** Google's refresh tokens for apps whose OAuth consent screen is in "Testing" (API-NOTES §8). */
const TESTING_TOKEN_DAYS = 7;

interface LoginRow {
  profile: string;
  provider: 'youtube' | 'youku';
  channel: { id: string; title: string } | null;
  scopes: string[];
  accessTokenExpiry: string | null;
  refreshTokenExpiry: string | null;
  tokenFile: string;
  createdAt: string | null;
  warnings: string[];
  error?: { code: string; message: string };
}

const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/** What to say about a login that will (or may) end by itself: Google's 7-day tokens of apps in "Testing". */
export function expiryWarnings(status: AuthStatus, issuedByGoogle: boolean, now: number): string[] {
  const ends = status.refreshTokenExpiry;
  if (ends !== null) {
    if (ends <= now)
      return [`this login ended on ${iso(ends)}: run vupload auth login --profile ${status.profile}`];
    return [
      `this login ends on ${iso(ends)}: the issuer gave its refresh token a limited life, as Google does ` +
        `(${TESTING_TOKEN_DAYS} days) for apps whose OAuth consent screen is in "Testing". Publish the app for ` +
        'lasting logins, or log in again before then',
    ];
  }
  const created = status.createdAt ? Date.parse(status.createdAt) : Number.NaN;
  if (issuedByGoogle && Number.isFinite(created) && now - created < TESTING_TOKEN_DAYS * DAY_MS) {
    return [
      `if your OAuth app is in "Testing", Google ends this login on ${iso(created + TESTING_TOKEN_DAYS * DAY_MS)} ` +
        `(refresh tokens of such apps last ${TESTING_TOKEN_DAYS} days); publish the app for lasting logins`,
    ];
  }
  return [];
}

async function youkuProfiles(dir: string): Promise<string[]> {
  const { youkuTokensDir } = await import('../../providers/youku/token-store.js');
  const names = await readdir(youkuTokensDir(dir)).catch(() => [] as string[]);
  return names
    .filter((n) => /^[A-Za-z0-9._-]+\.json$/.test(n))
    .map((n) => n.slice(0, -5))
    .sort();
}

export function registerAuthList(auth: Command, ctx: CliContext): void {
  auth
    .command('list')
    .description('every saved login: profile, provider, channel, token expiry and warnings')
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const out = await Output.create(ctx, globals);
      const dir = configDir(ctx.env);
      const { listProfiles } = await import('../../auth/token-store.js');
      const { readAuthStatus } = await import('../../providers/youtube/auth/status.js');
      const { GOOGLE_TOKEN_URI, loadClientSecrets, sameTokenIssuer } = await import(
        '../../providers/youtube/auth/client-secrets.js'
      );
      const secrets = await loadClientSecrets({
        flag: globals.clientSecrets,
        env: ctx.env,
        cwd: ctx.cwd,
        configDir: dir,
      }).catch((error: unknown) => error as Error);
      const rows: LoginRow[] = [];
      for (const profile of await listProfiles(dir)) {
        const status = await readAuthStatus({ profile, configDir: dir, now: ctx.now });
        const row: LoginRow = {
          profile,
          provider: 'youtube',
          channel: null,
          scopes: status.scopes,
          accessTokenExpiry: iso(status.expiryDate),
          refreshTokenExpiry: iso(status.refreshTokenExpiry),
          tokenFile: status.tokenFile,
          createdAt: status.createdAt ?? null,
          warnings: expiryWarnings(
            status,
            sameTokenIssuer(status.tokenUri ?? '', GOOGLE_TOKEN_URI),
            ctx.now(),
          ),
        };
        try {
          if (secrets instanceof Error) throw secrets;
          // Asking for the channel also proves the login still works (a dead grant answers invalid_grant).
          const { getAuth } = await import('../../providers/youtube/auth/session.js');
          const { createYouTubeClient } = await import('../../providers/youtube/api.js');
          const session = await getAuth({ secrets, profile, configDir: dir, now: ctx.now });
          const yt = createYouTubeClient({
            apiUrl: apiUrl(globals, ctx.env),
            auth: await session.client(),
            sleep: ctx.sleep,
            random: ctx.random,
            now: ctx.now,
            maxAttempts: 1,
          });
          await session.headers();
          row.channel = await yt.getMyChannel();
        } catch (error) {
          row.error = isVuploadError(error)
            ? { code: error.code, message: error.message }
            : { code: 'unexpected', message: (error as Error).message };
        }
        rows.push(row);
      }
      const { readYoukuToken, youkuTokenPath } = await import('../../providers/youku/token-store.js');
      for (const profile of await youkuProfiles(dir)) {
        const token = await readYoukuToken(dir, profile).catch(() => undefined);
        rows.push({
          profile,
          provider: 'youku',
          channel: null,
          scopes: [],
          accessTokenExpiry: iso(token?.expiry_date),
          refreshTokenExpiry: null,
          tokenFile: youkuTokenPath(dir, profile),
          createdAt: token?.created_at ?? null,
          warnings: [],
          ...(token ? {} : { error: { code: 'tokenFileCorrupt', message: 'the token file cannot be read' } }),
        });
      }
      if (globals.json) {
        for (const row of rows) out.result(JSON.stringify(row));
        return;
      }
      if (rows.length === 0) out.info('No saved logins. Log in with: vupload auth login');
      for (const row of rows) {
        const channel = row.channel ? `${row.channel.title} (${row.channel.id})` : 'channel unknown';
        out.result(`${row.profile}\t${row.provider}\t${channel}`);
        out.result(
          `  access token expires ${row.accessTokenExpiry ?? 'unknown'} (refreshed automatically); ` +
            `refresh token ${row.refreshTokenExpiry ? `ends ${row.refreshTokenExpiry}` : 'has no known end'}`,
        );
        if (row.error) out.warn(`${row.profile}: ${row.error.message}`);
        for (const warning of row.warnings) out.warn(`${row.profile}: ${warning}`);
      }
    });
}
