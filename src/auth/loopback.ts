// This file runs the one-shot 127.0.0.1 listener that receives the browser's redirect after consent (API-NOTES §8).
import { timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { usageError, VuploadError } from '../errors.js';

/** What a redirect (from the browser or pasted) says about the login in progress. */
export type RedirectOutcome =
  | { kind: 'code'; code: string; scope?: string }
  | { kind: 'error'; error: string }
  /** The state is missing or belongs to another login: refuse it and keep waiting. */
  | { kind: 'foreign' }
  /** The right state but neither `code` nor `error`. */
  | { kind: 'invalid' };

export type FinalOutcome = Extract<RedirectOutcome, { kind: 'code' | 'error' }>;

function sameState(got: string, expected: string): boolean {
  const a = Buffer.from(got);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads a redirect's query. Error codes are kept only when they look like OAuth codes, so nothing odd is echoed. */
export function parseRedirect(params: URLSearchParams, expectedState: string): RedirectOutcome {
  const state = params.get('state');
  if (state === null || !sameState(state, expectedState)) return { kind: 'foreign' };
  const error = params.get('error');
  if (error !== null)
    return { kind: 'error', error: /^[A-Za-z_]{1,64}$/.test(error) ? error : 'unknown_error' };
  const code = params.get('code');
  if (!code) return { kind: 'invalid' };
  const scope = params.get('scope');
  return scope === null ? { kind: 'code', code } : { kind: 'code', code, scope };
}

const PAGES = {
  foreign: 'This address does not belong to the login vupload is waiting for. Nothing was done.',
  notFound: 'Not found.',
} as const;

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, text: string, then?: () => void): void {
  const body = `<!doctype html><meta charset="utf-8"><title>vupload</title><p>${text}</p>\n`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    // The address holds the authorization code: keep it out of any Referer.
    'Referrer-Policy': 'no-referrer',
    Connection: 'close',
  });
  res.end(body, then);
}

/** What the browser is shown once the login is over: success only after the code exchange and the save. */
export type LoginPage = { ok: true; detail?: string } | { ok: false; reason: string };

function outcomePage(outcome: LoginPage): { status: number; html: string } {
  if (outcome.ok) {
    const who = outcome.detail ? ` (${escapeHtml(outcome.detail)})` : '';
    return {
      status: 200,
      html: `vupload is logged in${who}. You can close this tab and return to the terminal.`,
    };
  }
  return {
    status: 400,
    html: `The login was not completed: ${escapeHtml(outcome.reason)}</p><p>You can close this tab; the terminal says what to do next.`,
  };
}

/** The reason shown in the browser: a VuploadError's message, which never holds a token or a code. */
export function failureReason(error: unknown): string {
  return error instanceof VuploadError ? error.message : 'an unexpected error; the terminal has the details';
}

export interface LoopbackListener {
  /** `http://127.0.0.1:PORT`, exactly as sent in the authorization request and the code exchange. */
  redirectUri: string;
  port: number;
  /**
   * Settles with the first redirect carrying this login's state; foreign requests get a 400 and are ignored. The
   * browser that brought it waits for `answer`, so it never shows success for a login that then failed.
   */
  result: Promise<FinalOutcome>;
  /** Shows the login's outcome in that browser (once; a pasted redirect has no browser to answer). */
  answer(outcome: LoginPage): Promise<void>;
  /** Answers a browser still waiting with "not completed", then stops listening. */
  close(): Promise<void>;
}

export interface LoopbackOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  state: string;
  /** Told about each refused request (wrong or missing state), so the user can be informed. */
  onRefused?: () => void;
}

/** Starts listening on 127.0.0.1 (not `localhost`, which can resolve to ::1 or trip firewalls; API-NOTES §8). */
export async function startLoopback(options: LoopbackOptions): Promise<LoopbackListener> {
  let settle: (outcome: FinalOutcome) => void = () => {};
  let settled = false;
  /** The browser's request that brought the redirect, held open until the outcome is known. */
  let waiting: ServerResponse | undefined;
  const result = new Promise<FinalOutcome>((resolve) => {
    settle = resolve;
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/') return page(res, 404, PAGES.notFound);
    const outcome = parseRedirect(url.searchParams, options.state);
    if (settled || outcome.kind === 'foreign' || outcome.kind === 'invalid') {
      options.onRefused?.();
      return page(res, 400, PAGES.foreign);
    }
    settled = true;
    waiting = res;
    res.once('close', () => {
      if (waiting === res) waiting = undefined;
    });
    settle(outcome);
  });
  const answer = (outcome: LoginPage): Promise<void> => {
    const res = waiting;
    waiting = undefined;
    if (!res || res.writableEnded) return Promise.resolve();
    const { status, html } = outcomePage(outcome);
    // Resolved once the page is flushed (or the browser went away), so closing the listener cannot cut it.
    return new Promise<void>((resolve) => {
      res.once('close', () => resolve());
      page(res, status, html, () => resolve());
    });
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        reject(
          usageError(
            `cannot listen on 127.0.0.1:${options.port} (${error.code})`,
            'Choose another port (vupload auth login --port N), or let vupload pick a free one: vupload auth login',
          ),
        );
      } else reject(error);
    });
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    redirectUri: `http://127.0.0.1:${port}`,
    port,
    result,
    answer,
    close() {
      const stop = () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Browsers keep connections alive; without this `close` would wait for them.
          server.closeAllConnections();
        });
      closing ??= answer({ ok: false, reason: 'vupload stopped before the login finished' }).then(stop);
      return closing;
    },
  };
}
