// This file answers a fault's scripted error in PeerTube's shape (problem+json) and remembers its Retry-After, so
// that a request coming back earlier gets it again (../retry-after.ts Cooldowns, as in the YouTube sandbox).
import { Cooldowns } from '../retry-after.js';
import type { FaultKind, StatusFault } from '../types.js';
import { PtError } from './errors.js';
import { type PtReq, sendProblem } from './request.js';

export function injectedError(fault: StatusFault): PtError {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  return new PtError(fault.status, fault.message ?? 'Injected by the sandbox.', {
    ...(fault.reason ? { type: fault.reason } : {}),
    headers,
  });
}

/** The front end refused the request: nothing reaches PeerTube (or uploadx); the body is read and dropped. */
export async function answerInjected(r: PtReq, kind: FaultKind, fault: StatusFault, uploadId?: string) {
  await r.ctx.drain();
  r.core.cooldowns.remember(Cooldowns.key(kind, uploadId), kind, fault, r.core.now());
  return sendProblem(r, injectedError(fault));
}
