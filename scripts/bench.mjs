// This file is `npm run bench`: upload throughput, CPU and memory of vupload's engine against a plain node:http PUT
// to the same sandbox in the same run, a connection-cut scenario, and start-up time against `node -e 0`.
// Figures are printed as ratios against the baseline measured in this run (machines here are noisy).
// Options: BENCH_SIZES=256,2048 (MiB), BENCH_QUICK=1 (64 MiB only).

import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchStartup } from './bench-startup.mjs';

const root = join(import.meta.dirname, '..');
const { startSandbox } = await import(join(root, 'dist/src/sandbox/index.js'));
const MiB = 1024 * 1024;
const sizes = (process.env.BENCH_SIZES ?? (process.env.BENCH_QUICK ? '64' : '256,2048'))
  .split(',')
  .map(Number);
const work = mkdtempSync(join(tmpdir(), 'vupload-bench-'));
// No dir: the sandbox keeps its state in memory, so its own fsyncs per request do not count against the client.
const sandbox = await startSandbox({ storage: 'hash', dailyQuota: 1e12 });
const token = sandbox.mintToken({ ttlSec: 86_400 }).access_token;

/** A sparse file with an MP4 header: reading it costs no disk, so the figures measure the upload path. */
function makeFile(mib) {
  const path = join(work, `bench-${mib}.mp4`);
  const fd = openSync(path, 'w');
  writeSync(fd, Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'));
  writeSync(fd, Buffer.from([1]), 0, 1, mib * MiB - 1);
  closeSync(fd);
  return path;
}

function measure(mode, file, chunk) {
  const args = [join(import.meta.dirname, 'bench-upload-child.mjs'), mode, file, sandbox.url, token];
  if (chunk) args.push(String(chunk));
  // The sandbox lives in this process, so the child must not block it: run it asynchronously.
  return new Promise((resolve, reject) => {
    import('node:child_process').then(({ execFile }) =>
      execFile(process.execPath, args, { maxBuffer: MiB }, (error, stdout) =>
        error ? reject(error) : resolve(JSON.parse(stdout)),
      ),
    );
  });
}

const fmt = (n, d = 1) => n.toFixed(d).padStart(8);
const rows = [];
function row(name, m, base) {
  const mibs = m.size / MiB / (m.wallMs / 1000);
  const baseMibs = base.size / MiB / (base.wallMs / 1000);
  rows.push(
    `${name.padEnd(34)} ${fmt(m.wallMs / 1000, 2)} s ${fmt(m.cpuMs / 1000, 2)} s ${fmt(m.maxRssMiB)} MiB ${fmt(mibs)} MiB/s  ×${(mibs / baseMibs).toFixed(2)} of baseline  sent/size ${(m.bytesSent / m.size).toFixed(3)}`,
  );
  return mibs / baseMibs;
}

const results = {};
try {
  for (const mib of sizes) {
    const file = makeFile(mib);
    await measure('baseline', file); // warm-up: the first run of a size pays for cold caches
    const base = await measure('baseline', file);
    row(`baseline PUT ${mib} MiB`, base, base);
    const one = await measure('vupload', file);
    results[`one-${mib}`] = { ratio: row(`vupload one request ${mib} MiB`, one, base), rss: one.maxRssMiB };
    const chunked = await measure('vupload', file, 8 * MiB);
    results[`chunk-${mib}`] = {
      ratio: row(`vupload 8 MiB chunks ${mib} MiB`, chunked, base),
      rss: chunked.maxRssMiB,
    };
    // A connection cut every 64 MiB of body: the engine asks the server and resends only what was lost.
    const cuts = Math.max(1, Math.floor(mib / 64) - 1);
    for (let i = 0; i < cuts; i++) sandbox.faults.add({ on: 'upload-chunk', cutAfterBytes: 64 * MiB });
    const cut = await measure('vupload', file);
    sandbox.faults.clear();
    results[`cut-${mib}`] = { sentRatio: cut.bytesSent / cut.size };
    row(`vupload, cut every 64 MiB (${cuts}×) ${mib} MiB`, cut, base);
    rmSync(file);
  }
  console.log(
    '\nUpload (wall, CPU, peak RSS, throughput, ratio to the plain PUT baseline of the same size):',
  );
  for (const line of rows) console.log(line);
  const rss = sizes.map((mib) => results[`one-${mib}`].rss);
  console.log(
    `\nPeak RSS across sizes (one request): ${rss.map((r) => r.toFixed(1)).join(' / ')} MiB — spread ${(Math.max(...rss) - Math.min(...rss)).toFixed(1)} MiB (target: < 100 MiB, spread < 10 MiB)`,
  );
  console.log('Targets: one request ≥ 0.9× baseline, 8 MiB chunks ≥ 0.8×, cut scenario sent/size < 1.1.');
  console.log('\nStart-up (median of 15 runs):');
  for (const r of benchStartup())
    console.log(`${r.name.padEnd(22)} ${String(r.medianMs).padStart(5)} ms  ×${r.ratio} (target ≤ ×2)`);
} finally {
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });
}
