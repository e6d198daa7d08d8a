// This file logs a profile in to Vimeo, both ways Vimeo offers (developer.vimeo.com/api/authentication): the OAuth 2
// authorization code with the loopback redirect (the consent shared with every provider, src/auth/consent.ts), and a
// personal access token the user generated, imported from a file. Either way the token is saved 0600, atomically.
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { endConsent, seekConsent, waitForRedirect } from '../../auth/consent.js';
import { startLoopback } from '../../auth/loopback.js';
import { authError, usageError, VuploadError } from '../../errors.js';
import { configDir } from '../../paths.js';
import { createHttpTransport } from '../../upload/index.js';
import type { LoginFlags, Request } from '../contract.js';
import { loadVimeoClient } from './credentials.js';
import { parseVimeoError, quoteVimeo } from './errors.js';
import { VIMEO_ACCEPT, VIMEO_SCOPES } from './options.js';
import { vimeoApi, vimeoApiRoot } from './session.js';
import { type VimeoStoredToken, writeVimeoToken } from './token-store.js';

type Json = Record<string, unknown>;

/** What a token answer or /oauth/verify says of the token (api.yaml `auth`: access_token, scope, user). */
function grantOf(answer: Json): { scope: string; user?: { uri: string; name: string } } {
  const user = (answer.user ?? undefined) as Json | undefined;
  return {
    scope: typeof answer.scope === 'string' ? answer.scope : '',
    ...(typeof user?.uri === 'string'
      ? { user: { uri: user.uri, name: typeof user.name === 'string' ? user.name : '' } }
      : {}),
  };
}

async function save(
  req: Request,
  token: Omit<VimeoStoredToken, 'version' | 'provider' | 'profile' | 'created_at'>,
) {
  const { ctx, globals, out } = req;
  const stored: VimeoStoredToken = {
    version: 1,
    provider: 'vimeo',
    profile: globals.profile,
    ...token,
    created_at: new Date(ctx.now()).toISOString(),
  };
  const file = await writeVimeoToken(configDir(ctx.env), stored);
  const scopes = stored.scope.split(/[\s,]+/).filter(Boolean);
  const missing = VIMEO_SCOPES.filter((s) => scopes.length > 0 && !scopes.includes(s));
  if (globals.json)
    out.resultJson({
      profile: globals.profile,
      provider: 'vimeo',
      scopes,
      ...(missing.length ? { missingScopes: missing } : {}),
      tokenFile: file,
      ...(stored.user ? { channel: { id: stored.user.uri, title: stored.user.name } } : {}),
    });
  out.info(
    `Logged in to Vimeo${stored.user ? ` as ${stored.user.name}` : ''}: profile "${globals.profile}" (${file}).`,
  );
  if (missing.length)
    out.warn(
      `the token lacks the scopes ${missing.join(', ')}: uploads, folders, showcases or the clean-up of an ` +
        'interrupted upload may be refused. Generate a token with them ticked.',
    );
}

/** `vupload auth login --provider vimeo`: the authorization code through a 127.0.0.1 listener (--port fixes it). */
export async function vimeoLogin(req: Request, flags: LoginFlags): Promise<void> {
  if (flags.tokenFile !== undefined) return importVimeoToken(req, flags.tokenFile);
  const { ctx, globals, out } = req;
  const apiUrl = vimeoApiRoot(globals, ctx);
  const client = await loadVimeoClient(ctx.env, configDir(ctx.env));
  const state = randomBytes(24).toString('base64url');
  const listener = await startLoopback({ state, ...(flags.port ? { port: flags.port } : {}) });
  const authUrl = new URL(`${apiUrl}/oauth/authorize`);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: listener.redirectUri,
    state,
    scope: VIMEO_SCOPES.join(' '),
  }))
    authUrl.searchParams.set(k, v);
  const { consentOptions } = await import('../../cli/browser.js');
  const consent = seekConsent(
    authUrl.href,
    { redirectUri: listener.redirectUri, state },
    await consentOptions(
      ctx,
      authUrl.href,
      { noBrowser: !flags.browser, openBrowser: Boolean(flags.openBrowser) },
      (line) => out.info(line),
    ),
  );
  let failure: unknown;
  try {
    const outcome = await waitForRedirect(
      [listener.result, consent.pasted],
      flags.timeoutMs,
      `vupload auth login --provider vimeo --profile ${globals.profile}`,
      ctx.signal,
    );
    if (outcome.kind === 'error')
      throw authError('loginDenied', `the Vimeo login was not granted (${outcome.error}).`);
    const answer = await exchangeCode(apiUrl, client, outcome.code, listener.redirectUri);
    if (typeof answer.access_token !== 'string' || answer.access_token === '')
      throw authError('vimeoTokenRefused', 'Vimeo answered the code exchange without an access token.');
    await save(req, {
      access_token: answer.access_token,
      token_type: typeof answer.token_type === 'string' ? answer.token_type : 'bearer',
      ...grantOf(answer),
      api_url: apiUrl,
      source: 'login',
    });
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    await endConsent(consent, listener, failure, `Vimeo, profile "${globals.profile}"`);
  }
}

