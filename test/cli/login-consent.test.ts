// This file tests that every provider's login meets a machine without a browser the way YouTube's does (issue
// 29.10): Youku's login consents at once to a local emulator, says when no browser can be opened, and falls back
// to the pasted address when the browser cannot be opened or is not wanted, instead of failing.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { consentOptions } from '../../src/cli/browser.js';
import type { CliContext } from '../../src/cli/context.js';
import { youkuLogin, youkuTokenPath } from '../../src/providers/youku/index.js';
import { YOUKU_SANDBOX_CLIENT } from '../../src/sandbox/youku/index.js';
import { createHttpTransport } from '../../src/upload/index.js';
import { consent } from '../auth/sandbox-helpers.js';
import { runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { type YoukuCliEnv, youkuCliEnv } from './env.js';

/** What xdg-open does on a machine without a display. */
const xdgOpenFails = async () => {
  throw new Error('xdg-open exited with code 3');
};

describe("Youku's login without a browser, as YouTube's", () => {
  let y: YoukuCliEnv;
  before(async () => {
    y = await youkuCliEnv();
  });
  after(() => y.close());

  test('no display and an opener that fails: the local emulator is consented to at once, no browser needed', async () => {
    let opened = 0;
    const result = await y.run(['auth', 'login', '--provider', 'youku', '--profile', 'auto'], {
      openUrl: async () => {
        opened++;
        await xdgOpenFails();
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(opened, 0, 'no browser was opened');
    assert.match(result.stderr, /consenting without a browser/);
    assert.doesNotMatch(result.stderr, /unexpected/);
  });

  /** Plays the user: reads the address vupload prints, consents at the emulator, pastes the final address. */
  async function loginByPasting(argv: string[], openUrl: (url: string) => Promise<void>) {
    const stdin = new PassThrough();
    let stderr = '';
    const running = runCli(['auth', 'login', '--provider', 'youku', '--timeout', '20', ...argv], {
      cwd: y.dir,
      env: y.env,
      stdin,
      openUrl,
      onStderr: (text) => {
        stderr += text;
      },
    });
    await waitFor('the paste prompt', () => /paste here the address/.test(stderr) || /vupload:/.test(stderr));
    const printed = /http:\/\/127\.0\.0\.1:\d+\/oauth2\/authorize\S+/.exec(stderr)?.[0];
    assert.ok(printed, stderr);
    stdin.write(`${await consent(printed)}\n`);
    const result = await running;
    stdin.end();
    return { result, stderrAtPrompt: stderr };
  }

  test('a browser that cannot be opened (xdg-open exits 3): says why and accepts the pasted address', async () => {
    const { result, stderrAtPrompt } = await loginByPasting(
      ['--profile', 'opener', '--open-browser'],
      xdgOpenFails,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(stderrAtPrompt, /Could not open a browser \(xdg-open exited with code 3\)/);
    assert.match(result.stderr, /Logged in to Youku: profile "opener"/);
  });

  test('--no-browser prints the address and accepts the pasted one', async () => {
    const { result, stderrAtPrompt } = await loginByPasting(
      ['--profile', 'pasted', '--no-browser'],
      async () => {
        throw new Error('no browser may be opened');
      },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(stderrAtPrompt, /Open this address in a browser and allow access/);
  });

  test("no display, Youku's consent page elsewhere: says no browser can be opened and takes the pasted address", async () => {
    // Youku's own host (its authorization and token endpoints), answered by the emulator through this transport.
    const remote = 'https://openapi.youku.example';
    const local = createHttpTransport();
    const transport = {
      request: (r: Parameters<typeof local.request>[0]) =>
        local.request({ ...r, url: r.url.replace(remote, y.sb.url) }),
    };
    const stdin = new PassThrough();
    const lines: string[] = [];
    const ctx = { env: {}, stdin, openUrl: xdgOpenFails } as unknown as CliContext;
    const configDir = join(y.dir, 'core-config');
    try {
      const running = youkuLogin({
        clientId: YOUKU_SANDBOX_CLIENT.clientId,
        clientSecret: YOUKU_SANDBOX_CLIENT.clientSecret,
        configDir,
        profile: 'far',
        oauthUrl: remote,
        apiUrl: y.sb.url,
        transport,
        timeoutMs: 20_000,
        ...(await consentOptions(ctx, remote, {}, (line) => lines.push(line))),
      });
      await waitFor('the paste prompt', () => lines.some((line) => /paste here the address/.test(line)));
      assert.ok(
        lines.includes('No browser can be opened here (neither DISPLAY nor WAYLAND_DISPLAY is set).'),
      );
      const printed = lines.find((line) => line.startsWith(`${remote}/oauth2/authorize?`));
      assert.ok(printed, lines.join('\n'));
      stdin.write(`${await consent(printed.replace(remote, y.sb.url))}\n`);
      const result = await running;
      assert.equal(result.file, youkuTokenPath(configDir, 'far'));
      assert.equal((await stat(result.file)).mode & 0o777, 0o600);
    } finally {
      stdin.end();
      local.close();
    }
  });
});
