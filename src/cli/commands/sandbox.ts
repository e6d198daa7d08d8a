// This file is `vupload sandbox`: runs the local YouTube and PeerTube emulators in the foreground and says how to
// point vupload at them.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { writePrivateFile, writePrivateJson } from '../../fsutil.js';
import { stateDir } from '../../paths.js';
import type { CliContext } from '../context.js';
import { importPeerTubeSandbox, importSandbox } from '../esm-imports.cjs';
import { parseIntegerOption, parseShareOption } from '../options.js';
import { COMMANDS } from './index.js';
import { startVimeoPart } from './sandbox-vimeo.js';

interface SandboxFlags {
  port?: string;
  peertubePort?: string;
  dir?: string;
  hashOnly?: boolean;
  processingMs?: string;
  tokenTtl?: string;
  refreshTokenTtl?: string;
  quota?: string;
  createdShare?: string;
  logRequests?: boolean;
}

export function registerSandbox(program: Command, ctx: CliContext): void {
  program
    .command('sandbox')
    .description(COMMANDS.sandbox.summary)
    .option('--port <n>', 'port on 127.0.0.1 (default: the one this --dir used last, else a free one)')
    .option(
      '--peertube-port <n>',
      'port of the PeerTube emulator (default: the one this --dir used last, else a free one)',
    )
    .option('--dir <dir>', 'where uploads and state are kept (survives restarts)')
    .option('--hash-only', 'keep only size and sha256 of uploaded media (for large test files)')
    .option('--processing-ms <ms>', 'how long simulated processing takes', '5000')
    .option('--token-ttl <seconds>', 'access token lifetime', '3600')
    .option(
      '--refresh-token-ttl <seconds>',
      'refresh tokens end after this long, like a Google app in "Testing" (604800); default: never',
    )
    .option('--quota <units>', 'daily quota of the emulated project, in units', '10000')
    .option('--created-share <F>', 'share of completions answered 201 Created instead of 200 (0 to 1)', '0')
    .option('--log-requests', 'print each request on stderr')
    .addHelpText(
      'after',
      '\nThe env lines it prints on stdout point vupload at the sandbox, e.g.:\n  vupload sandbox --dir /tmp/yt > /tmp/yt.env &  then  . /tmp/yt.env && vupload auth login',
    )
    .action(async (flags: SandboxFlags) => {
      const dir = resolve(ctx.cwd, flags.dir ?? join(stateDir(ctx.env), 'sandbox'));
      // Checked before anything starts: a bad value is exit 2 with nothing listening.
      if (flags.peertubePort !== undefined)
        parseIntegerOption('--peertube-port', flags.peertubePort, 0, 65535);
      const processingMs = parseIntegerOption('--processing-ms', flags.processingMs ?? '5000', 0, 86_400_000);
      const log = flags.logRequests ? (line: string) => ctx.stderr.write(`${line}\n`) : undefined;
      const { startSandbox } = await importSandbox();
      const sandbox = await startOnSavedPort(ctx, join(dir, 'port'), '--port', flags.port, (on) =>
        startSandbox({
          port: on,
          dir,
          storage: flags.hashOnly ? 'hash' : 'full',
          processingMs,
          accessTokenTtlSec: parseIntegerOption('--token-ttl', flags.tokenTtl ?? '3600', 1, 86_400),
          ...(flags.refreshTokenTtl !== undefined
            ? { refreshTokenTtlSec: parseIntegerOption('--refresh-token-ttl', flags.refreshTokenTtl, 1, 1e9) }
            : {}),
          dailyQuota: parseIntegerOption('--quota', flags.quota ?? '10000', 0, 1_000_000_000),
          createdShare: parseShareOption('--created-share', flags.createdShare ?? '0'),
          log,
        }),
      );
      const peertubeDir = join(dir, 'peertube');
      const { startPeerTubeSandbox, PEERTUBE_SANDBOX_USER } = await importPeerTubeSandbox();
      const peertube = await startOnSavedPort(
        ctx,
        join(peertubeDir, 'port'),
        '--peertube-port',
        flags.peertubePort,
        (on) =>
          startPeerTubeSandbox({
            port: on,
            dir: peertubeDir,
            storage: flags.hashOnly ? 'hash' : 'full',
            processingMs,
            log,
          }),
      ).catch(async (error: unknown) => {
        await sandbox.close();
        throw error;
      });
      const vimeo = await startVimeoPart(dir, processingMs, log).catch(async (error: unknown) => {
        await Promise.all([sandbox.close(), peertube.close()]);
        throw error;
      });
      const secretsFile = join(dir, 'client_secrets.json');
      await writePrivateJson(secretsFile, sandbox.clientSecrets());
      const lines = [
        `export VUPLOAD_API_URL=${sandbox.url}`,
        `export VUPLOAD_CLIENT_SECRETS=${secretsFile}`,
        `export VUPLOAD_CONFIG_DIR=${join(dir, 'config')}`,
        `export VUPLOAD_STATE_DIR=${join(dir, 'state')}`,
        `export VUPLOAD_PEERTUBE_URL=${peertube.url}`,
        ...vimeo.env,
      ];
      ctx.stdout.write(`${lines.join('\n')}\n`);
      ctx.stderr.write(
        [
          `vupload sandbox listening on ${sandbox.url} (data in ${dir})`,
          'Point vupload at it with the lines above (they keep your real logins untouched), then:',
          '  vupload auth login            # no browser needed: vupload consents to the sandbox itself',
          '  vupload --file video.mp4 --title "Test"',
          `Faults for testing: curl -X POST ${sandbox.url}/__sandbox/faults -d '{"on":"upload-chunk","status":503}'`,
          `PeerTube emulator on ${peertube.url} (data in ${peertubeDir}): user ${PEERTUBE_SANDBOX_USER.username}, ` +
            `password ${PEERTUBE_SANDBOX_USER.password} (a test account); faults at ${peertube.url}/__sandbox/faults`,
          ...vimeo.notes,
          'Stop with Ctrl-C.',
          '',
        ].join('\n'),
      );
      await new Promise<void>((done) => {
        if (ctx.signal.aborted) done();
        ctx.signal.addEventListener('abort', () => done(), { once: true });
      });
      await Promise.all([sandbox.close(), peertube.close(), vimeo.close()]);
      ctx.stderr.write('sandbox stopped\n');
    });
}

/**
 * Starts an emulator on the port `flag` names, else the one saved in `portFile` by the last run with this --dir (so
 * logins saved against its URL keep working), else a free one; a saved port now taken falls back to a free one.
 */
async function startOnSavedPort<T extends { port: number }>(
  ctx: CliContext,
  portFile: string,
  flag: string,
  flagValue: string | undefined,
  start: (port: number) => Promise<T>,
): Promise<T> {
  const saved = flagValue === undefined ? await readSavedPort(portFile) : undefined;
  const port = saved ?? parseIntegerOption(flag, flagValue ?? '0', 0, 65535);
  let emulator: T;
  try {
    emulator = await start(port);
  } catch (error) {
    if (saved === undefined || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    emulator = await start(0);
    ctx.stderr.write(
      `Port ${saved}, which this sandbox used last, is taken; listening on ${emulator.port} instead. ` +
        'Logins saved against the old port must log in again (vupload auth login).\n',
    );
  }
  await writePrivateFile(portFile, `${emulator.port}\n`);
  return emulator;
}

/** The port saved by the last run with this --dir, if any. */
async function readSavedPort(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const port = Number(text?.trim());
  return Number.isInteger(port) && port > 0 && port <= 65535 ? port : undefined;
}
