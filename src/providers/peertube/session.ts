// This file opens a profile's PeerTube login for a command: which instance (the one the login belongs to; an
// VUPLOAD_PEERTUBE_URL naming another is refused, so a token never goes to an instance that did not issue it), the
// Bearer header, and the refresh (single-use refresh tokens, saved at once; another process's refresh is adopted).
import { tokenSaveWarning } from '../../auth/token-store.js';
import type { CliContext, GlobalOptions } from '../../cli/context.js';
import type { Output } from '../../cli/output.js';
import { authError } from '../../errors.js';
import { configDir } from '../../paths.js';
import { createHttpTransport, type HttpTransport } from '../../upload/transport.js';
import type { ProviderSession } from '../contract.js';
import { PeerTubeApi } from './api.js';
import { mapPeerTubeError } from './errors.js';
import { PeerTubeApiError } from './http.js';
import { checkInstanceUrl, handleOf } from './instance.js';
import { refreshGrant } from './login.js';
import {
  type PeerTubeStoredToken,
  peekPeerTubeToken,
  peertubeLoginHint,
  readPeerTubeToken,
  writePeerTubeToken,
} from './tokens.js';

/** Refresh this long before the access token ends, so that no request goes out with one about to expire. */
const EXPIRY_MARGIN_MS = 60_000;

type Where = { ctx: CliContext; globals: GlobalOptions };

/** VUPLOAD_PEERTUBE_URL, checked (exit 2 when credentials must not go there), or undefined. */
export function envInstance(ctx: CliContext): string | undefined {
  const raw = ctx.env.VUPLOAD_PEERTUBE_URL;
  return raw === undefined || raw === '' ? undefined : checkInstanceUrl(raw, 'VUPLOAD_PEERTUBE_URL');
}

/** The instance and account of a login, or a refusal when VUPLOAD_PEERTUBE_URL names another instance. */
export function instanceOf(token: PeerTubeStoredToken, ctx: CliContext, profile: string): string {
  const wanted = envInstance(ctx);
  if (wanted !== undefined && wanted !== token.instance)
    throw authError(
      'otherInstance',
      `profile "${profile}" is logged in to ${token.instance}, not to ${wanted} (VUPLOAD_PEERTUBE_URL); its tokens ` +
        'are not sent to another instance.',
      peertubeLoginHint(profile, wanted),
    );
  return token.instance;
}

/** The instance a command of this profile talks to, without reading more than the login file (for messages). */
export function instanceFor({ ctx, globals }: Where): string | undefined {
  const token = peekPeerTubeToken(configDir(ctx.env), globals.profile);
  try {
    return envInstance(ctx) ?? token?.instance;
  } catch {
    return token?.instance;
  }
}

/** When a token the instance gave for `seconds` ends (ms since the epoch), if it said. */
export const expiryOf = (now: number, seconds: number | undefined): number | null =>
  typeof seconds === 'number' ? now + seconds * 1000 : null;

export interface PeerTubeSession extends ProviderSession {
  instance: string;
  username: string;
  /** user@host: the account the journal keys "never twice" by. */
  handle: string;
  /** The REST client with this login. */
  api: PeerTubeApi;
  transport: HttpTransport;
}

/** The profile's login; exit 3 naming the login command when there is none (a login never starts by itself). */
export async function openPeerTube({ ctx, globals, out }: Where & { out: Output }): Promise<PeerTubeSession> {
  const dir = configDir(ctx.env);
  const profile = globals.profile;
  let token = await readPeerTubeToken(dir, profile);
  if (!token) {
    const env = envInstance(ctx);
    throw authError(
      'notLoggedIn',
      `profile "${profile}" is not logged in to PeerTube${env ? ` (${env})` : ''}.`,
      peertubeLoginHint(profile, env),
    );
  }
  const instance = instanceOf(token, ctx, profile);
  const transport = createHttpTransport();
  const save = async (next: PeerTubeStoredToken) => {
    token = next;
    await writePeerTubeToken(dir, next).catch((error: unknown) =>
      out.warn(tokenSaveWarning(`${dir}/peertube-tokens/${profile}.json`, error)),
    );
  };
  let refreshing: Promise<void> | undefined;
  const refresh = async (): Promise<void> => {
    const current = token!;
    try {
      const answer = await refreshGrant(transport, { ...current, instance }, ctx.signal);
      const now = ctx.now();
      await save({
        ...current,
        access_token: answer.access_token,
        refresh_token: answer.refresh_token,
        token_type: answer.token_type ?? 'Bearer',
        expiry_date: expiryOf(now, answer.expires_in),
        refresh_token_expiry: expiryOf(now, answer.refresh_token_expires_in),
        updated_at: new Date(now).toISOString(),
      });
    } catch (error) {
      if (error instanceof PeerTubeApiError && error.problem.code === 'invalid_grant') {
        // Another vupload may have refreshed this profile meanwhile (the old refresh token is then spent).
        const saved = await readPeerTubeToken(dir, profile).catch(() => undefined);
        if (saved && saved.refresh_token !== current.refresh_token && saved.instance === instance) {
          token = saved;
          return;
        }
        throw authError(
          'loginExpired',
          `the PeerTube login of profile "${profile}" on ${instance} has expired or was revoked.`,
          peertubeLoginHint(profile, instance),
        );
      }
      throw mapPeerTubeError(error, { action: 'refresh the PeerTube login', profile, instance });
    }
  };
  const session: PeerTubeSession = {
    instance,
    username: token.username,
    handle: handleOf(token.username, instance),
    transport,
    async headers() {
      const expiry = token!.expiry_date;
      if (!token!.access_token || (expiry !== null && ctx.now() > expiry - EXPIRY_MARGIN_MS)) {
        refreshing ??= refresh().finally(() => {
          refreshing = undefined;
        });
        await refreshing;
      }
      return { Authorization: `Bearer ${token!.access_token}` };
    },
    async refresh() {
      refreshing ??= refresh().finally(() => {
        refreshing = undefined;
      });
      await refreshing;
    },
    api: undefined as unknown as PeerTubeApi,
  };
  session.api = new PeerTubeApi(instance, session, {
    transport,
    sleep: ctx.sleep,
    random: ctx.random,
    now: ctx.now,
    signal: ctx.signal,
    onRetry: (event) => out.retry(event),
  });
  return session;
}