/**
 * POST /oauth/access_token with the app's id and secret as HTTP Basic and a JSON body, as Vimeo's guide and
 * vimeo.js do (api.yaml exchange_auth_code); any refusal is a login error (exit 3) quoting Vimeo.
 */
async function exchangeCode(
  apiUrl: string,
  client: { clientId: string; clientSecret: string },
  code: string,
  redirectUri: string,
): Promise<Json> {
  const transport = createHttpTransport();
  try {
    const body = Buffer.from(
      JSON.stringify({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
    );
    const res = await transport.request({
      method: 'POST',
      url: `${apiUrl}/oauth/access_token`,
      headers: {
        Authorization: `basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
        Accept: VIMEO_ACCEPT,
        'Content-Type': 'application/json',
        'Content-Length': String(body.length),
      },
      body,
    });
    const text = res.body.toString('utf8');
    if (res.status !== 200)
      throw authError(
        'vimeoTokenRefused',
        `Vimeo refused the authorization code: ${quoteVimeo(parseVimeoError(text), res.status)}.`,
        "Check the app's client id and secret, and that its callback URLs list this address (vupload auth login --port N).",
      );
    return JSON.parse(text) as Json;
  } finally {
    transport.close();
  }
}

/**
 * `vupload auth import --provider vimeo --token-file F` (and VUPLOAD_VIMEO_TOKEN's file form): a personal access
 * token, checked with Vimeo (GET /oauth/verify) before it is saved. Like ssh's keys, a file others can read is
 * refused: the token would already be in their hands.
 */
export async function importVimeoToken(req: Request, fileArg: string): Promise<void> {
  const { ctx, globals } = req;
  const file = resolve(ctx.cwd, fileArg);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile())
    throw usageError(`--token-file ${file}: no such file.`, 'Give the file holding the token.');
  if ((info.mode & 0o077) !== 0)
    throw usageError(
      `--token-file ${file}: other users can read it (mode ${(info.mode & 0o777).toString(8)}), so the token is ` +
        'not secret any more; it was not imported.',
      `Fix: chmod 600 ${file}, or better, generate a new token on developer.vimeo.com and keep it private.`,
    );
  const token = (await readFile(file, 'utf8')).trim();
  if (!/^[\x21-\x7e]{8,512}$/.test(token))
    throw usageError(
      `--token-file ${file}: does not hold one token (one line, no spaces).`,
      'Put only the personal access token in the file.',
    );
  const apiUrl = vimeoApiRoot(globals, ctx);
  const api = vimeoApi(req, token);
  let verified: Json;
  try {
    verified = await api.get('/oauth/verify', { action: 'accept the token' });
  } catch (error) {
    if (error instanceof VuploadError && error.exitCode === 3)
      throw authError(
        'vimeoTokenRefused',
        `${error.message} The token was not saved.`,
        'Generate a new token on developer.vimeo.com.',
      );
    throw error;
  } finally {
    api.close();
  }
  await save(req, {
    access_token: token,
    token_type: 'bearer',
    ...grantOf(verified),
    api_url: apiUrl,
    source: 'import',
  });
}
