// This file is the API host's request listener: routes, logs, applies scripted faults and answers errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';
import { statusOf } from '../faults.js';
import { Ctx, loggedHeaders, queryOf, redact } from '../http.js';
import { Cooldowns } from '../retry-after.js';
import type { Fault, RequestLogEntry, StatusFault } from '../types.js';
import type { VimeoCore } from './core.js';
import { injected, VimeoError } from './errors.js';
import { AuthError } from './oauth.js';
import { sendError, type VReq } from './request.js';
import { route } from './routes.js';
import type { VimeoFaultKind, VimeoRequestLogEntry } from './types.js';

type Admin = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** A scripted error in the shape of its endpoint: OAuth's on the token endpoints, Vimeo's elsewhere. */
export function faultError(kind: VimeoFaultKind, f: StatusFault): VimeoError {
  if (kind === 'token') {
    const err = new AuthError(f.status, f.reason ?? 'server_error', f.message ?? 'Injected by the sandbox.');
    if (f.retryAfter !== undefined) err.extra.headers!['retry-after'] = String(f.retryAfter);
    return err;
  }
  return injected(f.status, f.reason, f.message, kind === 'upload-init', f.retryAfter);
}

/** The one-line human log of a request, once it is over. */
export function logLine(entry: VimeoRequestLogEntry, ms: number, fault?: Fault): string {
  const { on: _on, times: _times, ...effect } = fault ?? ({} as Fault);
  return (
    `vimeo ${entry.host} ${entry.method} ${entry.path} -> ${entry.status || 'cut'} (${entry.kind}) ${entry.bodyBytes}B` +
    `${entry.errorCode ? ` error_code=${entry.errorCode}` : ''}${entry.offsetAfter !== undefined ? ` offset=${entry.offsetAfter}` : ''}` +
    ` ${ms}ms${fault ? ` fault=${JSON.stringify(effect)}` : ''}`
  );
}

export function newEntry(
  core: VimeoCore,
  host: 'api' | 'upload',
  req: IncomingMessage,
  url: URL,
  kind: VimeoFaultKind,
) {
  const query = redact(queryOf(url));
  if ('password' in query) query.password = '***';
  const entry: VimeoRequestLogEntry = {
    time: core.now(),
    host,
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query,
    headers: loggedHeaders(req),
    bodyBytes: 0,
    status: 0,
    kind,
  };
  core.requests.push(entry);
  return entry;
}

export function createApiListener(core: VimeoCore, admin: Admin, log?: (line: string) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', core.url || 'http://127.0.0.1');
    if (url.pathname.startsWith('/__sandbox/')) {
      admin(req, res, url).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(err) }));
      });
      return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const matched = route(method, url.pathname);
    const kind = matched.kind;
    const entry = newEntry(core, 'api', req, url, kind);
    const version = /version=([\d.]+)/.exec(req.headers.accept ?? '')?.[1];
    if (version) entry.apiVersion = version;
    // Back before an earlier error's Retry-After: that error again, and no fault is used up.
    const early = core.cooldowns.early(Cooldowns.key(kind), core.now());
    const fault = early
      ? undefined
      : core.faults.take({ kind, method, path: url.pathname, hasSession: false });
    if (fault) entry.fault = fault;
    if (early) entry.tooEarly = true;
    const ctx = new Ctx(req, res, url, queryOf(url), entry as unknown as RequestLogEntry, fault);
    const r: VReq = { ctx, core, entry, fault, params: matched.params, rateHeaders: {} };
    const started = Date.now();
    res.on('close', () => {
      if (!res.writableFinished) ctx.markGone();
      log?.(logLine(entry, Date.now() - started, fault));
    });
    const run = async () => {
      try {
        if (early) {
          await ctx.drain();
          return await sendError(r, faultError(early.kind as VimeoFaultKind, early.error));
        }
        const error = statusOf(fault);
        if (error && kind !== 'auth') {
          // Refused in front of the handler: nothing of the request takes effect.
          await ctx.drain();
          core.cooldowns.remember(Cooldowns.key(kind), kind, error, core.now());
          return await sendError(r, faultError(kind, error));
        }
        await matched.handler(r);
      } catch (err) {
        if (ctx.gone) return;
        await ctx.drain();
        if (err instanceof VimeoError) return sendError(r, err);
        if (err instanceof ApiError) return sendError(r, new VimeoError(err.status, 2205, err.message));
        const message = err instanceof Error ? err.message : String(err);
        return sendError(
          r,
          new VimeoError(500, 9999, 'Something strange occurred.', `Sandbox internal error: ${message}`),
        );
      }
    };
    run().catch(() => res.destroy());
  };
}
