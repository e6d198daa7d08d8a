// This file defines what every command receives from main.ts: streams, environment, clock and the abort signal.
import type { Readable, Writable } from 'node:stream';
import { checkCredentialUrl } from '../credential-url.js';
import type { Env } from '../paths.js';
import type { PieceSource } from '../upload/stream-input.js';

export interface CliContext {
  env: Env;
  cwd: string;
  stdin: Readable & { isTTY?: boolean };
  /**
   * Standard input for an upload from a pipe when it is a pipe or a socket, read without a stream (no buffer per
   * read); undefined for anything else, and where the context has none (tests): `stdin` is read then.
   */
  stdinPipe?(): Promise<PieceSource | undefined>;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  /** Aborted with reason 'SIGINT' or 'SIGTERM' when the user interrupts. */
  signal: AbortSignal;
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random(): number;
  /** Opens a URL in the user's browser (the `open` package in production, a fake in tests). */
  openUrl(url: string): Promise<void>;
}

/** Global options that every command accepts (commander's optsWithGlobals()). */
export interface GlobalOptions {
  profile: string;
  /** youtube (default) or youku: see providers/index.ts. */
  provider?: string;
  clientSecrets?: string;
  apiUrl?: string;
  /** postgres://… : the journal, sessions, quota ledger and locks shared by several machines (cli/state.ts). */
  stateUrl?: string;
  /** --proxy URL for every request (src/net/proxy.ts). */
  proxy?: string;
  quiet?: boolean;
  json?: boolean;
  verbose?: boolean;
}

export const DEFAULT_API_URL = 'https://www.googleapis.com';

/**
 * `--api-url`, else `VUPLOAD_API_URL`, else Google's API root; never with a trailing slash. The bearer token goes
 * there, so a plain-HTTP address off this machine is refused (exit 2) before anything is sent.
 */
export function apiUrl(options: GlobalOptions, env: Env): string {
  const source = options.apiUrl !== undefined ? '--api-url' : 'VUPLOAD_API_URL';
  const url = (options.apiUrl ?? env.VUPLOAD_API_URL ?? DEFAULT_API_URL).replace(/\/+$/, '');
  return checkCredentialUrl(url, source);
}
