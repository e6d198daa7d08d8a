// This file follows README's "Getting started", step 2, as a newcomer does (issue 27, item 10): the sandbox started in
// one shell, its settings read in another, the login and the first upload — the commands taken from README itself,
// run by bash with `vupload` on PATH as an install puts it there.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { section } from '../helpers/docs.js';
import { repoRoot, vuploadBin } from '../helpers/paths.js';
import { waitFor } from '../helpers/wait.js';

/** The indented code blocks of a Markdown text, each as its lines without the indent. */
function codeBlocks(text: string): string[] {
  const blocks: string[][] = [];
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('    ')) {
      if (!current) {
        current = [];
        blocks.push(current);
      }
      current.push(line.slice(4));
    } else if (line.trim() !== '' || !current) current = undefined;
  }
  return blocks.map((b) => b.join('\n').trimEnd());
}

test("README's Getting started, step 2: a first upload on the sandbox, from the clone", {
  timeout: 90_000,
}, async () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const body = section(readme, 'Getting started') ?? '';
  const step = body.slice(body.indexOf('**2.'), body.indexOf('**3.'));
  const blocks = codeBlocks(step);
  assert.equal(blocks.length, 2, `step 2 has the sandbox's terminal and the first terminal:\n${step}`);
  const [sandboxBlock, firstUpload] = blocks as [string, string];
  assert.match(sandboxBlock, /^vupload sandbox /);

  const work = mkdtempSync(join(tmpdir(), 'vupload-getting-started-'));
  const home = join(work, 'home');
  const bin = join(work, 'bin');
  mkdirSync(home);
  mkdirSync(bin);
  // What `npm install -g` puts on PATH: a `vupload` command.
  writeFileSync(join(bin, 'vupload'), `#!/bin/sh\nexec "${process.execPath}" "${vuploadBin}" "$@"\n`);
  chmodSync(join(bin, 'vupload'), 0o755);
  const env = { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: home, LANG: 'C.UTF-8' };
  // README's /tmp/… paths, in this test's own folder.
  const here = (block: string) => block.replaceAll('/tmp/', `${work}/`);

  const sandbox = spawn('bash', ['-c', here(sandboxBlock)], {
    cwd: home,
    env,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let sandboxErr = '';
  sandbox.stderr.on('data', (d: Buffer) => {
    sandboxErr += d.toString();
  });
  try {
    const envFile = /> (\S+\.env)/.exec(here(sandboxBlock))?.[1];
    assert.ok(envFile, 'the sandbox writes its settings to a file');
    await waitFor(
      `the sandbox's settings in ${envFile}`,
      () =>
        (existsSync(envFile) && readFileSync(envFile, 'utf8').includes('VUPLOAD_STATE_DIR')) ||
        sandbox.exitCode !== null,
      30_000,
    );
    assert.equal(sandbox.exitCode, null, `the sandbox is running: ${sandboxErr}`);
    const run = spawnSync('bash', ['-e', '-c', here(firstUpload)], {
      cwd: repoRoot,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 0, `${run.stderr}\n(sandbox: ${sandboxErr})`);
    const id = run.stdout.trim().split('\n').at(-1) ?? '';
    assert.match(id, /^[A-Za-z0-9_-]{11}$/, `the upload printed the video id: ${run.stdout}`);
    const settings = readFileSync(envFile, 'utf8');
    const stateDir = /VUPLOAD_STATE_DIR=(\S+)/.exec(settings)?.[1] ?? '';
    assert.ok(
      readFileSync(join(stateDir, 'history.jsonl'), 'utf8').includes(id),
      'the journal has the upload',
    );
    // The sandbox kept the newcomer's real config and state untouched.
    assert.equal(existsSync(join(home, '.config', 'vupload')), false);
    assert.equal(existsSync(join(home, '.local', 'state', 'vupload')), false);
  } finally {
    if (sandbox.pid !== undefined && sandbox.exitCode === null) process.kill(-sandbox.pid, 'SIGTERM');
    await new Promise((done) => (sandbox.exitCode !== null ? done(undefined) : sandbox.once('close', done)));
    rmSync(work, { recursive: true, force: true });
  }
});
