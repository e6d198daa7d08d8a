#!/usr/bin/env node
// This file is the installed `vupload` command: it runs the bundled CLI (dist/src/cli/vupload.cjs, made by
// `npm run build`) with the V8 code cache made beside it at build time, so that a start compiles almost nothing
// (README "Start-up"). CommonJS on purpose: on Node 20 an ES module entry alone costs ~6 ms.
'use strict';
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'src', 'cli', 'vupload.cjs');

/** The cache this Node's V8 made (the name says which), or undefined: built with another Node. */
function codeCache() {
  try {
    return readFileSync(`${bundle}.${process.versions.v8}.cache`);
  } catch {
    return undefined;
  }
}

/** What require(bundle) does, with the cache (V8 itself compiles afresh if the cache does not fit its flags). */
function loadBundle() {
  const cachedData = codeCache();
  if (!cachedData) {
    // Node 22+ then caches compiled code in its own way; absent on Node 20.
    Module.enableCompileCache?.();
    return require(bundle);
  }
  const vm = require('node:vm');
  // ASCII (scripts/bundle.mjs): read as it is, without decoding UTF-8.
  const script = new vm.Script(Module.wrap(readFileSync(bundle, 'latin1')), { filename: bundle, cachedData });
  const loaded = { exports: {} };
  script.runInThisContext()(loaded.exports, Module.createRequire(bundle), loaded, bundle, dirname(bundle));
  return loaded.exports;
}

loadBundle().main();
