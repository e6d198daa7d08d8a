// This file emulates Google's OAuth endpoints (authorize, token, revoke) and the bearer check of every API call.
import { createHash, timingSafeEqual } from 'node:crypto';
import { insufficientPermissions, invalidCredentials, loginRequired, OAuthError } from '../errors.js';
import { statusOf } from '../faults.js';
import { type Ctx, redact } from '../http.js';
import { isLoopbackRedirect } from '../redirect.js';
import { type Core, DEFAULT_USER } from './core.js';
import { randomId, type TokenRec, type UserRec } from './store.js';
import type { MintTokenOptions, TokenResponse } from './types.js';

const SCOPE_ROOT = 'https://www.googleapis.com/auth/';
export const SCOPES = {
  upload: `${SCOPE_ROOT}youtube.upload`,
  youtube: `${SCOPE_ROOT}youtube`,
  forceSsl: `${SCOPE_ROOT}youtube.force-ssl`,
  readonly: `${SCOPE_ROOT}youtube.readonly`,
  partner: `${SCOPE_ROOT}youtubepartner`,
};
/** Which scopes allow what (API-NOTES §4, §7, §8): youtube.upload is for insert and thumbnails only. */
export const ALLOW = {
  upload: [SCOPES.upload, SCOPES.youtube, SCOPES.forceSsl, SCOPES.partner],
  write: [SCOPES.youtube, SCOPES.forceSsl, SCOPES.partner],
  read: [SCOPES.youtube, SCOPES.forceSsl, SCOPES.readonly, SCOPES.partner],
  captions: [SCOPES.forceSsl, SCOPES.partner],
  any: undefined,
};
const DEFAULT_SCOPES = [SCOPES.upload, SCOPES.youtube, SCOPES.forceSsl];
const CODE_TTL_MS = 10 * 60 * 1000;

/** Accepts short names ('youtube.upload') as well as full scope URLs. */
export function normalizeScope(scope: string): string {
  return scope.includes(':') ? scope : `${SCOPE_ROOT}${scope}`;
}

function knownScope(scope: string): boolean {
  return scope.startsWith(SCOPE_ROOT) || ['openid', 'email', 'profile'].includes(scope);
}

function issue(core: Core, user: string, clientId: string, scopes: string[], ttlSec: number, grant?: string) {
  const state = core.store.state;
  const refresh = grant ?? `1//sandbox-${randomId(43)}`;
  const refreshTtl = core.opts.refreshTokenTtlSec;
  if (!grant) {
    state.tokens[refresh] = {
      kind: 'refresh',
      user,
      clientId,
      scopes,
      ...(refreshTtl !== undefined ? { expiresAt: core.now() + refreshTtl * 1000 } : {}),
    };
  }
  const refreshExpiresAt = state.tokens[refresh]?.expiresAt;
  const access = `ya29.sandbox-${randomId(64)}`;
  state.tokens[access] = {
    kind: 'access',
    user,
    clientId,
    scopes,
    expiresAt: core.now() + ttlSec * 1000,
    grant: refresh,
  };
  return {
    access_token: access,
    refresh_token: refresh,
    expires_in: ttlSec,
    // Google adds this for grants that end by themselves ("Testing" apps, time-based access).
    ...(refreshExpiresAt !== undefined
      ? { refresh_token_expires_in: Math.max(0, Math.floor((refreshExpiresAt - core.now()) / 1000)) }
      : {}),
    scope: scopes.join(' '),
    token_type: 'Bearer' as const,
  };
}

export function mintToken(core: Core, opts: MintTokenOptions = {}): TokenResponse {
  const scopes = (opts.scopes ?? DEFAULT_SCOPES).map(normalizeScope);
  const user = core.user(opts.user ?? DEFAULT_USER).name;
  const token = issue(
    core,
    user,
    core.opts.clients[0]!.clientId,
    scopes,
    opts.ttlSec ?? core.opts.accessTokenTtlSec,
  );
  core.saveLater();
  return token;
}

