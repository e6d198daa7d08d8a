// This file runs the conformance suite (dist/test/providers/conformance*.test.js, after `npm run build`) and prints
// its table, scenario × provider, in Markdown on stdout; the runner's own report goes to stderr. Exit status: the
// suite's. VUPLOAD_CONFORMANCE_KILLS=all is passed on (a kill before every durable change, not only commit points).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', 'dist', 'test', 'providers');
const files = readdirSync(dir)
  .filter((name) => /^conformance.*\.test\.js$/.test(name))
  .map((name) => join(dir, name));
if (files.length === 0) {
  console.error(`no conformance tests under ${dir}: run npm run build first`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-concurrency=2',
    `--test-reporter=${join(import.meta.dirname, 'conformance-reporter.mjs')}`,
    '--test-reporter-destination=stdout',
    '--test-reporter=spec',
    '--test-reporter-destination=stderr',
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
