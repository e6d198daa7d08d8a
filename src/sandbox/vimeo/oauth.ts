// This file emulates Vimeo's OAuth 2: authorization code (with state), client credentials, verify, revoke, and the
// bearer check of every API call (developer.vimeo.com/api/authentication; api.yaml /oauth/*; vimeo.js, vimeo.php).
// Vimeo's tokens do not expire: the token answer has no expires_in and no refresh_token (api.yaml `auth` schema).
import { statusOf } from '../faults.js';
import { isLoopbackRedirect } from '../redirect.js';
import { DEFAULT_USER } from './core.js';
import { invalidToken, missingScope, noCredentials, noUser, VimeoError } from './errors.js';
import { type Json, MEDIA, readBody, type VReq } from './request.js';
import { hex, type TokenRec, type UserRec } from './state.js';
import { userResource } from './users.js';

export const SCOPES = [
  'public',
  'private',
  'purchased',
  'create',
  'edit',
  'delete',
  'interact',
  'upload',
  'video_files',
  'stats',
  'email',
  'promo_codes',
  'purchase',
];
const CODE_TTL_MS = 10 * 60 * 1000;

/** A new token for `user` (undefined: a client-credentials token). Vimeo's tokens are 32 hex digits. */
export function issueToken(r: Pick<VReq, 'core'>, clientId: string, scopes: string[], user?: string): string {
  const token = hex(16);
  r.core.state.tokens[token] = { clientId, scopes, createdAt: r.core.now(), ...(user ? { user } : {}) };
  return token;
}

function tokenAnswer(r: VReq, token: string, rec: TokenRec): Json {
  const app = r.core.app(rec.clientId);
  return {
    access_token: token,
    token_type: 'bearer',
    scope: rec.scopes.join(' '),
    app: { name: app?.name ?? rec.clientId, uri: `/apps/${rec.clientId}` },
    ...(rec.user ? { user: userResource(r.core, r.core.user(rec.user)) } : {}),
  };
}

function page(r: VReq, status: number, title: string, detail: string): Promise<void> {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return r.ctx.send(
    status,
    { 'content-type': 'text/html; charset=utf-8' },
    `<!doctype html><html><head><title>${esc(title)}</title></head><body><h1>${esc(title)}</h1><p>${esc(detail)}</p></body></html>`,
  );
}

/** The redirect URIs the app registered match exactly; without a list, any loopback http URL is accepted. */
function redirectAllowed(uris: string[] | undefined, uri: string): boolean {
  return uris ? uris.includes(uri) : isLoopbackRedirect(uri);
}

/** GET /oauth/authorize: the sandbox consents at once (as `sandbox_user`, default sandbox-user) and redirects. */
export async function authorize(r: VReq): Promise<void> {
  const p = (name: string) => r.ctx.param(name);
  const app = r.core.app(p('client_id'));
  if (!app) return page(r, 400, 'Invalid client', 'The client_id does not belong to any app.');
  const redirectUri = p('redirect_uri') ?? '';
  if (!redirectAllowed(app.redirectUris, redirectUri))
    return page(r, 400, 'Invalid redirect_uri', `${redirectUri} is not a callback URL of this app.`);
  const state = p('state');
  if (!state) return page(r, 400, 'Missing state', 'The state parameter is required.');
  const back = (params: Record<string, string>) => {
    const target = new URL(redirectUri);
    for (const [k, v] of Object.entries({ ...params, state })) target.searchParams.set(k, v);
    return r.ctx.send(302, { location: target.toString() });
  };
  const fault = statusOf(r.fault);
  if (fault) {
    if (fault.reason) return back({ error: fault.reason, error_description: fault.message ?? fault.reason });
    return page(r, fault.status, `Error ${fault.status}`, fault.message ?? 'The sandbox was told to fail.');
  }
  if (p('response_type') !== 'code') return back({ error: 'unsupported_response_type' });
  const scopes = (p('scope') ?? 'public private').split(/[\s,]+/).filter(Boolean);
  if (!scopes.every((s) => SCOPES.includes(s))) return back({ error: 'invalid_scope' });
  const code = hex(20);
  r.core.state.codes[code] = {
    clientId: app.clientId,
    redirectUri,
    scopes,
    user: r.core.user(p('sandbox_user') ?? DEFAULT_USER).name,
    expiresAt: r.core.now() + CODE_TTL_MS,
    used: false,
  };
  await r.core.save();
  return back({ code });
}

/** OAuth's flat error body on the token endpoints: {error, error_description} (api.yaml `auth-error`). */
export class AuthError extends VimeoError {
  constructor(status: number, error: string, description: string) {
    super(status, 0, description, description, { headers: { 'content-type': MEDIA.auth } });
    this.name = error;
  }

  override body(): Json {
    return { error: this.name, error_description: this.message };
  }
}

