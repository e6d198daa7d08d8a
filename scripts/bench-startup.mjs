// This file measures vupload's start-up (`--help`, `--version`) against a bare `node -e 0`, as ratios (npm run bench).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'bin', 'vupload.js');

function timeOnce(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited with ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function benchStartup(runs = 15) {
  const cases = [
    ['node -e 0 (baseline)', ['-e', '0']],
    ['vupload --version', [bin, '--version']],
    ['vupload --help', [bin, '--help']],
  ];
  // Warm the file cache once so the first case is not penalised.
  for (const [, args] of cases) spawnSync(process.execPath, args, { stdio: 'ignore' });
  // Round-robin, so that a slow moment of the machine hits every case alike.
  const times = cases.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [c, [, args]] of cases.entries()) times[c].push(timeOnce(args));
  }
  const medians = cases.map(([name], c) => [name, median(times[c])]);
  const base = medians[0][1];
  return medians.map(([name, ms]) => ({ name, medianMs: Math.round(ms), ratio: +(ms / base).toFixed(2) }));
}
