// This file holds what every emulator's admin HTTP API under /__sandbox/ shares: reading a request, answering, and
// the fault and request-log routes (each emulator's own routes: <name>/admin.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { faultProblem } from './faults.js';
import type { Fault, FaultKind, RequestLogEntry } from './types.js';

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1 << 20) throw new Error('admin request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  return text === '' ? undefined : JSON.parse(text);
}

export interface AdminRequest {
  method: string;
  /** The path after /__sandbox/, and its first three segments. */
  path: string;
  head?: string;
  id?: string;
  tail?: string;
  /** A POST's JSON body. */
  body: unknown;
}

/** Splits an admin request; undefined when its JSON is invalid (answered 400 here). */
export async function adminRequest(req: IncomingMessage, res: ServerResponse, url: URL) {
  const method = req.method ?? 'GET';
  const path = url.pathname.slice('/__sandbox/'.length).replace(/\/$/, '');
  const [head, id, tail] = path.split('/').map((p) => decodeURIComponent(p));
  try {
    const body = method === 'POST' ? await readJson(req) : undefined;
    return { method, path, head, id, tail, body } as AdminRequest;
  } catch (err) {
    reply(res, 400, { error: `invalid JSON: ${(err as Error).message}` });
    return undefined;
  }
}

export function reply(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value ?? {});
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** What every emulator's admin API shares: the fault queue and the request log. */
export interface AdminFaultsAndRequests {
  faults: { add(fault: Fault): void; clear(): void; pending(): Fault[] };
  requests: RequestLogEntry[];
  clearRequests(): void;
}

/**
 * GET|POST|DELETE faults and GET|DELETE requests; returns false when the route is neither. `kinds`: the fault kinds
 * this emulator has.
 */
export function faultsAndRequests(
  res: ServerResponse,
  method: string,
  head: string | undefined,
  body: unknown,
  sb: AdminFaultsAndRequests,
  kinds?: readonly FaultKind[],
): boolean {
  if (head === 'faults') {
    if (method === 'GET') reply(res, 200, sb.faults.pending());
    else if (method === 'DELETE') {
      sb.faults.clear();
      reply(res, 200, {});
    } else if (method === 'POST') {
      const faults = Array.isArray(body) ? body : [body];
      const problem = faults.map((f) => faultProblem(f, kinds)).find(Boolean);
      if (problem) reply(res, 400, { error: problem });
      else {
        for (const f of faults) sb.faults.add(f as Fault);
        reply(res, 200, sb.faults.pending());
      }
    } else return false;
    return true;
  }
  if (head === 'requests') {
    if (method === 'GET') reply(res, 200, sb.requests);
    else if (method === 'DELETE') {
      sb.clearRequests();
      reply(res, 200, {});
    } else return false;
    return true;
  }
  return false;
}
