// This file emulates Youku's OAuth 2 endpoints (authorize, token / token.json) and the access_token check of calls.
import type { YoukuCore } from './core.js';
import { randomId } from './core.js';
import { invalidParameter, YoukuError } from './errors.js';
import { need, params, send, type YReq } from './request.js';

const CODE_TTL_MS = 10 * 60 * 1000;

/** Checks client_id and access_token (API-NOTES §10: 1005 bad client, 1009 expired token). */
export function authenticate(core: YoukuCore, p: Record<string, string>): void {
  const [clientId, accessToken] = need(p, 'client_id', 'access_token');
  if (!core.client(clientId)) throw new YoukuError(1005);
  const token = core.tokens.get(accessToken!);
  if (token?.kind !== 'access' || token.clientId !== clientId) throw invalidParameter('access_token');
  if (token.expiresAt !== undefined && token.expiresAt <= core.now()) throw new YoukuError(1009);
}

/** The consent page, answered at once: a 302 back to redirect_uri with code and state (no human in the loop). */
export async function authorize(r: YReq): Promise<void> {
  const p = await params(r);
  const [clientId, redirectUri] = need(p, 'client_id', 'redirect_uri');
  if (!r.core.client(clientId)) throw new YoukuError(1005);
  if (!URL.canParse(redirectUri!)) throw invalidParameter('redirect_uri');
  const target = new URL(redirectUri!);
  if (p.state !== undefined) target.searchParams.set('state', p.state);
  if (r.fault && 'error' in r.fault) {
    target.searchParams.set('error', 'access_denied');
  } else if (p.response_type !== 'code') {
    target.searchParams.set('error', 'unsupported_response_type');
  } else {
    const code = `yk-code-${randomId(24)}`;
    r.core.codes.set(code, {
      clientId: clientId!,
      redirectUri: redirectUri!,
      expiresAt: r.core.now() + CODE_TTL_MS,
    });
    target.searchParams.set('code', code);
  }
  await r.ctx.send(302, { location: target.toString() });
}

/** authorization_code (client_id, client_secret, code, redirect_uri) and refresh_token (client_id, refresh_token). */
export async function token(r: YReq): Promise<void> {
  const p = await params(r);
  const [clientId, grantType] = need(p, 'client_id', 'grant_type');
  const client = r.core.client(clientId);
  if (!client) throw new YoukuError(1005);
  if (grantType === 'authorization_code') {
    const [secret, code, redirectUri] = need(p, 'client_secret', 'code', 'redirect_uri');
    if (secret !== client.clientSecret) throw new YoukuError(1005, 'Client secret invalid');
    const rec = r.core.codes.get(code!);
    r.core.codes.delete(code!);
    if (!rec || rec.clientId !== clientId || rec.expiresAt <= r.core.now()) throw invalidParameter('code');
    if (rec.redirectUri !== redirectUri)
      throw invalidParameter('redirect_uri', 'does not match the authorize call');
    return send(r, 200, r.core.issue(clientId!));
  }
  if (grantType === 'refresh_token') {
    const [refresh] = need(p, 'refresh_token');
    const rec = r.core.tokens.get(refresh!);
    if (rec?.kind !== 'refresh' || rec.clientId !== clientId) throw invalidParameter('refresh_token');
    return send(r, 200, r.core.issue(clientId!, undefined, refresh));
  }
  throw invalidParameter('grant_type');
}
