#!/usr/bin/env node
// This file is the installed `vupload` command: a shim into the compiled CLI.
import module from 'node:module';

// Node ≥ 22.1 can cache compiled code between runs: a faster start for cron jobs and scripts. Absent on Node 20.
module.enableCompileCache?.();
const { main } = await import('../dist/src/cli/main.js');
await main();
