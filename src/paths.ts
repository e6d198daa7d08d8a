// This file says where vupload keeps its configuration (tokens, client secrets) and its state (sessions, history).
import { homedir } from 'node:os';
import { join } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

/** `$VUPLOAD_CONFIG_DIR`, else `$XDG_CONFIG_HOME/vupload`, else `~/.config/vupload`. */
export function configDir(env: Env = process.env): string {
  if (env.VUPLOAD_CONFIG_DIR) return env.VUPLOAD_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'vupload');
  return join(homedir(), '.config', 'vupload');
}

/** `$VUPLOAD_STATE_DIR`, else `$XDG_STATE_HOME/vupload`, else `~/.local/state/vupload`. */
export function stateDir(env: Env = process.env): string {
  if (env.VUPLOAD_STATE_DIR) return env.VUPLOAD_STATE_DIR;
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, 'vupload');
  return join(homedir(), '.local', 'state', 'vupload');
}
