// This file is `npm run bench`: vupload's upload wall time, CPU and peak RSS against curl's single PUT to the same sink
// in the same run, its fixed cost and its start-up against `node -e 0`. Figures are medians and ratios (shared machines
// are noisy). Options: BENCH_QUICK=1 (256 MiB, one run each: for development), BENCH_SIZES=1024,8192 (MiB),
// BENCH_RUNS=3 (runs of each case, interleaved), BENCH_BASELINE=node (node:http PUT instead of curl),
// BENCH_CLI_MIB=2048 (the pipe and proxy runs: a file, the same bytes piped in, the file through a local proxy),
// BENCH_FLOOR=1 (adds a plain node:http client in 8 MiB chunks: what a request per chunk costs any Node client here),
// BENCH_PEERTUBE_MIB=1024 (the PeerTube emulator's upload endpoint against curl), BENCH_ONLY=peertube (that part only).
// BENCH_VIMEO_MIB=1024 (the Vimeo tus runs; `node scripts/bench-vimeo.mjs` runs them alone).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchCli } from './bench-cli.mjs';
import { benchPeerTube } from './bench-peertube.mjs';
import {
  assertGnuTime,
  loggedInEnv,
  MiB,
  makeSparseFile,
  measured,
  median,
  root,
  startSession,
  vuploadArgs,
} from './bench-run.mjs';
import { startSink } from './bench-sink.mjs';
import { benchFixedCost, benchStartup } from './bench-startup.mjs';
import { benchState } from './bench-state.mjs';
import { benchVimeo } from './bench-vimeo.mjs';

const quick = Boolean(process.env.BENCH_QUICK);
const sizes = (process.env.BENCH_SIZES ?? (quick ? '256' : '1024,8192')).split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? (quick ? 1 : 3));
const GiB = 1024 * MiB;
assertGnuTime();

/**
 * The baseline is curl's single PUT: the issue's yardstick, and a client outside Node, so the ratios show what Node
 * and vupload cost on top of the wire. Where curl is missing, a plain node:http PUT with 1 MiB reads stands in.
 */
function curlPath() {
  if (process.env.BENCH_BASELINE === 'node') return undefined;
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return 'curl';
  } catch {
    return undefined;
  }
}
const curl = curlPath();

/**
 * The PeerTube emulator's upload-resumable endpoint (uploadx) against curl's same PUTs; `youtube` (this run's
 * YouTube figures at the same size, when there are) for CPU and peak RSS.
 */
async function peertubePart(work, youtube) {
  const mib = Number(process.env.BENCH_PEERTUBE_MIB ?? (quick ? '256' : '1024'));
  if (!curl) {
    console.log('\nPeerTube: curl is missing, no baseline; skipped.');
    return;
  }
  const pt = await benchPeerTube({ work, mib, runs, curl });
  console.log(`\nPeerTube emulator (uploadx, to disk), ${mib} MiB (medians of ${runs}):`);
  for (const line of pt.lines) console.log(line);
  console.log("Target: wall ≤ 1.10× curl; CPU and peak RSS as YouTube's.");
  for (const [kind, name] of [
    ['one', 'one request'],
    ['chunks', '8 MiB chunks'],
  ]) {
    const y = youtube?.[`${kind}-${mib}`];
    if (y)
      console.log(
        `${name}: CPU/GiB ${pt.summary[kind].cpuPerGiB.toFixed(2)} s (YouTube ${y.cpuPerGiB.toFixed(2)} s), ` +
          `peak RSS ${pt.summary[kind].rss.toFixed(1)} MiB (YouTube ${y.rss.toFixed(1)} MiB)`,
      );
  }
}

if (process.env.BENCH_ONLY === 'peertube') {
  const only = mkdtempSync(join(tmpdir(), 'vupload-bench-'));
  try {
    await peertubePart(only);
  } finally {
    rmSync(only, { recursive: true, force: true });
  }
  process.exit(0);
}

const work = mkdtempSync(join(tmpdir(), 'vupload-bench-'));
const { startSandbox } = await import(join(root, 'dist/src/sandbox/youtube/index.js'));
// The sandbox (in memory, hashing only) issues the login and serves the connection-cut run; the figures of speed
// come from the minimal sink (bench-sink.mjs says why).
const sandbox = await startSandbox({ storage: 'hash', dailyQuota: 1e12, processingMs: 10 });
const sink = await startSink();
const login = loggedInEnv(work, sandbox);
const env = { ...login.env, VUPLOAD_API_URL: sink.url };

