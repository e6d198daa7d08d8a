// This file answers scripted errors and enforces their Retry-After: a request that comes back before the announced
// time gets the same error again (issue 14; Google's front end does the same, a client that ignores it must fail).
import { ApiError, defaultReason } from './errors.js';
import type { Ctx } from './http.js';
import type { FaultKind, StatusFault } from './types.js';

/**
 * Timers may fire a millisecond or two before the wall clock says the time is up; a request this close to the
 * announced time counts as on time. Far below any Retry-After worth sending (whole seconds).
 */
const TOLERANCE_MS = 5;

interface Cooldown {
  until: number;
  kind: FaultKind;
  error: StatusFault;
}

/**
 * Errors answered with Retry-After, by what they refused: one upload session (its data requests and status
 * queries alike), or every request of a kind outside sessions.
 */
export class Cooldowns {
  private readonly held = new Map<string, Cooldown>();

  static key(kind: FaultKind, uploadId?: string): string {
    return uploadId !== undefined ? `session ${uploadId}` : `kind ${kind}`;
  }

  remember(key: string, kind: FaultKind, error: StatusFault, sentAt: number): void {
    if (!error.retryAfter || kind === 'auth') return;
    this.held.set(key, { until: sentAt + error.retryAfter * 1000, kind, error });
  }

  /** The error to repeat and the seconds still to wait, when a request under `key` comes too early. */
  early(key: string, now: number): { kind: FaultKind; error: StatusFault } | undefined {
    const c = this.held.get(key);
    if (!c) return undefined;
    if (now >= c.until - TOLERANCE_MS) {
      this.held.delete(key);
      return undefined;
    }
    return { kind: c.kind, error: { ...c.error, retryAfter: Math.ceil((c.until - now) / 1000) } };
  }

  clear(): void {
    this.held.clear();
  }
}

/** A scripted error, remembered with its Retry-After so that an early return gets it again. */
export async function answerStatusFault(
  ctx: Ctx,
  cooldowns: Cooldowns,
  now: () => number,
  kind: FaultKind,
  fault: StatusFault,
  uploadId?: string,
): Promise<void> {
  await ctx.drain();
  cooldowns.remember(Cooldowns.key(kind, uploadId), kind, fault, now());
  return sendStatusError(ctx, kind, fault);
}

/** Google's JSON error body, or OAuth's flat one on the OAuth endpoints; Retry-After when the fault gives one. */
export function sendStatusError(ctx: Ctx, kind: FaultKind, fault: StatusFault): Promise<void> {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  if (kind === 'token' || kind === 'revoke') {
    const code = fault.reason ?? (fault.status >= 500 ? 'internal_failure' : 'invalid_request');
    return ctx.sendJson(
      fault.status,
      { error: code, error_description: fault.message ?? 'Injected by the sandbox.' },
      headers,
    );
  }
  const err = new ApiError(fault.status, fault.reason ?? defaultReason(fault.status), fault.message, {
    headers,
  });
  return ctx.sendError(err);
}
