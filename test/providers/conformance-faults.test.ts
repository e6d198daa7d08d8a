// This file runs the conformance suite's faults (issue 25 §2.2) against every provider: each fault, injected on a
// data request in one request and in chunks, ends as one intact video with few bytes sent twice.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeVideo } from '../cli/video-file.js';
import { shortenIdleTimeout } from '../helpers/idle-timeout.js';
import { FAULTS, faultOf } from './conformance/scenarios.js';
import { assertOneVideo, fileSha, forEachProvider, modeArgs, scenarioTest } from './conformance/suite.js';

/** Long enough for a busy machine's loopback, short enough that a stall costs the suite no real minute. */
const STALL_IDLE_MS = 500;

forEachProvider((subject, h) => {
  const chunk = h.chunk;
  // Four and a half chunks: the fault hits the third chunk, with whole chunks on both sides of it.
  const size = 4 * chunk + chunk / 2;
  for (const s of FAULTS) {
    for (const mode of s.modes ?? []) {
      scenarioTest(h, s, mode, async (t) => {
        const { p, dir, run } = subject();
        const chunks = mode === 'chunks';
        const at = chunks ? 2 * chunk : 0;
        // K on the 256 KiB grid in one request, so the server keeps exactly what arrived.
        const k = chunks ? chunk / 2 : 3 * chunk;
        const file = await makeVideo(join(dir, `${s.id.replace('/', '-')}-${mode}.mp4`), size);
        const before = await p.videos();
        const received = p.bytesReceived();
        p.fault(faultOf(s, at, k));
        const restore = s.fault.stallAfterBytes !== undefined ? shortenIdleTimeout(STALL_IDLE_MS) : undefined;
        let result: Awaited<ReturnType<typeof run>>;
        let pending: number;
        const started = performance.now();
        try {
          result = await run([
            'upload',
            file,
            ...p.uploadArgs,
            ...(await modeArgs(h, mode)),
            ...(s.args ?? []),
          ]);
        } finally {
          restore?.();
          pending = p.faultsPending();
          p.clearFaults();
        }
        assert.equal(pending, 0, 'the fault fired');
        const stallMs = s.fault.stallMs;
        if (typeof stallMs === 'number')
          assert.ok(performance.now() - started < stallMs / 2, 'the stalled request was cut, not waited out');
        assert.equal(result.code, 0, result.stderr);
        await assertOneVideo(p, await fileSha(file), result.stdout.trim(), s.title, before);
        const twice = p.bytesReceived() - received - size;
        // The K bytes a fault lets arrive first are the server's to keep (cut, stored, stalled after K).
        const kept = Object.values(s.fault).includes('K') ? k : 0;
        // 'left': one chunk, or what the faulted request had left once the server kept what it kept.
        // 'forgotten': what the server had before it forgot the session, and the chunk in flight; the file in one.
        const bound = s.resend === 'left' ? (chunks ? chunk : size - kept) : chunks ? at + chunk : size;
        t.diagnostic(`${twice} bytes received twice (at most ${bound})`);
        assert.ok(twice <= bound, `${twice} bytes received twice; at most ${bound} may be`);
      });
    }
  }
});
