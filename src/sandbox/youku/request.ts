// This file is what every Youku handler receives: the shared Ctx plumbing plus parameters and Youku's JSON answers.
import type { Ctx } from '../http.js';
import { redact } from '../http.js';
import type { YoukuCore } from './core.js';
import { missingParameter } from './errors.js';
import type { YoukuFault, YoukuRequestLogEntry } from './types.js';

export interface YReq {
  ctx: Ctx;
  core: YoukuCore;
  entry: YoukuRequestLogEntry;
  fault: YoukuFault | undefined;
}

export type YHandler = (r: YReq) => Promise<void>;

/**
 * The request's parameters: the query, plus a urlencoded form body when there is one (the SDKs send create and
 * check as GET queries, create_file, commit and token as POST forms). The form is logged with secrets redacted.
 */
export async function params(r: YReq): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of r.ctx.url.searchParams) out[k] ??= v;
  const type = r.ctx.header('content-type') ?? '';
  if (r.ctx.req.method === 'POST' && type.startsWith('application/x-www-form-urlencoded')) {
    const form: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(await r.ctx.text())) form[k] ??= v;
    r.entry.form = redact(form);
    Object.assign(out, form);
  }
  return out;
}

/** The named parameters, each required: a missing or empty one is Youku's 1012. */
export function need(p: Record<string, string>, ...names: string[]): string[] {
  return names.map((name) => {
    const v = p[name];
    if (v === undefined || v === '') throw missingParameter(name);
    return v;
  });
}

export function send(r: YReq, status: number, value: unknown): Promise<void> {
  return r.ctx.sendJson(status, value);
}