/** HTTP Basic client_id:client_secret, as vimeo.js and vimeo.php send it to the token endpoints. */
function clientOf(r: VReq) {
  const m = /^basic\s+(\S+)$/i.exec(r.ctx.header('authorization') ?? '');
  const [id, secret] = m ? Buffer.from(m[1]!, 'base64').toString().split(':') : [];
  const app = r.core.app(id);
  // The body vimeo/vimeo.php#147 quotes.
  if (!app || app.clientSecret !== secret)
    throw new AuthError(
      401,
      'invalid_client',
      "A valid client ID must be provided along with any request made to Vimeo's API",
    );
  return app;
}

/** The token endpoints take JSON (developer.vimeo.com/api/authentication, step 4); a form gets the 400 page vimeo.js#191 shows. */
async function tokenBody(r: VReq): Promise<Json | undefined> {
  if ((r.ctx.header('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    await r.ctx.drain();
    await page(r, 400, 'HTTP Status 400 – Bad Request', 'The request body must be JSON.');
    return undefined;
  }
  return readBody(r);
}

/** The app (HTTP Basic) and the JSON body of a token request of `grant`; undefined once a form got its 400 page. */
async function grantRequest(r: VReq, grant: string) {
  const app = clientOf(r);
  const body = await tokenBody(r);
  if (!body) return undefined;
  if (body.grant_type !== grant)
    throw new AuthError(400, 'unsupported_grant_type', 'The grant type is invalid.');
  return { app, body };
}

async function sendToken(r: VReq, token: string): Promise<void> {
  await r.core.save();
  const answer = tokenAnswer(r, token, r.core.state.tokens[token]!);
  return r.ctx.send(200, { 'content-type': MEDIA.auth }, JSON.stringify(answer));
}

/** POST /oauth/access_token: exchanges a code (api.yaml exchange_auth_code). */
export async function accessToken(r: VReq): Promise<void> {
  const request = await grantRequest(r, 'authorization_code');
  if (!request) return;
  const { app, body } = request;
  const code = typeof body.code === 'string' ? r.core.state.codes[body.code] : undefined;
  if (!code || code.used || code.expiresAt <= r.core.now() || code.clientId !== app.clientId)
    throw new AuthError(400, 'invalid_grant', 'The authorization code is invalid.');
  if (body.redirect_uri !== code.redirectUri)
    throw new AuthError(
      400,
      'invalid_grant',
      "The redirect URI doesn't match the URI to create the authorization code.",
    );
  code.used = true;
  return sendToken(r, issueToken(r, app.clientId, code.scopes, code.user));
}

/** POST /oauth/authorize/client: a token of the app alone, with no user (api.yaml client_auth). */
export async function clientCredentials(r: VReq): Promise<void> {
  const request = await grantRequest(r, 'client_credentials');
  if (!request) return;
  return sendToken(r, issueToken(r, request.app.clientId, ['public']));
}

/**
 * The bearer check: no credentials 8003, unknown or revoked 8000, no user 8002 (when the call needs one), a
 * missing scope 403. Then the user's rate limit: its headers go on every answer, 429 past it.
 */
export function authenticate(r: VReq, scope?: string): UserRec {
  if (r.user && r.token) {
    // Already checked (a /users/{id} route checks the user first): only the scope is new, no second count.
    if (scope && !r.token.scopes.includes(scope)) throw missingScope(scope);
    return r.user;
  }
  const header = r.ctx.header('authorization') ?? '';
  const m = /^bearer\s+(\S+)$/i.exec(header);
  if (!m) throw noCredentials();
  const rec = r.core.state.tokens[m[1]!];
  if (!rec || rec.revoked) throw invalidToken();
  r.token = rec;
  if (!rec.user) throw noUser();
  if (scope && !rec.scopes.includes(scope)) throw missingScope(scope);
  const user = r.core.user(rec.user);
  const verdict = r.core.limiter.take(user.name);
  r.rateHeaders = verdict.headers;
  if (!verdict.allowed) {
    r.entry.rateLimited = true;
    throw new VimeoError(
      429,
      9000, // unverified code
      'Too many API requests. Please try again later.',
      `The rate limit was reached; it resets at ${verdict.headers['x-ratelimit-reset']}.`,
    );
  }
  r.user = user;
  return user;
}

/** GET /oauth/verify: what the token is (api.yaml: 200, or 401 for an invalid token). */
export async function verify(r: VReq): Promise<void> {
  const header = /^bearer\s+(\S+)$/i.exec(r.ctx.header('authorization') ?? '');
  const rec = header ? r.core.state.tokens[header[1]!] : undefined;
  if (!rec || rec.revoked) throw invalidToken();
  return r.ctx.send(200, { 'content-type': MEDIA.auth }, JSON.stringify(tokenAnswer(r, header![1]!, rec)));
}

/** DELETE /tokens: revokes the token the request carries (204). */
export async function revoke(r: VReq): Promise<void> {
  authenticate(r);
  r.token!.revoked = true;
  await r.core.save();
  return r.ctx.send(204, {});
}
