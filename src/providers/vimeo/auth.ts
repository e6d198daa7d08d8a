// This file is Vimeo's side of `vupload auth`: login (login.ts), import, status, logout (with --revoke: DELETE /tokens)
// and the list of saved logins, each checked with Vimeo's /oauth/verify where the API can be reached.
import { authError, isVuploadError } from '../../errors.js';
import { configDir } from '../../paths.js';
import type { LoginRow, ProviderAuth, Request } from '../contract.js';
import { VIMEO_SCOPES } from './options.js';
import { findVimeoToken, openVimeo, vimeoApi, vimeoApiRoot } from './session.js';
import {
  deleteVimeoToken,
  readVimeoToken,
  vimeoLoginHint,
  vimeoProfiles,
  vimeoTokenPath,
} from './token-store.js';

type Json = Record<string, unknown>;

/** What /oauth/verify says of a token: its user and scopes. */
function describeGrant(answer: Json): { user?: { id: string; title: string }; scopes: string[] } {
  const user = answer.user as Json | undefined;
  const scopes = typeof answer.scope === 'string' ? answer.scope.split(/[\s,]+/).filter(Boolean) : [];
  return {
    ...(typeof user?.uri === 'string' ? { user: { id: user.uri, title: String(user.name ?? '') } } : {}),
    scopes,
  };
}

async function status(req: Request): Promise<void> {
  const { ctx, globals, out } = req;
  const found = await findVimeoToken(globals, ctx);
  if (!found) {
    if (globals.json) out.resultJson({ profile: globals.profile, provider: 'vimeo', loggedIn: false });
    throw authError(
      'notLoggedIn',
      `profile "${globals.profile}" is not logged in to Vimeo.`,
      vimeoLoginHint(globals.profile),
    );
  }
  const api = vimeoApi(req, found.token);
  let grant: ReturnType<typeof describeGrant>;
  try {
    // Vimeo's tokens do not expire: only asking Vimeo tells whether this one still works (exit 3 when revoked).
    grant = describeGrant(await api.get('/oauth/verify', { action: 'accept the saved token' }));
  } finally {
    api.close();
  }
  const missing = VIMEO_SCOPES.filter((s) => !grant.scopes.includes(s));
  const view = {
    profile: globals.profile,
    provider: 'vimeo',
    loggedIn: true,
    ...(grant.user ? { channel: grant.user } : {}),
    scopes: grant.scopes,
    ...(missing.length ? { missingScopes: missing } : {}),
    source: found.source,
    ...(found.file ? { tokenFile: found.file } : {}),
    apiUrl: vimeoApiRoot(globals, ctx),
  };
  if (globals.json) out.resultJson(view);
  else
    out.result(
      [
        `profile:  ${view.profile} (Vimeo${grant.user ? `, ${grant.user.title} ${grant.user.id}` : ''})`,
        `token:    ${found.source === 'env' ? 'VUPLOAD_VIMEO_TOKEN' : found.file} (Vimeo tokens do not expire)`,
        `scopes:   ${grant.scopes.join(' ') || '(none)'}`,
      ].join('\n'),
    );
  if (missing.length) out.warn(`the token lacks the scopes ${missing.join(', ')}.`);
}

async function logout(req: Request, flags: { revoke?: boolean }): Promise<void> {
  const { ctx, globals, out } = req;
  const config = configDir(ctx.env);
  const saved = await readVimeoToken(config, globals.profile).catch(() => undefined);
  let revokeError: string | undefined;
  if (flags.revoke && saved) {
    // DELETE /tokens revokes the token the request carries (api.yaml delete_token); it goes only to its own API.
    const api = vimeoApi(req, saved.access_token);
    try {
      if (saved.api_url !== vimeoApiRoot(globals, ctx)) throw new Error(`the login is for ${saved.api_url}`);
      await api.delete('/tokens', { action: 'revoke the token' });
    } catch (error) {
      revokeError = error instanceof Error ? error.message : String(error);
    } finally {
      api.close();
    }
  }
  const removed = await deleteVimeoToken(config, globals.profile);
  if (globals.json)
    out.resultJson({
      profile: globals.profile,
      provider: 'vimeo',
      removed,
      ...(flags.revoke ? { revoke: saved !== undefined && revokeError === undefined } : {}),
      ...(revokeError ? { revokeError } : {}),
    });
  if (revokeError)
    out.warn(`the token could not be revoked at Vimeo (${revokeError}); revoke it on vimeo.com.`);
  else if (flags.revoke && saved) out.info('Revoked the token at Vimeo.');
  out.info(
    removed
      ? `Removed the saved Vimeo login of profile "${globals.profile}".`
      : `Profile "${globals.profile}" has no saved Vimeo login: there was nothing to remove.`,
  );
}

async function list(req: Request): Promise<LoginRow[]> {
  const { ctx, globals } = req;
  const config = configDir(ctx.env);
  const profiles = await vimeoProfiles(config);
  // Only with Vimeo logins: `auth list` of someone who never used Vimeo does not depend on its settings.
  if (profiles.length === 0) return [];
  const root = vimeoApiRoot(globals, ctx);
  const rows: LoginRow[] = [];
  for (const profile of profiles) {
    const tokenFile = vimeoTokenPath(config, profile);
    const token = await readVimeoToken(config, profile).catch(() => undefined);
    const row: LoginRow = {
      profile,
      provider: 'vimeo',
      channel: token?.user ? { id: token.user.uri, title: token.user.name } : null,
      scopes: token?.scope.split(/[\s,]+/).filter(Boolean) ?? [],
      accessTokenExpiry: null,
      refreshTokenExpiry: null,
      lifetime:
        'the token does not expire (it lasts until revoked: vupload auth logout --provider vimeo --revoke)',
      tokenFile,
      createdAt: token?.created_at ?? null,
      warnings: [],
    };
    if (!token) row.error = { code: 'tokenFileCorrupt', message: 'the token file cannot be read' };
    else if (token.api_url !== root) row.warnings.push(`a login for ${token.api_url}, not ${root}`);
    else {
      // One try: a list is not worth a minute of backoff when Vimeo cannot be reached.
      const api = vimeoApi({ ...req, globals: { ...globals, profile } }, token.access_token, 0);
      try {
        await api.get('/oauth/verify', { action: 'accept the saved token' });
      } catch (error) {
        if (isVuploadError(error) && error.exitCode === 3)
          row.error = { code: 'revoked', message: 'Vimeo no longer accepts this token' };
        else row.warnings.push(`could not ask Vimeo (${(error as Error).message})`);
      } finally {
        api.close();
      }
    }
    rows.push(row);
  }
  return rows;
}

export const vimeoAuth: ProviderAuth = {
  kind: 'oauth-browser',
  loginFlags: new Set(['openBrowser', 'port', 'tokenFile'] as const),
  login: async (req, flags) => (await import('./login.js')).vimeoLogin(req, flags),
  import: async (req, file) => (await import('./login.js')).importVimeoToken(req, file),
  status,
  logout,
  list,
  open: openVimeo,
};
