// This file tests that `vupload sandbox` also runs the Vimeo emulator and prints how to reach and log in to it.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { spawnCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

test('vupload sandbox prints the Vimeo env lines on stdout and a personal access token on stderr', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vupload-sbvimeo-'));
  const running = spawnCli(['sandbox', '--dir', dir], { env: {} });
  let stdout = '';
  let stderr = '';
  running.child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  running.child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  try {
    await waitFor(
      'the env lines and notes',
      () => stdout.includes('VUPLOAD_VIMEO_CLIENT_SECRET') && stderr.includes('Stop with'),
    );
    const env = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => line.replace(/^export /, '').split('=') as [string, string]),
    );
    assert.match(env.VUPLOAD_VIMEO_API_URL ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(env.VUPLOAD_VIMEO_CLIENT_ID);
    const token = /VUPLOAD_VIMEO_TOKEN=([0-9a-f]{32})/.exec(stderr)?.[1];
    assert.ok(token, stderr);
    assert.doesNotMatch(stdout, /VUPLOAD_VIMEO_TOKEN/, 'the token is for humans, on stderr');
    const me = await fetch(`${env.VUPLOAD_VIMEO_API_URL}/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(me.status, 200);
  } finally {
    running.child.kill('SIGTERM');
    const result = await running;
    assert.equal(result.code, 0, result.stderr);
    await rm(dir, { recursive: true, force: true });
  }
});
