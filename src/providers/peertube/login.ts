// This file logs in to a PeerTube instance as its own clients do: GET /oauth-clients/local for the instance's client
// id and secret, POST /users/token with grant_type=password (and the two-factor code in x-peertube-otp when the
// account asks for it), later grant_type=refresh_token. The password is read from a file only its owner can read,
// VUPLOAD_PEERTUBE_PASSWORD, or a prompt that does not echo; never from a flag's value, and it is never stored.
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliContext } from '../../cli/context.js';
import { authError, usageError } from '../../errors.js';
import type { Transport } from '../../upload/transport.js';
import { PeerTubeApiError, ptSend } from './http.js';
import { apiRoot } from './instance.js';
import { promptHidden } from './prompt.js';

/** What POST /users/token answers. */
export interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  token_type?: string;
  expires_in?: number;
  refresh_token_expires_in?: number;
}

export const OTP_HEADER = 'x-peertube-otp';

/**
 * The password file's content (its first line), refused as ssh refuses a private key (exit 2): a file that its group
 * or other users can read or write.
 */
export async function readPasswordFile(file: string): Promise<string> {
  let mode: number;
  try {
    mode = (await stat(file)).mode;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(
      `--password-file ${file}: cannot be read (${code}).`,
      'Give the path of a file holding the password.',
    );
  }
  if ((mode & 0o077) !== 0) {
    const bits = (mode & 0o777).toString(8).padStart(4, '0');
    throw usageError(
      `--password-file ${file}: other users can read or change it (mode ${bits}); a password file must be yours ` +
        'alone, as ssh requires of a private key. Nothing was sent.',
      `Fix: chmod 600 ${file}`,
    );
  }
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw usageError(`--password-file ${file}: cannot be read (${error.code}).`);
  });
  const password = text.split(/\r?\n/)[0] ?? '';
  if (password === '')
    throw usageError(`--password-file ${file}: the file is empty.`, 'Write the password on its first line.');
  return password;
}

/** Where the password comes from: --password-file, VUPLOAD_PEERTUBE_PASSWORD, or a prompt at a terminal. */
export async function passwordFor(
  ctx: CliContext,
  username: string,
  instance: string,
  passwordFile: string | undefined,
): Promise<{ password: string; file?: string }> {
  if (passwordFile !== undefined) {
    const file = resolve(ctx.cwd, passwordFile);
    return { password: await readPasswordFile(file), file };
  }
  const fromEnv = ctx.env.VUPLOAD_PEERTUBE_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return { password: fromEnv };
  if (!ctx.stdin.isTTY || !ctx.stderr.isTTY)
    throw usageError(
      `no password for ${username} on ${instance}, and no terminal to ask for it.`,
      'Give --password-file FILE (readable by you only) or set VUPLOAD_PEERTUBE_PASSWORD; a password is never a flag value.',
    );
  const password = await promptHidden(
    ctx.stdin,
    ctx.stderr,
    `Password of ${username} on ${instance}: `,
    ctx.signal,
  );
  if (password === '') throw usageError('no password was typed.');
  return { password };
}

/** GET /oauth-clients/local: the instance's own OAuth client (public, but kept as a secret all the same). */
export async function localClient(
  transport: Transport,
  instance: string,
  signal?: AbortSignal,
): Promise<{ client_id: string; client_secret: string }> {
  const { json } = await ptSend(transport, {
    method: 'GET',
    url: `${apiRoot(instance)}/oauth-clients/local`,
    signal,
  });
  const j = (json ?? {}) as Record<string, unknown>;
  if (typeof j.client_id !== 'string' || typeof j.client_secret !== 'string')
    throw new PeerTubeApiError('GET', `${apiRoot(instance)}/oauth-clients/local`, 200, {
      detail: 'no client_id and client_secret in the answer',
    });
  return { client_id: j.client_id, client_secret: j.client_secret };
}

function tokenAnswer(json: unknown, instance: string): TokenAnswer {
  const j = (json ?? {}) as Record<string, unknown>;
  if (typeof j.access_token !== 'string' || typeof j.refresh_token !== 'string')
    throw new PeerTubeApiError('POST', `${apiRoot(instance)}/users/token`, 200, {
      detail: 'no access_token and refresh_token in the answer',
    });
  return j as unknown as TokenAnswer;
}

/** The answer asks for the two-factor code: 401 with `x-peertube-otp: required; app` (missing_two_factor). */
const wantsOtp = (error: unknown): boolean =>
  error instanceof PeerTubeApiError && error.status === 401 && error.problem.code === 'missing_two_factor';

/** POST /users/token with the password grant; a two-factor account is asked for its code at the terminal. */
export async function passwordGrant(
  ctx: CliContext,
  transport: Transport,
  args: {
    instance: string;
    client: { client_id: string; client_secret: string };
    username: string;
    password: string;
  },
): Promise<TokenAnswer> {
  const form = {
    ...args.client,
    grant_type: 'password',
    response_type: 'code',
    username: args.username,
    password: args.password,
  };
  const url = `${apiRoot(args.instance)}/users/token`;
  try {
    return tokenAnswer(
      (await ptSend(transport, { method: 'POST', url, form, signal: ctx.signal })).json,
      args.instance,
    );
  } catch (error) {
    if (!wantsOtp(error)) throw error;
  }
  if (!ctx.stdin.isTTY || !ctx.stderr.isTTY)
    throw authError(
      'twoFactorRequired',
      `${args.username} on ${args.instance} has two-factor authentication, and there is no terminal to ask for the code.`,
      'Run `vupload auth login --provider peertube` in a terminal.',
    );
  const code = (await promptHidden(ctx.stdin, ctx.stderr, 'Two-factor code: ', ctx.signal)).trim();
  const headers = { [OTP_HEADER]: code };
  return tokenAnswer(
    (await ptSend(transport, { method: 'POST', url, form, headers, signal: ctx.signal })).json,
    args.instance,
  );
}

/** POST /users/token with grant_type=refresh_token: a new pair (PeerTube's refresh tokens are single use). */
export async function refreshGrant(
  transport: Transport,
  args: { instance: string; client_id: string; client_secret: string; refresh_token: string },
  signal?: AbortSignal,
): Promise<TokenAnswer> {
  const form = {
    client_id: args.client_id,
    client_secret: args.client_secret,
    grant_type: 'refresh_token',
    refresh_token: args.refresh_token,
  };
  const url = `${apiRoot(args.instance)}/users/token`;
  return tokenAnswer((await ptSend(transport, { method: 'POST', url, form, signal })).json, args.instance);
}
