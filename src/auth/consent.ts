// This file brings the user to a consent page, the same way for every provider's browser login (YouTube, Youku, and
// the next ones): the browser opened, a local authorization server's consent followed at once, or the address
// printed and the browser's final address accepted when pasted; a browser that cannot be opened falls back to that.
import type { Readable } from 'node:stream';
import { authError, ExitCode, VuploadError } from '../errors.js';
import { type FinalOutcome, failureReason, type LoopbackListener } from './loopback.js';
import { readPastedRedirect } from './paste.js';

/** How a login reaches its consent page (src/cli/browser.ts decides them from the flags and the environment). */
export interface ConsentOptions {
  /** Do not open a browser: print the URL and accept the redirect address pasted on `input`. */
  noBrowser?: boolean;
  openBrowser(url: string): Promise<void> | void;
  /**
   * Consents without a person (a local sandbox: local-consent.ts) instead of opening the browser; when it fails,
   * the URL is printed and a pasted address accepted, as with noBrowser.
   */
  automaticConsent?: (authUrl: string, redirectUri: string) => Promise<void>;
  /** Where a pasted address is read (the terminal); without it only the listener can finish the login. */
  input?: Readable;
  /** Human messages (stderr in the CLI). Never receives a token or a code. */
  log(line: string): void;
}

export interface Consent {
  /** The pasted address's outcome, once the paste flow started and the user pasted one; never settles otherwise. */
  pasted: Promise<FinalOutcome>;
  /** Settles when the browser was opened or the fallback offered; never rejects. Await it before returning. */
  opening: Promise<void>;
  /** Stops reading pasted addresses. */
  close(): void;
}

/**
 * Starts the consent for `authUrl`, whose redirect goes to `redirectUri` with `state`. The login waits for the
 * first of its listener's result and `pasted`. Neither the opener nor the automatic consent is awaited here: an
 * opener may wait for the page, which shows only once the login is over.
 */
export function seekConsent(
  authUrl: string,
  redirect: { redirectUri: string; state: string },
  options: ConsentOptions,
): Consent {
  const { log } = options;
  let paste: ReturnType<typeof readPastedRedirect> | undefined;
  let onPasted: (outcome: FinalOutcome) => void = () => {};
  const pasted = new Promise<FinalOutcome>((resolve) => {
    onPasted = resolve;
  });
  const askToPaste = () => {
    if (!options.input || paste) return;
    paste = readPastedRedirect({ input: options.input, ...redirect, log });
    paste.result.then(onPasted);
    log(
      `Waiting on ${redirect.redirectUri}. If that browser is on another machine, paste here the address it ends on:`,
    );
  };
  let opening = Promise.resolve();
  if (options.noBrowser) {
    log('Open this address in a browser and allow access:');
    log(authUrl);
    askToPaste();
  } else if (options.automaticConsent) {
    log('The authorization server is on this machine (the sandbox): consenting without a browser.');
    const consent = options.automaticConsent;
    opening = Promise.resolve()
      .then(() => consent(authUrl, redirect.redirectUri))
      .catch((error: unknown) => {
        log(
          `That did not work (${(error as Error).message}). Open this address in a browser and allow access:`,
        );
        log(authUrl);
        askToPaste();
      });
  } else {
    log('Opening the browser to log in. If it does not open, visit:');
    log(authUrl);
    const open = options.openBrowser;
    opening = Promise.resolve()
      .then(() => open(authUrl))
      .catch((error: unknown) => {
        log(
          `Could not open a browser (${(error as Error).message}); open the address above in a browser anywhere.`,
        );
        askToPaste();
      });
  }
  return { pasted, opening, close: () => paste?.close() };
}

function duration(ms: number): string {
  return ms % 60000 === 0 ? `${ms / 60000} min` : `${Math.round(ms / 100) / 10} s`;
}

function interrupted(signal: AbortSignal): VuploadError {
  const term = signal.reason === 'SIGTERM';
  return new VuploadError('interrupted', term ? ExitCode.sigterm : ExitCode.sigint, 'login interrupted');
}

/**
 * Waits for the first of: listener redirect, pasted address, timeout (a real timer: a login waits for a person),
 * abort. `loginArgs` are what `vupload auth login` needs to log the same profile in again, for the hint.
 */
export function waitForRedirect(
  sources: Promise<FinalOutcome>[],
  timeoutMs: number,
  loginArgs: string,
  signal?: AbortSignal,
): Promise<FinalOutcome> {
  return new Promise<FinalOutcome>((resolve, reject) => {
    if (signal?.aborted) return reject(interrupted(signal));
    // Whichever ends the wait first clears the others, so no timer or listener outlives the login.
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const timer = setTimeout(() => {
      const error = authError(
        'loginTimeout',
        `no answer from the browser within ${duration(timeoutMs)}; login cancelled`,
        // As commands: a login another command started (upload on a terminal) has no --timeout of its own.
        `To wait longer: vupload auth login ${loginArgs} --timeout 600; to paste the address instead of a browser ` +
          `answering: vupload auth login ${loginArgs} --no-browser`,
      );
      finish(() => reject(error));
    }, timeoutMs);
    const onAbort = () => finish(() => reject(interrupted(signal as AbortSignal)));
    signal?.addEventListener('abort', onAbort, { once: true });
    Promise.race(sources).then(
      (outcome) => finish(() => resolve(outcome)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

/**
 * Ends a login's wait for consent, however the login went: the browser that brought the redirect learns the outcome
 * only now (success once the code was exchanged and the login saved: `failure` undefined), then the listener and the
 * paste reader are closed. `detail` names the login in the success page.
 */
export async function endConsent(
  consent: Consent | undefined,
  listener: LoopbackListener,
  failure: unknown,
  detail: string,
): Promise<void> {
  consent?.close();
  await listener.answer(
    failure === undefined ? { ok: true, detail } : { ok: false, reason: failureReason(failure) },
  );
  await listener.close();
  await consent?.opening;
}
