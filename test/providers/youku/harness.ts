// This file is Youku's run of the conformance suite: the Youku emulator with server-assigned 256 KiB slices, a
// profile logged in through the real loopback flow, and the sandboxes' faults told in Youku's terms.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Fault } from '../../../src/sandbox/types.js';
import { startYoukuSandbox, type YoukuFault, type YoukuKind } from '../../../src/sandbox/youku/index.js';
import { playBrowser, youkuEnv } from '../../cli/env.js';
import { runCli } from '../../helpers/cli.js';
import type { ConformanceHarness } from '../harness.js';

const CHUNK = 256 * 1024;

/** The sandboxes' request kinds in Youku's protocol. */
const KINDS: Partial<Record<string, YoukuKind>> = {
  'upload-init': 'create',
  'upload-chunk': 'upload_slice',
  'upload-status': 'check',
};

/** A fault in the sandboxes' vocabulary as the Youku emulator's; throws where Youku's protocol has no such thing. */
export function youkuFault(fault: Fault): YoukuFault {
  const on = typeof fault.on === 'string' ? KINDS[fault.on] : fault.on;
  if (!on) throw new Error(`the Youku emulator has no "${String(fault.on)}" requests`);
  if (fault.nth !== undefined) throw new Error('the Youku emulator has no "nth": use atOffset');
  const base = {
    on,
    ...(fault.times !== undefined ? { times: fault.times } : {}),
    ...(fault.atOffset !== undefined ? { atOffset: fault.atOffset } : {}),
  };
  if ('storePartial' in fault)
    throw new Error(
      'Youku keeps a slice whole or not at all (its MD5 is checked): part of one cannot be stored',
    );
  if ('status' in fault) {
    if (fault.retryAfter !== undefined) throw new Error("Youku's API sends no Retry-After");
    if (fault.status < 500)
      throw new Error(`Youku's API answers no HTTP ${fault.status}: its errors are codes`);
    // 1001 "service unavailable" comes with 503, 1002 "service exception" with 500 (API-NOTES §10).
    return { ...base, error: fault.status === 503 ? 1001 : 1002, httpStatus: fault.status };
  }
  if ('cutAfterBytes' in fault) return { ...base, cutAfterBytes: fault.cutAfterBytes };
  if ('stallAfterBytes' in fault)
    return { ...base, stallAfterBytes: fault.stallAfterBytes, stallMs: fault.stallMs };
  // An upload token that expired is Youku's forgotten session: the upload must start over (120010223).
  if ('expireSession' in fault) return { ...base, expireUploadToken: true };
  if ('delayMs' in fault || 'bytesPerSec' in fault) {
    const { delayMs, bytesPerSec } = fault as { delayMs?: number; bytesPerSec?: number };
    return {
      ...base,
      ...(delayMs !== undefined ? { delayMs } : {}),
      ...(bytesPerSec ? { bytesPerSec } : {}),
    };
  }
  throw new Error(`the Youku emulator has no equivalent of ${JSON.stringify(fault)}`);
}

export const harness: ConformanceHarness = {
  name: 'youku',
  exempt: {
    'one-request':
      "Youku sends every upload as slices the server assigns (create_file's slice_length, which the server may cap): it has no single-request form",
    'faults/429-retry-after':
      "Youku's API has neither 429 nor Retry-After: a busy server answers error 1001/1002, retried with vupload's backoff (faults/5xx)",
    'faults/part-stored':
      'Youku checks the MD5 of each slice and keeps it whole or not at all: part of a request cannot be stored',
    pipe: "Youku's create needs the size and MD5 of the whole video before the first byte: a stream of unknown length cannot be announced",
  },
  chunk: CHUNK,
  async start(dir, options = {}) {
    // The server assigns the slices, so it sets the chunk size; it confirms at once (the wait is Youku's own test).
    const sb = await startYoukuSandbox({
      sliceLengthKb: CHUNK / 1024,
      confirmDelayChecks: 0,
      ...(options.now ? { now: options.now } : {}),
    });
    const env = youkuEnv(dir, sb.url);
    const login = await runCli(['auth', 'login', '--provider', 'youku'], {
      cwd: dir,
      env,
      openUrl: playBrowser,
    });
    if (login.code !== 0) throw new Error(`youku login failed (${login.code}): ${login.stderr}`);
    return {
      env,
      // Youku requires at least one tag.
      uploadArgs: ['--provider', 'youku', '--tags', 'conformance'],
      fault: (fault) => sb.faults.add(youkuFault(fault)),
      faultsPending: () => sb.faults.pending().length,
      clearFaults: () => sb.faults.clear(),
      requestCount: () => sb.requests.length,
      bytesReceived: () =>
        sb.requests.filter((r) => r.kind === 'upload_slice').reduce((sum, r) => sum + r.bodyBytes, 0),
      videos: () =>
        Promise.all(
          sb.videos().map(async (v) => ({
            id: v.id,
            size: v.size,
            sha256: createHash('sha256')
              .update(await readFile(v.path))
              .digest('hex'),
          })),
        ),
      close: () => sb.close(),
    };
  },
};
