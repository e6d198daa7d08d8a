// This file checks the install README's "Getting started" describes, as a user makes it from a clone: `npm pack`,
// then `npm install -g` of the tarball into a temporary prefix, then the installed vupload run from outside the
// checkout: --version, the first-run hint (it names the docs installed beside it), the sandbox, a login and an
// upload. `.ci/run` runs it; it needs the npm registry only for what the npm cache lacks.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const work = realpathSync(mkdtempSync(join(tmpdir(), 'vupload-install-')));
const fail = (message) => {
  throw new Error(message);
};
const npm = (args, cwd) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

try {
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], root));
  const files = packed.files.map((f) => f.path);
  const unwanted = files.filter((f) => f.endsWith('.map') || f.startsWith('test/') || f.startsWith('src/'));
  if (unwanted.length > 0) fail(`the tarball ships ${unwanted.join(', ')}`);
  const docs = readdirSync(join(root, 'docs')).map((page) => `docs/${page}`);
  for (const needed of [
    'LICENSE',
    'README.md',
    ...docs,
    'bin/vupload.cjs',
    'dist/src/cli/vupload.cjs',
    'dist/src/cli/help.jsonl',
    'dist/src/cli/main.js',
  ]) {
    if (!files.includes(needed)) fail(`the tarball lacks ${needed}`);
  }
  const prefix = join(work, 'prefix');
  // As docs/install.md "Install" says: --ignore-scripts, because a global install reads no package.json's
  // allowScripts, and the one dependency with an install script (xxhash-addon) needs none (package.json
  // "allowScripts" denies it too).
  const install = spawnSync(
    'npm',
    [
      'install',
      '-g',
      join(work, packed.filename),
      '--ignore-scripts',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
    ],
    { cwd: work, encoding: 'utf8' },
  );
  process.stderr.write(install.stderr);
  if (install.status !== 0) fail(`npm install -g exited ${install.status}`);
  if (/warn/i.test(install.stderr)) fail(`npm install -g printed warnings:\n${install.stderr}`);
  const installed = realpathSync(join(prefix, 'lib', 'node_modules', 'vupload'));
  if (!relative(root, installed).startsWith('..')) fail(`the install links into the checkout (${installed})`);
  const bin = join(prefix, 'bin', 'vupload');
  const env = { PATH: process.env.PATH, HOME: work };
  const version = execFileSync(bin, ['--version'], { cwd: work, env, encoding: 'utf8' }).trim();
  if (version !== packed.version) fail(`vupload --version printed ${version}`);
  // Without client secrets, the hint names the page installed with the program, a file that exists.
  const first = spawnSync(bin, ['auth', 'login'], { cwd: work, env, encoding: 'utf8' });
  const page = /How to get one: (.+), section "Getting a client_secrets\.json"/.exec(first.stderr)?.[1];
  if (first.status !== 3 || page !== join(installed, 'docs', 'login.md') || !existsSync(page))
    fail(`without client secrets, vupload auth login exited ${first.status}: ${first.stderr}`);

  // The installed sandbox, login and upload, from a folder that is not the checkout.
  const sandbox = spawn(bin, ['sandbox', '--dir', join(work, 'sandbox'), '--processing-ms', '10'], {
    cwd: work,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lines = '';
  sandbox.stdout.on('data', (d) => {
    lines += d;
  });
  const deadline = Date.now() + 20_000;
  while (!lines.includes('VUPLOAD_STATE_DIR')) {
    if (Date.now() > deadline || sandbox.exitCode !== null) fail('the installed sandbox did not start');
    await new Promise((done) => setTimeout(done, 50));
  }
  for (const line of lines.trim().split('\n')) {
    const [key, value] = line.replace(/^export /, '').split('=');
    env[key] = value;
  }
  try {
    execFileSync(bin, ['auth', 'login', '--timeout', '20'], {
      cwd: work,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    copyFileSync(join(root, 'test', 'fixtures', 'sample.mp4'), join(work, 'clip.mp4'));
    const id = execFileSync(bin, ['--file', 'clip.mp4', '--title', 'Installed', '--quiet'], {
      cwd: work,
      env,
      encoding: 'utf8',
    }).trim();
    if (!/^[A-Za-z0-9_-]{11}$/.test(id)) fail(`the upload printed ${JSON.stringify(id)}`);
    const history = readFileSync(join(env.VUPLOAD_STATE_DIR, 'history.jsonl'), 'utf8');
    if (!history.includes(id)) fail('the upload is not in the journal');
    console.log(`install check: ${packed.filename} (${files.length} files) installed and uploaded ${id}`);
  } finally {
    sandbox.kill('SIGTERM');
  }
} catch (error) {
  console.error(`install check failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
