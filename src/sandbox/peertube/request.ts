// This file is what every PeerTube handler receives (the shared Ctx plumbing, the core, route params) and the
// answers they send: JSON as Express's res.json(), problems as res.fail(), 204 as res.type('json').status(204).
import type { Ctx } from '../http.js';
import type { Fault } from '../types.js';
import { OPERATION_DOC } from './constants.js';
import type { PtCore } from './core.js';
import { invalidParams, type PtError } from './errors.js';
import { isInt } from './validate.js';

export interface PtReq {
  ctx: Ctx;
  core: PtCore;
  params: Record<string, string>;
  fault: Fault | undefined;
  /** The docs URL later errors carry, once PeerTube's openapiOperationDoc() middleware ran for the route. */
  docs?: string;
}

export type PtHandler = (r: PtReq) => Promise<void>;

export function sendJson(r: PtReq, status: number, value: unknown, headers: Record<string, string> = {}) {
  return r.ctx.send(
    status,
    { 'content-type': 'application/json; charset=utf-8', ...headers },
    JSON.stringify(value),
  );
}

export function sendProblem(r: PtReq, err: PtError): Promise<void> {
  return r.ctx.send(
    err.status,
    { 'content-type': 'application/problem+json; charset=utf-8', ...err.opts.headers },
    JSON.stringify(err.body(r.docs)),
  );
}

export function noContent(r: PtReq): Promise<void> {
  return r.ctx.send(204, { 'content-type': 'application/json; charset=utf-8' });
}

/** openapiOperationDoc({ operationId }): errors from here on name the operation's docs. */
export function doc(r: PtReq, operationId: string): void {
  r.docs = `${OPERATION_DOC}${operationId}`;
}

/** The request URL with its query, as Express's req.originalUrl (validation errors' `instance`). */
export const originalUrl = (r: PtReq): string => r.ctx.req.url ?? '/';

/**
 * paginationValidator + setDefaultPagination (middlewares/validators/pagination.ts, middlewares/pagination.ts):
 * start ≥ 0 (default 0), count 0–100 (default 15).
 */
export function pagination(r: PtReq): { start: number; count: number } {
  const errors = [];
  const start = r.ctx.param('start');
  const count = r.ctx.param('count');
  if (start !== undefined && !isInt(start, 0))
    errors.push({
      location: 'query' as const,
      path: 'start',
      value: start,
      msg: 'Should have a number start',
    });
  if (count !== undefined && !(isInt(count, 0) && Number(count) <= 100)) {
    const msg = 'Should have a number count (max: 100)';
    errors.push({ location: 'query' as const, path: 'count', value: count, msg });
  }
  if (errors.length > 0) throw invalidParams(errors, originalUrl(r));
  return { start: start ? Number(start) : 0, count: count ? Number(count) : 15 };
}

/** {total, data} of one page (getFormattedObjects). */
export function page<T>(items: T[], { start, count }: { start: number; count: number }) {
  return { total: items.length, data: items.slice(start, start + count) };
}
