// This file is PeerTube's login: the local OAuth client, POST /users/token (password and refresh_token grants, with
// two-factor), token revocation, and the Bearer check every authenticated route runs.
// Sources: server/core/controllers/api/oauth-clients.ts, controllers/api/users/token.ts, lib/auth/oauth-handlers.ts,
// lib/auth/oauth-user.ts, lib/auth/oauth-token.ts, middlewares/auth.ts (and @node-oauth/oauth2-server's errors).
import { readForm } from './body.js';
import { OTP_HEADER, OTP_REQUIRED } from './constants.js';
import { PtError } from './errors.js';
import { isOtpValid } from './otp.js';
import { doc, type PtReq, sendJson } from './request.js';
import type { UserRec } from './state.js';

/** OAuth2 errors as handleToken() renders them: res.fail({ status: err.code, message, type: err.name }). */
const oauth = (name: string, message: string, status = 400, headers?: Record<string, string>) =>
  new PtError(status, message, { type: name, ...(headers ? { headers } : {}) });

/** GET /oauth-clients/local: only for the instance's own host (the Host header must be the configured one). */
export async function localClient(r: PtReq): Promise<void> {
  doc(r, 'getOAuthClient');
  const host = r.ctx.header('host');
  if (host !== new URL(r.core.url).host)
    throw new PtError(403, `Getting client tokens for host ${host} is forbidden`);
  const { id, secret } = r.core.state.client;
  return sendJson(r, 200, { client_id: id, client_secret: secret });
}

/** POST /users/token. */
export async function token(r: PtReq): Promise<void> {
  doc(r, 'getOAuthToken');
  const form = await readForm(r.ctx);
  if (form.kind !== 'urlencoded')
    throw oauth('invalid_request', 'Invalid request: content must be application/x-www-form-urlencoded');
  const f = form.fields as Record<string, string | undefined>;
  const { client } = r.core.state;
  if (!f.client_id || !f.client_secret)
    throw oauth('invalid_client', 'Invalid client: cannot retrieve client credentials');
  if (f.client_id !== client.id || f.client_secret !== client.secret)
    throw oauth('invalid_client', 'Invalid client: client is invalid');
  if (!f.grant_type) throw oauth('invalid_request', 'Missing parameter: `grant_type`');
  if (f.grant_type !== 'password' && f.grant_type !== 'refresh_token')
    throw oauth('unsupported_grant_type', 'Unsupported grant type: `grant_type` is invalid');
  const user = f.grant_type === 'password' ? passwordGrant(r, f) : refreshGrant(r, f);
  const answer = r.core.issue(user);
  await r.core.save();
  return sendJson(r, 200, answer, { 'cache-control': 'no-store', pragma: 'no-cache' });
}

function passwordGrant(r: PtReq, f: Record<string, string | undefined>): UserRec {
  if (!f.username) throw oauth('invalid_request', 'Missing parameter: `username`');
  if (!f.password) throw oauth('invalid_request', 'Missing parameter: `password`');
  const user = r.core.user(f.username);
  if (!user || !r.core.passwordMatches(user, f.password))
    throw oauth('invalid_grant', 'Invalid grant: user credentials are invalid');
  if (user.blocked) throw oauth('account_blocked', 'User is blocked.');
  if (user.otpSecret) {
    const code = r.ctx.header(OTP_HEADER);
    if (!code)
      throw oauth('missing_two_factor', 'Missing two factor header', 401, { [OTP_HEADER]: OTP_REQUIRED });
    if (!isOtpValid(user.otpSecret, code, r.core.now()))
      throw oauth('invalid_two_factor', 'Invalid two factor header');
  }
  return user;
}

/** The refresh token is single use: the pair it belongs to is revoked and a new pair issued. */
function refreshGrant(r: PtReq, f: Record<string, string | undefined>): UserRec {
  if (!f.refresh_token) throw oauth('invalid_request', 'Missing parameter: `refresh_token`');
  const tokens = r.core.state.tokens;
  const access = Object.keys(tokens).find((a) => tokens[a]!.refreshToken === f.refresh_token);
  const rec = access === undefined ? undefined : tokens[access];
  const user = rec && r.core.userById(rec.userId);
  if (!access || !rec || !user) throw oauth('invalid_grant', 'Invalid grant: refresh token is invalid');
  if (rec.refreshExpiresAt < r.core.now())
    throw oauth('invalid_grant', 'Invalid grant: refresh token has expired');
  delete tokens[access];
  return user;
}

/** POST /users/revoke-token: the caller's pair is destroyed. */
export async function revokeToken(r: PtReq): Promise<void> {
  doc(r, 'revokeOAuthToken');
  const { accessToken } = authenticateToken(r);
  delete r.core.state.tokens[accessToken];
  await r.core.save();
  await r.ctx.drain();
  return sendJson(r, 200, { success: true });
}

/**
 * The `authenticate` middleware: oauth2-server finds the Bearer token and PeerTube answers any failure with
 * res.fail({ status: err.status, message: 'Token is invalid', type: err.name }).
 */
function authenticateToken(r: PtReq): { user: UserRec; accessToken: string } {
  const fail = (status: number, name: string) => new PtError(status, 'Token is invalid', { type: name });
  const header = r.ctx.header('authorization');
  if (header === undefined) {
    if (r.ctx.param('access_token') !== undefined) throw fail(400, 'invalid_request');
    throw fail(401, 'unauthorized_request');
  }
  const m = /^Bearer\s(\S+)/.exec(header);
  if (!m) throw fail(400, 'invalid_request');
  const rec = r.core.state.tokens[m[1]!];
  const user = rec && r.core.userById(rec.userId);
  if (!rec || !user || rec.accessExpiresAt < r.core.now()) throw fail(401, 'invalid_token');
  return { user, accessToken: m[1]! };
}

export const authenticate = (r: PtReq): UserRec => authenticateToken(r).user;

/** optionalAuthenticate: a request with an Authorization header must carry a valid token. */
export const optionalAuthenticate = (r: PtReq): UserRec | undefined =>
  r.ctx.header('authorization') === undefined ? undefined : authenticate(r);
