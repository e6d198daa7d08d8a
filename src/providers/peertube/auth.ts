// This file is PeerTube's side of `vupload auth`: login (instance, user name, a password never given as a flag
// value), status (asks the instance who the token is), logout (--revoke also ends it on the instance), and list.
import type { LoginFlags, LoginRow, ProviderAuth, Request } from '../contract.js';

const iso = (ms: number | null | undefined): string | null =>
  ms == null ? null : new Date(ms).toISOString();

async function login({ ctx, globals, out }: Request, flags: LoginFlags): Promise<void> {
  const { configDir } = await import('../../paths.js');
  const { usageError } = await import('../../errors.js');
  const { checkInstanceUrl } = await import('./instance.js');
  const { envInstance, expiryOf } = await import('./session.js');
  const { readPeerTubeToken, writePeerTubeToken } = await import('./tokens.js');
  const dir = configDir(ctx.env);
  const profile = globals.profile;
  const saved = await readPeerTubeToken(dir, profile).catch(() => undefined);
  // Checked before anything else: a bad address is refused with nothing sent and nothing asked.
  const instance =
    flags.instance !== undefined
      ? checkInstanceUrl(flags.instance, '--instance')
      : (envInstance(ctx) ?? saved?.instance);
  if (!instance)
    throw usageError(
      'which PeerTube instance? Give --instance URL (or set VUPLOAD_PEERTUBE_URL).',
      'Example: vupload auth login --provider peertube --instance https://video.example.org --username alice',
    );
  const username = (flags.username ?? (saved?.instance === instance ? saved.username : undefined))?.trim();
  if (!username)
    throw usageError(
      '--username: which account? Give --username NAME.',
      `Example: vupload auth login --provider peertube --instance ${instance} --username alice`,
    );
  const { passwordFor, localClient, passwordGrant } = await import('./login.js');
  const { password, file } = await passwordFor(ctx, username, instance, flags.passwordFile);
  const { createHttpTransport } = await import('../../upload/transport.js');
  const { mapPeerTubeError } = await import('./errors.js');
  const transport = createHttpTransport();
  try {
    const client = await localClient(transport, instance, ctx.signal);
    const answer = await passwordGrant(ctx, transport, { instance, client, username, password });
    const now = ctx.now();
    const tokenFile = await writePeerTubeToken(dir, {
      version: 1,
      provider: 'peertube',
      profile,
      instance,
      username,
      ...client,
      access_token: answer.access_token,
      refresh_token: answer.refresh_token,
      token_type: answer.token_type ?? 'Bearer',
      expiry_date: expiryOf(now, answer.expires_in),
      refresh_token_expiry: expiryOf(now, answer.refresh_token_expires_in),
      ...(file ? { password_file: file } : {}),
      created_at: new Date(now).toISOString(),
    });
    if (globals.json) out.resultJson({ provider: 'peertube', profile, instance, username, tokenFile });
    out.info(`Logged in to ${instance} as ${username}: profile "${profile}".`);
  } catch (error) {
    throw mapPeerTubeError(error, { action: `log in to ${instance} as ${username}`, profile, instance });
  } finally {
    transport.close();
  }
}

interface Me {
  username: string;
  videoQuota: number;
  videoQuotaDaily: number;
  videoChannels?: Array<{ id: number; name: string; displayName: string }>;
}

