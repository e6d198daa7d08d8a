// This file decides how a login gets its consent: the sandbox's at once, the user's browser, or the paste flow.
import type { ClientSecrets } from '../auth/client-secrets.js';
import type { LoginOptions } from '../auth/login.js';
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

/** The consent part of login()'s options, saying at once when the browser is out of the question. */
export async function consentOptions(
  ctx: CliContext,
  secrets: ClientSecrets,
  noBrowserFlag: boolean,
  log: (line: string) => void,
  options: { openBrowser?: boolean } = {},
): Promise<Pick<LoginOptions, 'noBrowser' | 'openBrowser' | 'automaticConsent'>> {
  const { followLocalConsent, isLocalAuthServer } = await import('../auth/local-consent.js');
  if (noBrowserFlag) return { noBrowser: true, openBrowser: ctx.openUrl };
  if (options.openBrowser) return { noBrowser: false, openBrowser: ctx.openUrl };
  if (isLocalAuthServer(secrets.authUri)) {
    return { noBrowser: false, openBrowser: ctx.openUrl, automaticConsent: followLocalConsent };
  }
  const reason = browserUnavailable(ctx.env);
  if (reason) log(`No browser can be opened here (${reason}).`);
  return { noBrowser: reason !== undefined, openBrowser: ctx.openUrl };
}
