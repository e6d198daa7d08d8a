// This file tests logging in as a newcomer meets it: no browser here, a browser that fails, the sandbox, restarts.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { browserUnavailable } from '../../src/cli/browser.js';
import { consent } from '../auth/sandbox-helpers.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { type CliEnv, cliEnv, playBrowser } from './env.js';

const noBrowser = async () => {
  throw new Error('no browser may be opened');
};

describe('auth login without a browser', () => {
  let t: CliEnv;
  before(async () => {
    t = await cliEnv();
  });
  after(() => t.close());

  test('against the sandbox, login completes without any browser', async () => {
    let opened = 0;
    const result = await t.run(['auth', 'login', '--profile', 'auto', '--timeout', '5'], {
      openUrl: async () => {
        opened++;
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(opened, 0, 'no browser was opened');
    assert.match(result.stderr, /consenting without a browser/);
    assert.equal((await t.run(['auth', 'status', '--profile', 'auto'])).code, 0);
  });

  /** A Google-like client whose consent page is not on this machine; its token endpoint is the sandbox's. */
  async function remoteSecrets(): Promise<string> {
    const file = join(t.dir, 'remote_secrets.json');
    const installed = t.sb.clientSecrets().installed;
    await writeFile(
      file,
      JSON.stringify({
        installed: { ...installed, auth_uri: 'https://accounts.example.test/o/oauth2/v2/auth' },
      }),
    );
    return file;
  }

  /** Plays the user: reads the URL vupload prints, consents in a "browser elsewhere", pastes the final address. */
  async function loginByPasting(env: Record<string, string>, openUrl: (url: string) => Promise<void>) {
    const stdin = new PassThrough();
    let stderr = '';
    const running = t.run(['auth', 'login', '--profile', 'pasted', '--timeout', '20'], {
      env: { ...env, VUPLOAD_CLIENT_SECRETS: await remoteSecrets() },
      stdin,
      openUrl,
      onStderr: (text) => {
        stderr += text;
      },
    });
    await waitFor('the paste prompt', () => /paste here the address/.test(stderr));
    const printed = /https:\/\/accounts\.example\.test\S+/.exec(stderr)?.[0];
    assert.ok(printed, stderr);
    const atSandbox = new URL(printed);
    const local = new URL(t.sb.authUri);
    atSandbox.protocol = local.protocol;
    atSandbox.host = local.host;
    const finalAddress = await consent(atSandbox.toString());
    stdin.write(`${finalAddress}\n`);
    const result = await running;
    stdin.end();
    return { result, stderrAtPrompt: stderr };
  }

  test('with no display, login says so at once and accepts the pasted address', async () => {
    const { result, stderrAtPrompt } = await loginByPasting({}, noBrowser);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      stderrAtPrompt,
      /No browser can be opened here \(neither DISPLAY nor WAYLAND_DISPLAY is set\)/,
    );
  });

  test('when the browser cannot be opened, login says why and accepts the pasted address', async () => {
    const { result, stderrAtPrompt } = await loginByPasting({ DISPLAY: ':0' }, async () => {
      throw new Error('xdg-open exited with code 3');
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(stderrAtPrompt, /Could not open a browser \(xdg-open exited with code 3\)/);
  });

  test('browserUnavailable knows displays, SSH sessions, WSL and desktops', () => {
    assert.match(browserUnavailable({}, 'linux') ?? '', /DISPLAY/);
    assert.equal(browserUnavailable({ DISPLAY: ':0' }, 'linux'), undefined);
    assert.equal(browserUnavailable({ WAYLAND_DISPLAY: 'wayland-0' }, 'freebsd'), undefined);
    assert.match(browserUnavailable({ SSH_CONNECTION: '1 2 3 4' }, 'linux') ?? '', /SSH/);
    assert.equal(
      browserUnavailable({ SSH_CONNECTION: '1 2 3 4', DISPLAY: 'localhost:10' }, 'linux'),
      undefined,
    );
    assert.equal(browserUnavailable({ WSL_DISTRO_NAME: 'Debian' }, 'linux'), undefined);
    assert.equal(browserUnavailable({}, 'darwin'), undefined);
    assert.match(browserUnavailable({ SSH_TTY: '/dev/pts/1' }, 'darwin') ?? '', /SSH/);
  });
});

describe('vupload sandbox --dir, restarted', () => {
  test('keeps its port, so a saved login still works after a restart without --port', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vupload-restart-'));
    const start = async () => {
      const running = spawnCli(['sandbox', '--dir', dir, '--processing-ms', '10'], { env: {} });
      let stdout = '';
      running.child.stdout?.on('data', (d: Buffer) => {
        stdout += d.toString();
      });
      await waitFor('the env lines', () => stdout.includes('VUPLOAD_STATE_DIR'));
      const env = Object.fromEntries(
        stdout
          .trim()
          .split('\n')
          .map((line) => line.replace(/^export /, '').split('=') as [string, string]),
      );
      return { running, env };
    };
    const first = await start();
    const login = await runCli(['auth', 'login'], { env: first.env, cwd: dir, openUrl: playBrowser });
    assert.equal(login.code, 0, login.stderr);
    first.running.child.kill('SIGTERM');
    assert.equal((await first.running).code, 0);
    const second = await start();
    try {
      assert.equal(second.env.VUPLOAD_API_URL, first.env.VUPLOAD_API_URL);
      const status = await runCli(['auth', 'status'], { env: second.env, cwd: dir });
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /Sandbox Channel/);
      assert.equal(
        (await readFile(join(dir, 'port'), 'utf8')).trim(),
        new URL(first.env.VUPLOAD_API_URL!).port,
      );
    } finally {
      second.running.child.kill('SIGTERM');
      await second.running;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
