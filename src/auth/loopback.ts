// This file runs the one-shot 127.0.0.1 listener that receives the browser's redirect after consent (API-NOTES §8).
import { timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { usageError } from '../errors.js';

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
  done: 'vupload is logged in. You can close this tab and return to the terminal.',
  denied: 'The login was not completed. You can close this tab; the terminal says what happened.',
  foreign: 'This address does not belong to the login vupload is waiting for. Nothing was done.',
  notFound: 'Not found.',
} as const;

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

export interface LoopbackListener {
  /** `http://127.0.0.1:PORT`, exactly as sent in the authorization request and the code exchange. */
  redirectUri: string;
  port: number;
  /** Settles with the first redirect carrying this login's state; foreign requests get a 400 and are ignored. */
  result: Promise<FinalOutcome>;
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
    // Settle once the page is flushed, so closing the listener cannot cut the browser's answer.
    const done = () => settle(outcome);
    res.once('close', done);
    page(res, 200, outcome.kind === 'code' ? PAGES.done : PAGES.denied, done);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        reject(
          usageError(
            `cannot listen on 127.0.0.1:${options.port} (${error.code})`,
            'choose another --port, or leave it out',
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
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Browsers keep connections alive; without this `close` would wait for them.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
