#!/usr/bin/env node
// This file is the installed `vupload` command: it prints help and the version as the build rendered them, and runs
// the bundled CLI (dist/src/cli/vupload.cjs, made by `npm run build`) for anything else, with the V8 code cache made
// beside it at build time, so that a start compiles almost nothing (docs/development.md "Start-up"). CommonJS on
// purpose: on Node 20 an ES module entry alone costs ~6 ms.
'use strict';
const { fstatSync, readFileSync, writeSync } = require('node:fs');
const { dirname, join } = require('node:path');

const root = join(__dirname, '..');
const cli = join(root, 'dist', 'src', 'cli');
const bundle = join(cli, 'vupload.cjs');

/** Help in vupload's typography or in ASCII: what src/cli/terminal.ts localeIsUtf8 decides (a test holds them equal). */
function utf8Locale(env) {
  if (process.platform === 'win32') return Boolean(env.WT_SESSION) || env.TERM_PROGRAM === 'vscode';
  return /utf-?8/i.test(env.LC_ALL || env.LC_CTYPE || env.LANG || '');
}

/**
 * What the bundle would print for `argv` if it asks only for help or the version, from dist/src/cli/help.jsonl
 * (scripts/prerender-help.mjs), or undefined: loading the bundle costs them ~15 ms over `node -e 0`, where issue 15
 * allows 1.3x that start. Only where the text is the same: stdout a pipe, a socket or a file, as the build rendered
 * it (a terminal wraps help to its width; telling one from other devices would take node:tty, ~3 ms, so every
 * device gets the bundle), and package.json's version the one rendered. A missing or unreadable file: the bundle.
 */
function prerendered(argv) {
  try {
    const stdout = fstatSync(1);
    if (!stdout.isFIFO() && !stdout.isSocket() && !stdout.isFile()) return undefined;
    const [index, ...texts] = readFileSync(join(cli, 'help.jsonl'), 'utf8').split('\n');
    const { version, forms } = JSON.parse(index);
    const key = argv.join('\0');
    if (!Object.hasOwn(forms, key)) return undefined;
    if (version !== JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version) return undefined;
    return JSON.parse(texts[forms[key][utf8Locale(process.env) ? 0 : 1] - 1]);
  } catch {
    return undefined;
  }
}

/**
 * Writes `text` to stdout as process.stdout would (synchronously, to a pipe or a file) without making that stream
 * (it loads node:tty and node:net). False if nothing could be written (a closed pipe): the bundle then meets the same
 * failure and deals with it as in any run. A write that stops part-way (a full disk) is not started again by the
 * bundle, which would print the beginning twice: it is said on stderr, with exit status 1.
 */
function printed(text) {
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
    return true;
  } catch (error) {
    if (written === 0) return false;
    process.stderr.write(`vupload: could not write to stdout: ${error.code ?? error.message}\n`);
    process.exitCode = 1;
    return true;
  }
}

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
  const Module = require('node:module');
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

const text = prerendered(process.argv.slice(2));
if (text === undefined || !printed(text)) loadBundle().main();
