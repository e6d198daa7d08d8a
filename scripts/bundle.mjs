// This file is the second half of `npm run build` (after tsc): it bundles the compiled CLI into one CommonJS file,
// dist/src/cli/vupload.cjs, and saves V8's code cache for it beside it, which bin/vupload.cjs loads, and the help and
// version texts the bundle prints, which bin/vupload.cjs prints without loading it (docs/development.md "Start-up").
//
// Why (issue 15, measured on Node 20): the CLI as ~100 ES modules spends most of a 1 MiB upload's run resolving,
// reading and compiling them, and an ES module entry alone costs ~6 ms over `node -e 0`; one CommonJS file whose
// compiled code comes from a cache skips the module loader and the parser. Commands still load lazily: esbuild wraps
// each module in a function that runs on its first import, and the npm packages other than commander and
// write-file-atomic stay outside the bundle (the Google libraries, pg … are required only by the commands that use
// them, as before).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Writable } from 'node:stream';
import vm from 'node:vm';
import * as esbuild from 'esbuild';
import { loggedInEnv } from './bench-run.mjs';
import { prerenderHelp } from './prerender-help.mjs';

const root = join(import.meta.dirname, '..');
const outfile = join(root, 'dist/src/cli/vupload.cjs');
/** What bin/vupload.cjs prints for help and the version (scripts/prerender-help.mjs). */
const helpFile = join(root, 'dist/src/cli/help.jsonl');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** Small, needed by every run or every upload: inside the bundle. Every other package is required when needed. */
const BUNDLED = new Set(['commander', 'write-file-atomic']);
const external = Object.keys({
  ...pkg.dependencies,
  ...pkg.optionalDependencies,
  ...pkg.devDependencies,
}).filter((name) => !BUNDLED.has(name));

/**
 * tsc's CommonJS output (src/cli/esm-imports.cts: the one place that calls import(), which code from a cache cannot
 * do) stays a file of its own, required from the bundle by its path from there.
 */
const commonJsOutside = {
  name: 'commonjs-outside',
  setup(build) {
    build.onResolve({ filter: /\.cjs$/ }, (args) => {
      const path = join(args.resolveDir, args.path);
      return { path: `./${relative(dirname(outfile), path)}`, external: true };
    });
  },
};

/** Packages that are ES modules only: the bundle can neither import() them (above) nor require them on Node 20.17. */
const ESM_ONLY = ['ora', 'open', 'leven'];
const esmOnlyThroughHelper = {
  name: 'esm-only-through-helper',
  setup(build) {
    build.onResolve({ filter: new RegExp(`^(${ESM_ONLY.join('|')})$`) }, (args) => ({
      errors: [{ text: `${args.path} is an ES module only: import it through src/cli/esm-imports.cts` }],
    }));
  },
};

/**
 * commander requires node:child_process when it loads, for executable subcommands (`git-foo` style), which vupload
 * does not have; loading it costs ~3 ms of every start. Inside commander it is replaced by a module that loads the
 * real one on first use (commander calls only its spawn).
 */
const childProcessOnDemand = {
  name: 'child-process-on-demand',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes('node_modules/commander/')
        ? { path: 'child_process', namespace: 'on-demand' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'on-demand' }, () => ({
      contents: "module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };",
      loader: 'js',
    }));
  },
};

// Removed first: a build that fails after the bundle changed leaves none, and bin/vupload.cjs then runs the bundle.
rmSync(helpFile, { force: true });

await esbuild.build({
  entryPoints: [join(root, 'dist/src/cli/main.js')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external,
  // import() of a package outside becomes require(): code run from a code cache cannot call import() (see above).
  supported: { 'dynamic-import': false },
  // The bundle sits beside main.js, so paths relative to import.meta.url (package.json, hash-wasm) stay right.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [commonJsOutside, esmOnlyThroughHelper, childProcessOnDemand],
  // Without comments and indentation the file is 30 % smaller, and reading it is part of every start; names stay, so
  // a stack trace still names its functions. ASCII (esbuild escapes the rest in strings), so bin/vupload.cjs reads it
  // as latin1 without decoding UTF-8.
  minifyWhitespace: true,
  charset: 'ascii',
  logLevel: 'warning',
});

/**
 * The code cache: compiled once here, then `--help`, `--version`, a dry-run upload and a real upload are run in this
 * process so that the functions they need are compiled too (V8 caches only what was compiled: a cache made right after
 * compiling holds the top level alone, and a start would then parse and compile each function it calls). The real
 * upload goes to a sandbox started here on 127.0.0.1, logged in as the bench logs in; without it, a 1 MiB upload
 * spent ~20 % of its main thread's time parsing and compiling the send path, the journal and the steps (issue 15's
 * fixed cost). Their home, config and state directories are a temporary one. The file name carries V8's version:
 * another Node finds none and loads the bundle without it. Then the same bundle renders help.jsonl
 * (scripts/prerender-help.mjs).
 */
const source = readFileSync(outfile, 'utf8');
const script = new vm.Script(Module.wrap(source), { filename: outfile });
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, Module.createRequire(outfile), bundle, outfile, dirname(outfile));
const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });
const home = mkdtempSync(join(tmpdir(), 'vupload-bundle-'));
const { startSandbox } = await import(join(root, 'dist/src/sandbox/youtube/index.js'));
const sandbox = await startSandbox({ dir: join(home, 'sandbox'), processingMs: 0 });
/** A context for the bundle's run(): its home, config and state directories in the temporary one. */
const context = (env, stdout, stderr) => ({
  env: {
    PATH: process.env.PATH,
    HOME: home,
    VUPLOAD_CONFIG_DIR: join(home, 'config'),
    VUPLOAD_STATE_DIR: join(home, 'state'),
    ...env,
  },
  cwd: home,
  stdin: process.stdin,
  stdout,
  stderr,
  signal: new AbortController().signal,
  now: () => Date.now(),
  sleep: async () => {},
  random: Math.random,
  openUrl: async () => {},
});
let cachedData;
let help;
try {
  // An MP4 header is all a dry run reads of a video.
  writeFileSync(
    join(home, 'clip.mp4'),
    Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex'),
  );
  const dryRun = ['--file', 'clip.mp4', '--title', 'Warm-up', '--dry-run', '--quiet'];
  const upload = ['--file', 'clip.mp4', '--title', 'Warm-up', '--quiet'];
  const { env: loggedIn } = loggedInEnv(home, sandbox);
  for (const argv of [['--help'], ['--version'], dryRun, upload]) {
    const code = await bundle.exports.run(
      argv,
      context(argv === upload ? loggedIn : {}, discard(), discard()),
    );
    if (code !== 0) throw new Error(`vupload ${argv.join(' ')} exited ${code} in the bundle`);
  }
  // Taken before every command's help is run: their code would fill the cache with functions no start runs.
  cachedData = script.createCachedData();
  help = await prerenderHelp(bundle.exports.run, context, pkg.version);
} finally {
  await sandbox.close();
  rmSync(home, { recursive: true, force: true });
}
for (const old of readdirSync(dirname(outfile)).filter((name) => /^vupload\.cjs\..*\.cache$/.test(name)))
  rmSync(join(dirname(outfile), old));
writeFileSync(`${outfile}.${process.versions.v8}.cache`, cachedData);
writeFileSync(helpFile, help);
