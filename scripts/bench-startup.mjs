// This file measures vupload's start-up (`--help`, `--version`) and the fixed cost of a 1 MiB upload, each beside a
// bare `node -e 0` run in turn with it (npm run bench); medians of wall time from spawn to exit.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { median, root } from './bench-run.mjs';

const bin = join(root, 'bin', 'vupload.cjs');

function timeOnce(args, env) {
  const start = process.hrtime.bigint();
  // Asynchronous: the sink of the fixed-cost upload lives in this process.
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { env }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`node ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(Number(process.hrtime.bigint() - start) / 1e9);
    });
  });
}

/** Runs the cases round-robin (a slow moment of the machine hits every case alike); the first is the yardstick. */
async function roundRobin(cases, runs, env) {
  for (const [, args] of cases) await timeOnce(args, env); // warms the file cache
  const times = cases.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [c, [, args]] of cases.entries()) times[c].push(await timeOnce(args, env));
  }
  const base = median(times[0]);
  return cases.map(([name], c) => ({ name, seconds: median(times[c]), ratio: median(times[c]) / base }));
}

/**
 * In a bare environment, as the fixed cost: a NODE_EXTRA_CA_CERTS or NODE_OPTIONS of the machine would add its own
 * cost to every run (the CA file alone adds ~60 ms to each Node start here), hiding vupload's share in the ratio.
 */
export function benchStartup(runs) {
  return roundRobin(
    [
      ['node -e 0', ['-e', '0']],
      ['vupload --version', [bin, '--version']],
      ['vupload --help', [bin, '--help']],
    ],
    runs,
    { PATH: process.env.PATH, HOME: process.env.HOME },
  );
}

/** A whole `vupload --file 1MiB.mp4` run, logged in with a valid cached access token, against the sink. */
export function benchFixedCost(file, env, runs) {
  return roundRobin(
    [
      ['node -e 0', ['-e', '0']],
      ['vupload --file 1MiB.mp4', [bin, '--file', file, '--title', 'fixed', '--force', '--quiet']],
    ],
    runs,
    env,
  );
}
