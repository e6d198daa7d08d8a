// This file runs the CLI from tsc's ES modules (dist/src/cli/main.js) instead of the bundle bin/vupload.cjs runs: the
// same code, where each module of vupload's own shows in a trace of what a run loads (test/cli/process.test.ts).
import { main } from '../../src/cli/main.js';

await main();
