// This file says where vupload keeps its configuration (tokens, client secrets) and its state (sessions, history).
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { usageError } from './errors.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** `$VUPLOAD_CONFIG_DIR`, else `$XDG_CONFIG_HOME/vupload`, else `~/.config/vupload`. */
export function configDir(env: Env = process.env): string {
  return dirFrom(env, 'VUPLOAD_CONFIG_DIR', 'XDG_CONFIG_HOME', ['.config'], 'logins');
}

/** `$VUPLOAD_STATE_DIR`, else `$XDG_STATE_HOME/vupload`, else `~/.local/state/vupload`. */
export function stateDir(env: Env = process.env): string {
  return dirFrom(env, 'VUPLOAD_STATE_DIR', 'XDG_STATE_HOME', ['.local', 'state'], 'journal and sessions');
}

/**
 * A relative directory would be resolved against wherever vupload runs: a cron job in /srv/rec and a shell in ~
 * would keep two journals (and upload the same file twice) or two sets of logins. vupload's own variable is refused
 * (exit 2); an XDG variable that is not absolute is ignored, as the XDG Base Directory specification says.
 */
function dirFrom(env: Env, own: string, xdg: string, home: string[], holds: string): string {
  const given = env[own];
  if (given) {
    if (!isAbsolute(given)) {
      throw usageError(
        `${own} "${given}": not an absolute path, so vupload's ${holds} would depend on the directory it runs in.`,
        `Give an absolute path, e.g. ${own}="$PWD/${given}".`,
      );
    }
    return given;
  }
  const base = env[xdg];
  if (base && isAbsolute(base)) return join(base, 'vupload');
  return join(homedir(), ...home, 'vupload');
}