async function status(req: Request): Promise<void> {
  const { ctx, globals, out } = req;
  const { configDir } = await import('../../paths.js');
  const { authError } = await import('../../errors.js');
  const { readPeerTubeToken, peertubeLoginHint, peertubeTokenPath } = await import('./tokens.js');
  const { openPeerTube, envInstance } = await import('./session.js');
  const { mapPeerTubeError } = await import('./errors.js');
  const token = await readPeerTubeToken(configDir(ctx.env), globals.profile);
  if (!token) {
    if (globals.json) out.resultJson({ profile: globals.profile, provider: 'peertube', loggedIn: false });
    throw authError(
      'notLoggedIn',
      `profile "${globals.profile}" is not logged in to PeerTube.`,
      peertubeLoginHint(globals.profile, envInstance(ctx)),
    );
  }
  const session = await openPeerTube(req);
  let me: Me;
  try {
    me = await session.api.get<Me>('/users/me');
  } catch (error) {
    throw mapPeerTubeError(error, {
      action: 'ask the instance who is logged in',
      profile: globals.profile,
      instance: session.instance,
    });
  } finally {
    session.transport.close();
  }
  const view = {
    profile: globals.profile,
    provider: 'peertube',
    loggedIn: true,
    instance: session.instance,
    username: me.username,
    channels: (me.videoChannels ?? []).map((c) => ({ id: c.id, name: c.name, displayName: c.displayName })),
    accessTokenExpiry: iso(token.expiry_date),
    refreshTokenExpiry: iso(token.refresh_token_expiry),
    tokenFile: peertubeTokenPath(configDir(ctx.env), globals.profile),
  };
  if (globals.json) out.resultJson(view);
  else
    out.result(
      [
        `profile:  ${view.profile} (PeerTube)`,
        `instance: ${view.instance}`,
        `account:  ${view.username}`,
        `channels: ${view.channels.map((c) => c.name).join(', ') || '(none)'}`,
        `access token expires: ${view.accessTokenExpiry ?? 'unknown'} (refreshed automatically)`,
        `refresh token ends:   ${view.refreshTokenExpiry ?? 'unknown'}`,
      ].join('\n'),
    );
}

async function logout({ ctx, globals, out }: Request, flags: { revoke?: boolean }): Promise<void> {
  const { configDir } = await import('../../paths.js');
  const { deletePeerTubeToken } = await import('./tokens.js');
  let revoked = false;
  if (flags.revoke) {
    const { openPeerTube } = await import('./session.js');
    const { mapPeerTubeError } = await import('./errors.js');
    const session = await openPeerTube({ ctx, globals, out });
    try {
      await session.api.send('POST', '/users/revoke-token');
      revoked = true;
    } catch (error) {
      throw mapPeerTubeError(error, {
        action: 'revoke the PeerTube login',
        profile: globals.profile,
        instance: session.instance,
      });
    } finally {
      session.transport.close();
    }
  }
  const removed = await deletePeerTubeToken(configDir(ctx.env), globals.profile);
  if (globals.json) out.resultJson({ profile: globals.profile, provider: 'peertube', removed, revoked });
  out.info(
    removed
      ? `Removed the saved PeerTube login of profile "${globals.profile}"${revoked ? ' (revoked on the instance)' : ''}.`
      : `Profile "${globals.profile}" is not logged in to PeerTube: there was no saved login to remove.`,
  );
}

async function list({ ctx }: Request): Promise<LoginRow[]> {
  const { configDir } = await import('../../paths.js');
  const { peertubeProfiles, readPeerTubeToken, peertubeTokenPath } = await import('./tokens.js');
  const dir = configDir(ctx.env);
  const rows: LoginRow[] = [];
  for (const profile of await peertubeProfiles(dir)) {
    const token = await readPeerTubeToken(dir, profile).catch(() => undefined);
    rows.push({
      profile,
      provider: 'peertube',
      channel: token ? { id: token.instance, title: `${token.username} on ${token.instance}` } : null,
      scopes: [],
      accessTokenExpiry: iso(token?.expiry_date),
      refreshTokenExpiry: iso(token?.refresh_token_expiry),
      tokenFile: peertubeTokenPath(dir, profile),
      createdAt: token?.created_at ?? null,
      warnings: [],
      ...(token ? {} : { error: { code: 'tokenFileCorrupt', message: 'the token file cannot be read' } }),
    });
  }
  return rows;
}

export const peertubeAuth: ProviderAuth = {
  kind: 'password',
  loginFlags: new Set(['instance', 'username', 'passwordFile'] as const),
  login,
  status,
  logout,
  list,
  open: async (req) => (await import('./session.js')).openPeerTube(req),
};