function errorPage(title: string, detail: string): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html><head><title>${esc(title)}</title></head><body><h1>Access blocked</h1><p>${esc(title)}</p><p>${esc(detail)}</p></body></html>`;
}

/** GET /o/oauth2/v2/auth: consents at once and redirects with a code (or shows Google's error page). */
export async function authorize(ctx: Ctx, core: Core): Promise<void> {
  const p = (name: string) => ctx.param(name);
  const page = (status: number, title: string, detail: string) =>
    ctx.send(status, { 'content-type': 'text/html; charset=utf-8' }, errorPage(title, detail));
  const clientId = p('client_id') ?? '';
  if (!core.client(clientId))
    return page(400, 'Error 401: invalid_client', 'The OAuth client was not found.');
  const redirectUri = p('redirect_uri') ?? '';
  if (!isLoopbackRedirect(redirectUri)) {
    return page(
      400,
      'Error 400: redirect_uri_mismatch',
      `redirect_uri must be a loopback address: ${redirectUri}`,
    );
  }
  const back = (params: Record<string, string>) => {
    const target = new URL(redirectUri);
    for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
    const state = p('state');
    if (state !== undefined) target.searchParams.set('state', state);
    return ctx.send(302, { location: target.toString() });
  };
  const fault = statusOf(ctx.fault);
  if (fault) {
    // Consent refused or blocked: Google redirects with error=… (access_denied) and the caller's state.
    if (fault.reason) return back({ error: fault.reason });
    return page(fault.status, `Error ${fault.status}`, fault.message ?? 'The sandbox was told to fail.');
  }
  if (p('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
  const scopes = (p('scope') ?? '').split(/\s+/).filter(Boolean);
  if (scopes.length === 0)
    return page(400, 'Error 400: invalid_request', 'Missing required parameter: scope');
  if (!scopes.every(knownScope))
    return page(400, 'Error 400: invalid_scope', `Some requested scopes are invalid.`);
  const challenge = p('code_challenge');
  const method = challenge === undefined ? undefined : (p('code_challenge_method') ?? 'plain');
  if (method !== undefined && method !== 'S256' && method !== 'plain') {
    return page(400, 'Error 400: invalid_request', `Invalid code_challenge_method: ${method}`);
  }
  const user = core.user(p('login_hint') || DEFAULT_USER).name;
  const code = `4/0sandbox-${randomId(40)}`;
  core.store.state.codes[code] = {
    clientId,
    redirectUri,
    challenge,
    method,
    scopes,
    user,
    expiresAt: core.now() + CODE_TTL_MS,
    used: false,
  };
  await core.store.save();
  return back({ code, scope: scopes.join(' ') });
}

function verifierMatches(verifier: string, challenge: string, method: string): boolean {
  const expected = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  const a = Buffer.from(expected);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Client credentials from HTTP Basic (the Go client) or the form body (RFC 6749 §2.3.1). */
function clientOf(ctx: Ctx, form: URLSearchParams): { id?: string; secret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(ctx.header('authorization') ?? '');
  if (basic) {
    const [id, secret] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
    return { id: decodeURIComponent(id ?? ''), secret: decodeURIComponent(secret ?? '') };
  }
  return { id: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined };
}

async function readForm(ctx: Ctx): Promise<URLSearchParams> {
  const text = await ctx.text();
  let form: URLSearchParams;
  if ((ctx.header('content-type') ?? '').includes('json') && text.trim().startsWith('{')) {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new OAuthError(400, 'invalid_request', 'The request body is not valid JSON.');
    }
    form = new URLSearchParams(Object.entries(obj).map(([k, v]): [string, string] => [k, String(v)]));
  } else form = new URLSearchParams(text);
  ctx.entry.form = redact(Object.fromEntries(form));
  return form;
}

/** POST /token: authorization_code (with PKCE) and refresh_token grants. */
export async function token(ctx: Ctx, core: Core): Promise<void> {
  const form = await readForm(ctx);
  const client = clientOf(ctx, form);
  const known = core.client(client.id ?? '');
  if (!known) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
  if (!client.secret) throw new OAuthError(400, 'invalid_request', 'client_secret is missing.');
  if (client.secret !== known.clientSecret) throw new OAuthError(401, 'invalid_client', 'Unauthorized');
  const state = core.store.state;
  const grantType = form.get('grant_type');
  const ttl = core.opts.accessTokenTtlSec;
  if (grantType === 'authorization_code') {
    const code = form.get('code');
    if (!code) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: code');
    const rec = state.codes[code];
    if (!rec || rec.clientId !== known.clientId)
      throw new OAuthError(400, 'invalid_grant', 'Malformed auth code.');
    if (rec.used) throw new OAuthError(400, 'invalid_grant', 'Bad Request: the code was already redeemed.');
    if (rec.expiresAt <= core.now())
      throw new OAuthError(400, 'invalid_grant', 'Bad Request: the code expired.');
    if ((form.get('redirect_uri') ?? '') !== rec.redirectUri)
      throw new OAuthError(400, 'redirect_uri_mismatch', 'Bad Request');
    rec.used = true;
    if (rec.challenge !== undefined) {
      const verifier = form.get('code_verifier');
      if (!verifier) throw new OAuthError(400, 'invalid_grant', 'Missing code verifier.');
      if (!verifierMatches(verifier, rec.challenge, rec.method ?? 'plain')) {
        throw new OAuthError(400, 'invalid_grant', 'Invalid code verifier.');
      }
    }
    const answer = issue(core, rec.user, known.clientId, rec.scopes, ttl);
    await core.store.save();
    return ctx.sendJson(200, answer, { 'cache-control': 'no-store' });
  }
  if (grantType === 'refresh_token') {
    const refresh = form.get('refresh_token');
    if (!refresh) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
    const rec = state.tokens[refresh];
    if (
      rec?.kind !== 'refresh' ||
      rec.revoked ||
      (rec.expiresAt !== undefined && rec.expiresAt <= core.now())
    ) {
      throw new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    }
    if (rec.clientId !== known.clientId) throw new OAuthError(400, 'unauthorized_client', 'Unauthorized');
    const { refresh_token: _kept, ...answer } = issue(core, rec.user, rec.clientId, rec.scopes, ttl, refresh);
    await core.store.save();
    return ctx.sendJson(200, answer, { 'cache-control': 'no-store' });
  }
  if (!grantType) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: grant_type');
  throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
}

/**
 * POST /revoke?token=… (or form token): revoking either token revokes the whole grant, as Google documents:
 * an access token takes its refresh token with it, and a refresh token all its access tokens.
 */
export async function revoke(ctx: Ctx, core: Core): Promise<void> {
  const form = await readForm(ctx);
  const value = ctx.param('token') ?? form.get('token') ?? '';
  const tokens = core.store.state.tokens;
  const rec = tokens[value];
  if (!rec || rec.revoked || (rec.expiresAt !== undefined && rec.expiresAt <= core.now())) {
    throw new OAuthError(400, 'invalid_token', 'Token expired or revoked');
  }
  const grant = rec.kind === 'refresh' ? value : rec.grant;
  rec.revoked = true;
  for (const [key, t] of Object.entries(tokens)) {
    if (grant !== undefined && (key === grant || t.grant === grant)) t.revoked = true;
  }
  await core.store.save();
  return ctx.sendJson(200, {});
}

/** The bearer check of every Data API call: 401 required (no credentials) or authError, or 403 insufficientPermissions for missing scopes. */
export function authenticate(ctx: Ctx, core: Core, allowed: readonly string[] | undefined): UserRec {
  const header = ctx.header('authorization');
  if (header === undefined) throw loginRequired();
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  const rec: TokenRec | undefined = m ? core.store.state.tokens[m[1]!] : undefined;
  if (rec?.kind !== 'access' || rec.revoked || (rec.expiresAt ?? 0) <= core.now()) throw invalidCredentials();
  if (allowed && !rec.scopes.some((s) => allowed.includes(s))) throw insufficientPermissions();
  return core.user(rec.user);
}

/** Drops expired codes and access tokens long past expiry so state.json does not grow without bound. */
export function pruneTokens(core: Core): void {
  const { tokens, codes } = core.store.state;
  const cutoff = core.now() - 24 * 3600 * 1000;
  for (const [k, t] of Object.entries(tokens))
    if (t.kind === 'access' && (t.expiresAt ?? 0) < cutoff) delete tokens[k];
  for (const [k, c] of Object.entries(codes)) if (c.expiresAt < cutoff) delete codes[k];
}
