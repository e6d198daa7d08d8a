// This file is the start of every request the YouTube and PeerTube emulators serve: the admin routes aside, the
// request is logged (secrets redacted), its fault taken from the queue (or an earlier error's Retry-After repeated)
// and wrapped in the shared Ctx; the --log-requests line is written when the connection closes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultQueue } from './faults.js';
import { Ctx, loggedHeaders, queryOf, redact } from './http.js';
import { Cooldowns } from './retry-after.js';
import type { Fault, FaultKind, RequestLogEntry, StatusFault } from './types.js';

export type AdminHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** What an emulator shares with this file. */
export interface Emulator {
  url: string;
  now(): number;
  readonly requests: RequestLogEntry[];
  readonly faults: FaultQueue;
  readonly cooldowns: Cooldowns;
}

export interface Started {
  ctx: Ctx;
  entry: RequestLogEntry;
  fault: Fault | undefined;
  /** Back before an earlier error's Retry-After has passed: that error again (no fault is used up). */
  early: { kind: FaultKind; error: StatusFault } | undefined;
}

/** Where a data request starts and whether it carries the last byte, for faults aimed with atOffset. */
export function dataRequestInfo(req: IncomingMessage): { firstByte?: number; claimsLast?: boolean } {
  const cr = req.headers['content-range'];
  if (cr === undefined) return { firstByte: 0, claimsLast: true };
  const m = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(cr.trim());
  if (!m) return {};
  return { firstByte: Number(m[1]), claimsLast: m[3] !== '*' && Number(m[2]) + 1 === Number(m[3]) };
}

function describe(fault: Fault): string {
  const { on: _on, times: _times, ...effect } = fault;
  return JSON.stringify(effect);
}

/** The `--log-requests` line of a request: method, path and query (secrets redacted), status, bytes, fault. */
export function requestLogLine(entry: RequestLogEntry, ms: number): string {
  const qs = new URLSearchParams(
    Object.entries(entry.query).flatMap(([k, v]) =>
      Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]],
    ),
  );
  const shown = qs.size > 0 ? `${entry.path}?${qs}` : entry.path;
  const stored = entry.storedAfter !== undefined ? ` stored=${entry.storedAfter}` : '';
  const fault = entry.fault ? ` fault=${describe(entry.fault)}` : '';
  return `${entry.method} ${shown} -> ${entry.status || 'cut'} (${entry.kind}) ${entry.bodyBytes}B${stored} ${ms}ms${fault}`;
}

/** A request log entry (the kind type differs between emulators): query and headers with secrets redacted. */
export function logEntry<K extends string>(req: IncomingMessage, url: URL, kind: K, time: number) {
  return {
    time,
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    query: redact(queryOf(url)),
    headers: loggedHeaders(req),
    bodyBytes: 0,
    status: 0,
    kind,
  };
}

/**
 * The request listener of an emulator on `emu.url`: /__sandbox/ requests go to `admin` (a failure is a 500 with
 * the error), the others to `serve`.
 */
export function createEmulatorListener(
  emu: { url: string },
  admin: AdminHandler,
  serve: (req: IncomingMessage, res: ServerResponse, url: URL, method: string) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', emu.url || 'http://127.0.0.1');
    if (url.pathname.startsWith('/__sandbox/')) {
      admin(req, res, url).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(err) }));
      });
      return;
    }
    serve(req, res, url, (req.method ?? 'GET').toUpperCase());
  };
}

export function startRequest(
  emu: Emulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  kind: FaultKind,
  session: { uploadId?: string; exists: boolean },
  log?: (line: string) => void,
): Started {
  const entry: RequestLogEntry = logEntry(req, url, kind, emu.now());
  const method = entry.method;
  if (session.uploadId) entry.uploadId = session.uploadId;
  emu.requests.push(entry);
  const early = emu.cooldowns.early(Cooldowns.key(kind, session.uploadId), emu.now());
  const data = kind === 'upload-chunk' ? dataRequestInfo(req) : {};
  if (req.headers['content-range'] !== undefined && data.firstByte !== undefined)
    entry.firstByte = data.firstByte;
  const fault = early
    ? undefined
    : emu.faults.take({ kind, method, path: url.pathname, hasSession: session.exists, ...data });
  if (fault) entry.fault = fault;
  if (early) entry.tooEarly = true;
  const ctx = new Ctx(req, res, url, queryOf(url), entry, fault);
  const started = Date.now();
  res.on('close', () => {
    if (!res.writableFinished) ctx.markGone();
    log?.(requestLogLine(entry, Date.now() - started));
  });
  return { ctx, entry, fault, early };
}
