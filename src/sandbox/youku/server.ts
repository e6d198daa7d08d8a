// This file routes Youku requests, applies the scripted faults, logs each request and renders Youku's errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Ctx, queryOf } from '../http.js';
import { logEntry } from '../listener.js';
import type { Fault, RequestLogEntry } from '../types.js';
import { cancel, commit, show } from './api.js';
import type { YoukuCore } from './core.js';
import { YoukuError } from './errors.js';
import { authorize, token } from './oauth.js';
import type { YHandler, YReq } from './request.js';
import type { YoukuFault, YoukuKind, YoukuRequestLogEntry } from './types.js';
import { check, create, createFile, newSlice, uploadSlice } from './upload.js';

const ROUTES: Record<string, { kind: YoukuKind; handler: YHandler; methods: string[] }> = {
  '/uploads/create.json': { kind: 'create', handler: create, methods: ['GET', 'POST'] },
  '/gupload/create_file': { kind: 'create_file', handler: createFile, methods: ['POST'] },
  '/gupload/new_slice': { kind: 'new_slice', handler: newSlice, methods: ['GET'] },
  '/gupload/upload_slice': { kind: 'upload_slice', handler: uploadSlice, methods: ['POST'] },
  '/gupload/check': { kind: 'check', handler: check, methods: ['GET'] },
  '/uploads/commit.json': { kind: 'commit', handler: commit, methods: ['POST'] },
  '/uploads/cancel.json': { kind: 'cancel', handler: cancel, methods: ['GET', 'POST'] },
  '/oauth2/authorize': { kind: 'authorize', handler: authorize, methods: ['GET'] },
  '/oauth2/token': { kind: 'token', handler: token, methods: ['POST'] },
  '/oauth2/token.json': { kind: 'token', handler: token, methods: ['POST'] },
  '/videos/show.json': { kind: 'show', handler: show, methods: ['GET'] },
};

/** Kinds whose success is a 200: there the SDKs met error bodies with HTTP 200 too, so a client must read the body. */
const ERRORS_WITH_200: ReadonlySet<YoukuKind> = new Set(['check', 'commit']);

const notFound: YHandler = async () => {
  throw new YoukuError(1013, 'No such method');
};

/** The shared Ctx understands the body-level effects (cut, slow, delay); hand it only those, in its own shape. */
function plumbingFault(fault: YoukuFault | undefined): Fault | undefined {
  if (!fault) return undefined;
  if ('cutAfterBytes' in fault) return { on: 'api', cutAfterBytes: fault.cutAfterBytes };
  if ('stallAfterBytes' in fault)
    return { on: 'api', stallAfterBytes: fault.stallAfterBytes, stallMs: fault.stallMs };
  if ('delayMs' in fault || 'bytesPerSec' in fault) {
    const { delayMs, bytesPerSec } = fault as { delayMs?: number; bytesPerSec?: number };
    return { on: 'api', delayMs, bytesPerSec };
  }
  return undefined;
}

async function answerError(r: YReq, err: YoukuError, status: number): Promise<void> {
  r.entry.errorCode = err.code;
  await r.ctx.drain();
  return r.ctx.sendJson(status, err.body());
}

export function createYoukuListener(
  core: YoukuCore,
  log?: (line: string) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', core.url || 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const route = ROUTES[url.pathname];
    const kind: YoukuKind = route?.kind ?? 'other';
    const handler = route?.methods.includes(method) ? route.handler : notFound;
    const query = queryOf(url);
    const entry: YoukuRequestLogEntry = logEntry(req, url, kind, core.now());
    core.requests.push(entry);
    const hasToken = url.searchParams.has('upload_token') || method === 'POST';
    const offset = url.searchParams.get('offset');
    const fault = core.faults.take({
      kind,
      method,
      path: url.pathname,
      hasToken,
      ...(offset !== null && /^\d+$/.test(offset) ? { offset: Number(offset) } : {}),
    });
    if (fault) entry.fault = fault;
    // The shared Ctx only mutates bodyBytes/status of the entry, which both log shapes have; the kinds differ.
    const ctx = new Ctx(req, res, url, query, entry as unknown as RequestLogEntry, plumbingFault(fault));
    const r: YReq = { ctx, core, entry, fault };
    const started = Date.now();
    res.on('close', () => {
      // markGone, not just `gone`: a stalled body read ends as soon as the client gives up (and frees the upload).
      if (!res.writableFinished) ctx.markGone();
      log?.(
        `${method} ${entry.path} -> ${entry.status || 'cut'} (${kind}) ${entry.bodyBytes}B` +
          `${entry.errorCode ? ` error=${entry.errorCode}` : ''} ${Date.now() - started}ms` +
          `${fault ? ` fault=${JSON.stringify({ ...fault, on: undefined })}` : ''}`,
      );
    });
    const run = async () => {
      try {
        if (fault && 'error' in fault && kind !== 'authorize') {
          const err = new YoukuError(fault.error, fault.description, fault.httpStatus);
          return await answerError(
            r,
            err,
            fault.httpStatus ?? (ERRORS_WITH_200.has(kind) ? 200 : err.httpStatus),
          );
        }
        await handler(r);
      } catch (err) {
        if (ctx.gone) return;
        if (err instanceof YoukuError)
          return answerError(r, err, ERRORS_WITH_200.has(kind) ? 200 : err.httpStatus);
        const message = err instanceof Error ? err.message : String(err);
        return answerError(r, new YoukuError(1002, `Emulator internal error: ${message}`), 500);
      }
    };
    run().catch(() => res.destroy());
  };
}