/** The plain node:http client (bench-upload-child.mjs) of a new session: one PUT, or `chunk`-byte requests. */
async function nodeClient(file, size, chunk) {
  const url = await startSession(sink.url, login.token, size);
  const args = [join(import.meta.dirname, 'bench-upload-child.mjs'), file, url];
  return measured(process.execPath, chunk ? [...args, String(chunk)] : args, { dir: work });
}

/** One run of a case; `sinkCpu` is what the sink (this process) spent meanwhile. */
async function runCase(kind, file, size) {
  const sinkStart = process.cpuUsage();
  let m;
  if (kind === 'baseline' && curl) {
    const url = await startSession(sink.url, login.token, size);
    m = await measured(curl, ['-sS', '-f', '-o', '/dev/null', '-H', 'Expect:', '-T', file, url], {
      dir: work,
    });
  } else if (kind === 'baseline' || kind === 'floor') {
    m = await nodeClient(file, size, kind === 'floor' ? 8 * MiB : undefined);
  } else {
    const chunk = kind === 'chunks' ? 8 * MiB : undefined;
    m = await measured(process.execPath, vuploadArgs(file, chunk), { env, dir: work });
  }
  const spent = process.cpuUsage(sinkStart);
  return { ...m, sinkCpu: (spent.user + spent.system) / 1e6 };
}

