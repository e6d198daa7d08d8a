// This file decides how a login gets its consent, for every provider: the sandbox's at once, the user's browser, or
// the paste flow.
import type { ConsentOptions } from '../auth/consent.js';
import type { Env } from '../paths.js';
import type { CliContext } from './context.js';

/** Why no browser can be opened here, or undefined when one probably can. */
export function browserUnavailable(
  env: Env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const ssh = Boolean(env.SSH_CONNECTION || env.SSH_CLIENT || env.SSH_TTY);
  if (platform === 'darwin' || platform === 'win32') return ssh ? 'this is an SSH session' : undefined;
  // Linux and the BSDs need a display; WSL opens the Windows browser; X forwarding over SSH sets DISPLAY.
  if (env.WSL_DISTRO_NAME || env.DISPLAY || env.WAYLAND_DISPLAY) return undefined;
  return ssh ? 'this is an SSH session without a display' : 'neither DISPLAY nor WAYLAND_DISPLAY is set';
}

/**
 * The consent options of every provider's login (src/auth/consent.ts acts on them), from its flags and this machine:
 * `--no-browser` prints the address and accepts the pasted one; `--open-browser` opens the browser whatever this
 * machine looks like; an authorization server on this machine (a sandbox) is consented to at once; with no display
 * the browser is out of the question and the paste flow starts, saying why.
 */
export async function consentOptions(
  ctx: CliContext,
  authUri: string,
  flags: { noBrowser?: boolean; openBrowser?: boolean },
  log: (line: string) => void,
): Promise<ConsentOptions> {
  const { followLocalConsent, isLocalAuthServer } = await import('../auth/local-consent.js');
  const base = { openBrowser: ctx.openUrl, input: ctx.stdin, log };
  if (flags.noBrowser) return { ...base, noBrowser: true };
  if (flags.openBrowser) return base;
  if (isLocalAuthServer(authUri)) return { ...base, automaticConsent: followLocalConsent };
  const reason = browserUnavailable(ctx.env);
  if (reason) log(`No browser can be opened here (${reason}).`);
  return { ...base, noBrowser: reason !== undefined };
}
