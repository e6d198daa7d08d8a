// This file is `npm run demo`: vupload's main job end to end against the local sandbox, no Google account needed.
// It starts a sandbox, logs in to it (the sandbox consents at once; this script plays the browser),
// uploads test/fixtures/sample.mp4 with a thumbnail, waits for processing, renames the video and prints its id.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const { startSandbox } = await import(join(root, 'dist/src/sandbox/youtube/index.js'));
const work = mkdtempSync(join(tmpdir(), 'vupload-demo-'));
const sandbox = await startSandbox({ dir: join(work, 'sandbox'), processingMs: 1500 });
const secrets = join(work, 'client_secrets.json');
writeFileSync(secrets, JSON.stringify(sandbox.clientSecrets(), null, 2));
const env = {
  ...process.env,
  VUPLOAD_API_URL: sandbox.url,
  VUPLOAD_CLIENT_SECRETS: secrets,
  VUPLOAD_CONFIG_DIR: join(work, 'config'),
  VUPLOAD_STATE_DIR: join(work, 'state'),
};
const say = (line) => process.stderr.write(`\n\u2500\u2500 ${line}\n`);

/** Runs bin/vupload.cjs; stderr goes to ours, stdout is returned. `onStderr` sees stderr as it comes. */
function vupload(args, onStderr) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/vupload.cjs'), ...args], { env, stdio: 'pipe' });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      process.stderr.write(d);
      onStderr?.(String(d));
    });
    child.stdin.end();
    child.on('close', (code) => {
      if (code === 0) resolve(out.trim());
      else reject(new Error(`vupload ${args[0]} exited with ${code}`));
    });
  });
}

/** What a browser does with the sandbox's consent page: follow its redirect to vupload's loopback listener. */
async function playBrowser(url) {
  const consent = await fetch(url, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (!location) throw new Error(`the sandbox did not redirect (${consent.status})`);
  await fetch(location);
}

try {
  process.stderr.write(`sandbox on ${sandbox.url}; everything lives in ${work}\n`);
  say('vupload auth login --no-browser');
  let browsed = false;
  await vupload(['auth', 'login', '--no-browser'], (text) => {
    const url = /https?:\/\/\S+\/o\/oauth2\/v2\/auth\S*/.exec(text)?.[0];
    if (url && !browsed) {
      browsed = true;
      playBrowser(url).catch((error) => process.stderr.write(`browser: ${error.message}\n`));
    }
  });
  say('vupload --file test/fixtures/sample.mp4 --title "vupload demo" … --thumbnail … --wait');
  const id = await vupload([
    '--file',
    join(root, 'test/fixtures/sample.mp4'),
    '--title',
    'vupload demo',
    '--description',
    'Uploaded by npm run demo',
    '--keywords',
    'demo, vupload',
    '--thumbnail',
    join(root, 'test/fixtures/thumbnail.jpg'),
    '--wait',
  ]);
  say(`vupload update ${id} --title "vupload demo (renamed)"`);
  await vupload(['update', id, '--title', 'vupload demo (renamed)']);
  say(`vupload status ${id}`);
  process.stderr.write(`${await vupload(['status', id])}\n`);
  const video = sandbox.video(id);
  process.stderr.write(
    `\nThe sandbox now holds "${video?.snippet?.title}" (${video?.status?.privacyStatus}), ` +
      `tags ${JSON.stringify(video?.snippet?.tags)}.\n`,
  );
  process.stdout.write(`${id}\n`);
} catch (error) {
  process.stderr.write(`demo failed: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  await sandbox.close();
  rmSync(work, { recursive: true, force: true });
}
