// This file keeps the Youku emulator's queue of scripted faults, with the same matching rules as ../faults.ts.
import type { YoukuFault, YoukuKind } from './types.js';

export const YOUKU_KINDS: readonly YoukuKind[] = [
  'create',
  'create_file',
  'new_slice',
  'upload_slice',
  'check',
  'commit',
  'cancel',
  'authorize',
  'token',
  'show',
  'other',
];

const EFFECTS = [
  'error',
  'cutAfterBytes',
  'stallAfterBytes',
  'corruptSlice',
  'expireUploadToken',
  'commitVideoId',
] as const;

/** Returns why `value` is not a YoukuFault, or undefined when it is one. */
export function youkuFaultProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'a fault must be an object';
  const f = value as Record<string, unknown>;
  if (typeof f.on === 'string') {
    if (!YOUKU_KINDS.includes(f.on as YoukuKind))
      return `unknown kind "${f.on}" (one of ${YOUKU_KINDS.join(', ')})`;
  } else if (typeof f.on !== 'object' || f.on === null) {
    return '"on" must be a kind or {method, path}';
  }
  if (f.times !== undefined && !(typeof f.times === 'number' && f.times >= 1)) return '"times" must be >= 1';
  if (f.atOffset !== undefined && !(Number.isSafeInteger(f.atOffset) && (f.atOffset as number) >= 0))
    return '"atOffset" must be a whole number >= 0';
  const slow = f.delayMs !== undefined || f.bytesPerSec !== undefined;
  const effects = EFFECTS.filter((k) => f[k] !== undefined).length + (slow ? 1 : 0);
  if (effects !== 1) return `give exactly one of ${EFFECTS.join(', ')}, or delayMs/bytesPerSec`;
  if (f.error !== undefined && !Number.isInteger(f.error)) return '"error" must be a Youku error code';
  if (f.httpStatus !== undefined && !(Number.isInteger(f.httpStatus) && (f.httpStatus as number) >= 200)) {
    return '"httpStatus" must be an HTTP status';
  }
  if ((f.stallAfterBytes === undefined) !== (f.stallMs === undefined))
    return '"stallAfterBytes" and "stallMs" go together';
  for (const k of ['cutAfterBytes', 'delayMs', 'stallAfterBytes', 'stallMs'] as const) {
    if (f[k] !== undefined && !(typeof f[k] === 'number' && f[k] >= 0)) return `"${k}" must be a number >= 0`;
  }
  if (f.bytesPerSec !== undefined && !(typeof f.bytesPerSec === 'number' && f.bytesPerSec > 0)) {
    return '"bytesPerSec" must be > 0';
  }
  if (f.corruptSlice !== undefined && f.corruptSlice !== true) return '"corruptSlice" must be true';
  if (f.expireUploadToken !== undefined && f.expireUploadToken !== true)
    return '"expireUploadToken" must be true';
  if (f.commitVideoId !== undefined && typeof f.commitVideoId !== 'string')
    return '"commitVideoId" must be a string';
  return undefined;
}

/** What the queue needs to know of a request; `offset` is upload_slice's. */
export interface YoukuRequestInfo {
  kind: YoukuKind;
  method: string;
  path: string;
  hasToken: boolean;
  offset?: number;
}

function matches(fault: YoukuFault, { kind, method, path, hasToken, offset }: YoukuRequestInfo): boolean {
  const on = fault.on;
  if (typeof on === 'string') {
    if (on !== kind) return false;
  } else {
    if (on.method && on.method.toUpperCase() !== method) return false;
    if (on.path) {
      const hit = on.path.endsWith('*') ? path.startsWith(on.path.slice(0, -1)) : path === on.path;
      if (!hit) return false;
    }
  }
  if (fault.atOffset !== undefined && (kind !== 'upload_slice' || offset !== fault.atOffset)) return false;
  // Effects that only make sense on some requests wait for one (like expireSession in ../faults.ts).
  if ('expireUploadToken' in fault) return hasToken;
  if ('corruptSlice' in fault) return kind === 'upload_slice';
  if ('commitVideoId' in fault) return kind === 'commit';
  return true;
}

export class YoukuFaultQueue {
  private items: Array<{ fault: YoukuFault; left: number }> = [];

  add(fault: YoukuFault): void {
    const problem = youkuFaultProblem(fault);
    if (problem) throw new TypeError(`youku sandbox fault: ${problem}`);
    this.items.push({ fault, left: fault.times ?? 1 });
  }

  clear(): void {
    this.items = [];
  }

  pending(): YoukuFault[] {
    return this.items.map(({ fault, left }) => ({ ...fault, times: left }));
  }

  /** The first pending fault that matches, consumed once; faults fire in the order they were added. */
  take(req: YoukuRequestInfo): YoukuFault | undefined {
    const index = this.items.findIndex(({ fault }) => matches(fault, req));
    if (index < 0) return undefined;
    const item = this.items[index]!;
    item.left -= 1;
    if (item.left <= 0) this.items.splice(index, 1);
    return item.fault;
  }
}
