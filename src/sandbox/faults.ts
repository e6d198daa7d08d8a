// This file keeps the queue of scripted faults and decides which one, if any, the next request gets.
import type { Fault, FaultKind } from './types.js';

export const FAULT_KINDS: readonly FaultKind[] = [
  'upload-init',
  'upload-chunk',
  'upload-status',
  'api',
  'token',
  'auth',
  'revoke',
  'thumbnail',
  'caption',
];

export interface RequestInfo {
  kind: FaultKind;
  method: string;
  path: string;
  /** The request targets an existing resumable session (needed by expireSession). */
  hasSession: boolean;
}

const nonNegative = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Returns why `value` is not a Fault, or undefined when it is one (used for the admin endpoint's JSON). */
export function faultProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'a fault must be a JSON object';
  const f = value as Record<string, unknown>;
  const on = f.on;
  if (typeof on === 'string') {
    if (!FAULT_KINDS.includes(on as FaultKind))
      return `unknown kind "${on}" (one of ${FAULT_KINDS.join(', ')})`;
  } else if (typeof on !== 'object' || on === null) {
    return '"on" must be a kind or {method, path}';
  }
  if (f.times !== undefined && !(typeof f.times === 'number' && f.times >= 1)) return '"times" must be >= 1';
  const effects = ['status', 'cutAfterBytes', 'storePartial', 'expireSession'].filter(
    (k) => f[k] !== undefined,
  );
  const slow = f.delayMs !== undefined || f.bytesPerSec !== undefined;
  if (effects.length + (slow ? 1 : 0) !== 1) {
    return 'give exactly one of status, cutAfterBytes, storePartial, expireSession, or delayMs/bytesPerSec';
  }
  if (
    f.status !== undefined &&
    !(Number.isInteger(f.status) && (f.status as number) >= 400 && (f.status as number) < 600)
  ) {
    return '"status" must be an HTTP error status (400–599)';
  }
  for (const k of ['cutAfterBytes', 'storePartial', 'delayMs', 'retryAfter'] as const) {
    if (f[k] !== undefined && !nonNegative(f[k])) return `"${k}" must be a number >= 0`;
  }
  if (f.bytesPerSec !== undefined && !(nonNegative(f.bytesPerSec) && (f.bytesPerSec as number) > 0)) {
    return '"bytesPerSec" must be > 0';
  }
  if (f.expireSession !== undefined && f.expireSession !== true) return '"expireSession" must be true';
  return undefined;
}

function matches(fault: Fault, req: RequestInfo): boolean {
  const on = fault.on;
  if (typeof on === 'string') {
    if (on !== req.kind) return false;
  } else {
    if (on.method && on.method.toUpperCase() !== req.method) return false;
    if (on.path) {
      const hit = on.path.endsWith('*') ? req.path.startsWith(on.path.slice(0, -1)) : req.path === on.path;
      if (!hit) return false;
    }
  }
  // Session faults only make sense on requests that target a session; they wait for one.
  if ('expireSession' in fault) return req.hasSession;
  if ('storePartial' in fault) return req.kind === 'upload-chunk';
  return true;
}

export class FaultQueue {
  private items: Array<{ fault: Fault; left: number }> = [];

  add(fault: Fault): void {
    const problem = faultProblem(fault);
    if (problem) throw new TypeError(`sandbox fault: ${problem}`);
    this.items.push({ fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.items = [];
  }

  /** Faults still to fire, with `times` = how many requests each will still affect. */
  pending(): Fault[] {
    return this.items.map(({ fault, left }) => ({ ...fault, times: left }));
  }

  /** The first pending fault that matches, consumed once; faults fire in the order they were added. */
  take(req: RequestInfo): Fault | undefined {
    const index = this.items.findIndex(({ fault }) => matches(fault, req));
    if (index < 0) return undefined;
    const item = this.items[index]!;
    item.left -= 1;
    if (item.left <= 0) this.items.splice(index, 1);
    return item.fault;
  }
}