const KINDS = [
  ['baseline', curl ? 'curl, one PUT' : 'node:http, one PUT'],
  ['one', 'vupload, one request'],
  ['chunks', 'vupload, --chunk-size 8M'],
  ...(process.env.BENCH_FLOOR ? [['floor', 'node:http, 8 MiB chunks']] : []),
];
const f = (n, d = 2) => n.toFixed(d).padStart(7);
const lines = [];
const summary = {};
try {
  for (const mib of sizes) {
    const file = makeSparseFile(work, mib);
    await runCase('baseline', file, mib * MiB); // warm-up: the first run of a size pays for cold caches
    const results = Object.fromEntries(KINDS.map(([kind]) => [kind, []]));
    // Interleaved (baseline, one, chunks, baseline, …) so that a slow moment of the machine hits every case alike.
    for (let i = 0; i < runs; i++) {
      for (const [kind] of KINDS) results[kind].push(await runCase(kind, file, mib * MiB));
    }
    const pick = (kind, key) => median(results[kind].map((r) => r[key]));
    const gib = (mib * MiB) / GiB;
    for (const [kind, name] of KINDS) {
      const row = {
        wall: pick(kind, 'wall'),
        cpuPerGiB: pick(kind, 'cpu') / gib,
        rss: pick(kind, 'rss'),
      };
      summary[`${kind}-${mib}`] = row;
      lines.push(
        `${`${name}, ${mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`}`.padEnd(34)}${f(row.wall)} s${f(pick(kind, 'user'))} s${f(pick(kind, 'sys'))} s${f(row.cpuPerGiB)} s${f(row.rss, 1)} MiB  ×${(row.wall / pick('baseline', 'wall')).toFixed(2)}  ×${(row.cpuPerGiB / (pick('baseline', 'cpu') / gib)).toFixed(2)}${f(pick(kind, 'sinkCpu') / gib)} s`,
      );
    }
    rmSync(file);
  }
  console.log(`\nUpload to a sink that hashes and discards (medians of ${runs}; node ${process.version}):`);
  console.log(
    `${'case'.padEnd(34)}${'wall'.padStart(9)}${'user'.padStart(9)}${'sys'.padStart(9)}${'CPU/GiB'.padStart(9)}${'peak RSS'.padStart(12)}  wall×  CPU×  sink CPU/GiB`,
  );
  for (const line of lines) console.log(line);
  for (const kind of ['one', 'chunks']) {
    const rss = sizes.map((mib) => summary[`${kind}-${mib}`].rss);
    console.log(
      `Peak RSS across sizes (${kind === 'one' ? 'one request' : '8 MiB chunks'}): spread ${(Math.max(...rss) - Math.min(...rss)).toFixed(1)} MiB`,
    );
  }
  console.log(
    'Targets: wall ≤ 1.10× (one request), ≤ 1.15× (8 MiB chunks); CPU ≤ 1.2 s/GiB; peak RSS ≤ 70 MiB, spread ≤ 5 MiB.',
  );
  await peertubePart(work, summary);

  // Three connection cuts, 64 MiB into each request: the engine asks the server and resends only what was lost (each
  // retry waits its backoff, hence only three).
  const cutMib = sizes[0];
  const cutFile = makeSparseFile(work, cutMib);
  const cuts = 3;
  for (let i = 0; i < cuts; i++) sandbox.faults.add({ on: 'upload-chunk', cutAfterBytes: 64 * MiB });
  const cut = await measured(process.execPath, [...vuploadArgs(cutFile), '--json', '--retries', '50'], {
    env: login.env,
    dir: work,
  });
  rmSync(cutFile);
  const sent = JSON.parse(cut.stdout).bytesSent / (cutMib * MiB);
  console.log(
    `\n${cuts} connection cuts, ${cutMib} MiB: bytes sent / size ${sent.toFixed(3)} (target < 1.1)`,
  );

  // A pipe (`generator | vupload upload -`) and a proxy against a file upload of the same size, to the sandbox: the
  // sink takes no unknown totals, and the three are compared with each other only.
  const cliMib = Number(process.env.BENCH_CLI_MIB ?? (quick ? '256' : '2048'));
  const c = await benchCli({ work, env: login.env, token: login.token, mib: cliMib, runs, curl });
  const rate = (m) => cliMib / m.wall;
  console.log(
    `\nvupload upload, ${cliMib} MiB to the sandbox (medians of ${runs}; RSS and CPU of the client process, and of the proxy):`,
  );
  for (const [name, m] of [
    ['file', c.file],
    ['file, --chunk-size 8M', c.chunks],
    ['pipe: generator | vupload upload -', c.pipe],
    ['file through a local HTTP proxy', c.proxy],
    ...(c.curl ? [['curl, one PUT', c.curl]] : []),
    ...(c.curlProxy ? [['curl, one PUT through the proxy', c.curlProxy]] : []),
  ])
    console.log(
      `${name.padEnd(36)}${f(m.wall)} s${f(m.cpu)} s${f(m.rss, 1)} MiB${f(rate(m), 0)} MiB/s${m.proxyCpu ? `   proxy ${f(m.proxyCpu)} CPU s` : ''}`,
    );
  console.log(
    `pipe ×${(rate(c.pipe) / rate(c.file)).toFixed(2)} of the file's throughput (target ≥ 0.9; ×${(rate(c.pipe) / rate(c.chunks)).toFixed(2)} of the file in the same chunks), peak RSS ${(c.pipe.rss - c.file.rss).toFixed(1)} MiB above it (target ≤ 20); proxy ×${(rate(c.proxy) / rate(c.file)).toFixed(2)} of direct (target ≥ 0.85)`,
  );
  // The proxy is a third busy process on the machine: what it costs curl, a client with no work of its own, is
  // what it costs any client here.
  if (c.curl && c.curlProxy)
    console.log(
      `curl through the same proxy ×${(rate(c.curlProxy) / rate(c.curl)).toFixed(2)} of curl direct; vupload's own CPU through the proxy ×${(c.proxy.cpu / c.file.cpu).toFixed(2)} of direct, the proxy's ${(c.proxy.proxyCpu / c.proxy.cpu).toFixed(2)}× vupload's`,
    );

  // Vimeo over tus (issue 26): the sandbox's @tus/server, vupload against curl's same PATCHes.
  const vimeoMib = Number(process.env.BENCH_VIMEO_MIB ?? (quick ? '256' : '1024'));
  for (const line of await benchVimeo({ work, mib: vimeoMib, runs, curl })) console.log(line);

  const fixedFile = makeSparseFile(work, 1);
  console.log(
    '\nFixed cost (a whole 1 MiB upload, logged in with a valid cached token; medians, round-robin):',
  );
  for (const r of await benchFixedCost(fixedFile, env, quick ? 5 : 15))
    console.log(`${r.name.padEnd(26)}${f(r.seconds, 3)} s  ×${r.ratio.toFixed(2)}`);
  console.log('Target: ≤ 0.15 s.');
  console.log(`\nStart-up (medians, round-robin; node ${process.version}):`);
  for (const r of await benchStartup(quick ? 7 : 21))
    console.log(`${r.name.padEnd(26)}${f(r.seconds, 3)} s  ×${r.ratio.toFixed(2)}`);
  console.log('Target on Node 20: --help and --version ≤ 1.3× node -e 0.');
  console.log('\nState store (--state-url PostgreSQL against the state directory):');
  for (const line of await benchState()) console.log(line);
} finally {
  await sink.close();
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });
}
