// This file keeps the queue of scripted faults and decides which one, if any, the next request gets.
import type { Fault, FaultKind, StatusFault } from './types.js';

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
  /** Data requests (upload-chunk): the first byte Content-Range claims (0 without Content-Range). */
  firstByte?: number;
  /** Data requests: it carries the upload's last byte (no Content-Range, or A-B/TOTAL with B = TOTAL-1). */
  claimsLast?: boolean;
}

const nonNegative = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const count = (v: unknown, min: number) => Number.isSafeInteger(v) && (v as number) >= min;

/** The actions a fault may take; exactly one, except that storePartial may be combined with status. */
const ACTIONS = [
  'status',
  'cutAfterBytes',
  'storePartial',
  'expireSession',
  'stallAfterBytes',
  'brokenResponse',
  'shortResponse',
] as const;

/**
 * Returns why `value` is not a Fault, or undefined when it is one (used for the admin endpoint's JSON). `kinds`
 * are the kinds the emulator has (the PeerTube one has no consent page, so no 'auth').
 */
export function faultProblem(value: unknown, kinds: readonly FaultKind[] = FAULT_KINDS): string | undefined {
  if (typeof value !== 'object' || value === null) return 'a fault must be a JSON object';
  const f = value as Record<string, unknown>;
  const on = f.on;
  if (typeof on === 'string') {
    if (!kinds.includes(on as FaultKind)) return `unknown kind "${on}" (one of ${kinds.join(', ')})`;
  } else if (typeof on !== 'object' || on === null) {
    return '"on" must be a kind or {method, path}';
  }
  if (f.times !== undefined && !(typeof f.times === 'number' && f.times >= 1)) return '"times" must be >= 1';
  if (f.nth !== undefined && !count(f.nth, 1)) return '"nth" must be a whole number >= 1';
  if (f.atOffset !== undefined && !count(f.atOffset, 0)) return '"atOffset" must be a whole number >= 0';
  const effects = ACTIONS.filter((k) => f[k] !== undefined);
  const slow = f.delayMs !== undefined || f.bytesPerSec !== undefined;
  const partialThenStatus =
    effects.length === 2 && effects.includes('status') && effects.includes('storePartial');
  if (effects.length + (slow ? 1 : 0) !== 1 && !partialThenStatus) {
    return `give exactly one of ${ACTIONS.join(', ')}, or delayMs/bytesPerSec (storePartial may come with status)`;
  }
  if (
    f.status !== undefined &&
    !(Number.isInteger(f.status) && (f.status as number) >= 400 && (f.status as number) < 600)
  ) {
    return '"status" must be an HTTP error status (400–599)';
  }
  for (const k of ['cutAfterBytes', 'storePartial', 'delayMs', 'retryAfter', 'stallMs'] as const) {
    if (f[k] !== undefined && !nonNegative(f[k])) return `"${k}" must be a number >= 0`;
  }
  for (const k of ['stallAfterBytes', 'brokenResponse', 'shortResponse'] as const) {
    if (f[k] !== undefined && !count(f[k], 0)) return `"${k}" must be a whole number >= 0`;
  }
  if ((f.stallAfterBytes === undefined) !== (f.stallMs === undefined))
    return '"stallAfterBytes" and "stallMs" go together';
  if (f.bytesPerSec !== undefined && !(nonNegative(f.bytesPerSec) && (f.bytesPerSec as number) > 0)) {
    return '"bytesPerSec" must be > 0';
  }
  if (f.expireSession !== undefined && f.expireSession !== true) return '"expireSession" must be true';
  return undefined;
}

/** The error a fault answers with, if it has one (a status fault, or storePartial with status). */
export function statusOf(fault: Fault | undefined): StatusFault | undefined {
  return fault && 'status' in fault && fault.status !== undefined ? (fault as StatusFault) : undefined;
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
  if (fault.atOffset !== undefined && (req.kind !== 'upload-chunk' || req.firstByte !== fault.atOffset))
    return false;
  // Session faults only make sense on requests that target a session; they wait for one.
  if ('expireSession' in fault) return req.hasSession;
  if ('storePartial' in fault) return req.kind === 'upload-chunk';
  // A broken or short final answer waits for the data request that can finish the upload.
  if (('brokenResponse' in fault || 'shortResponse' in fault) && req.kind === 'upload-chunk')
    return req.claimsLast === true;
  return true;
}

interface Pending {
  fault: Fault;
  left: number;
  /** Matching requests seen since the fault was added (for nth). */
  seen: number;
}

export class FaultQueue {
  private items: Pending[] = [];

  constructor(readonly kinds: readonly FaultKind[] = FAULT_KINDS) {}

  add(fault: Fault): void {
    const problem = faultProblem(fault, this.kinds);
    if (problem) throw new TypeError(`sandbox fault: ${problem}`);
    this.items.push({ fault, left: fault.times ?? 1, seen: 0 });
  }

  clear(): void {
    this.items = [];
  }

  /** Faults still to fire, with `times` = how many requests each will still affect and `nth` counted down. */
  pending(): Fault[] {
    return this.items.map(({ fault, left, seen }) => {
      const out: Fault = { ...fault, times: left };
      if (fault.nth !== undefined) out.nth = Math.max(1, fault.nth - seen);
      return out;
    });
  }

  /**
   * The first pending fault that matches and whose turn has come (nth), consumed once; faults fire in the order
   * they were added. Every matching fault counts the request, whichever fires.
   */
  take(req: RequestInfo): Fault | undefined {
    let chosen: Pending | undefined;
    for (const item of this.items) {
      if (!matches(item.fault, req)) continue;
      item.seen += 1;
      if (!chosen && item.seen >= (item.fault.nth ?? 1)) chosen = item;
    }
    if (!chosen) return undefined;
    chosen.left -= 1;
    if (chosen.left <= 0) this.items.splice(this.items.indexOf(chosen), 1);
    return chosen.fault;
  }
}

/** The fault and request-log members every emulator's handle has, over its queue, cooldowns and log. */
export function faultControls<E>(core: { faults: FaultQueue; cooldowns: { clear(): void }; requests: E[] }) {
  return {
    faults: {
      add: (f: Fault) => core.faults.add(f),
      clear: () => {
        core.faults.clear();
        core.cooldowns.clear();
      },
      pending: () => core.faults.pending(),
    },
    requests: core.requests,
    clearRequests: () => {
      core.requests.length = 0;
    },
  };
}
