// This file reads the redirect address pasted by a user whose browser cannot reach this machine (API-NOTES §8).
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { type FinalOutcome, parseRedirect } from './loopback.js';

export interface PasteOptions {
  input: Readable;
  state: string;
  redirectUri: string;
  log: (line: string) => void;
}

export interface PasteReader {
  /** Settles with the first pasted address carrying this login's state; never settles if none comes. */
  result: Promise<FinalOutcome>;
  /** Stops reading (the input stream itself is left open: it is usually process.stdin). */
  close(): void;
}

/**
 * The out-of-band copy-paste flow is gone since 2023, but the browser's failed redirect still shows the
 * address with `code` and `state`; pasting it here finishes the login the way the listener would.
 */
export function readPastedRedirect(options: PasteOptions): PasteReader {
  const rl = createInterface({ input: options.input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  let settled = false;
  const result = new Promise<FinalOutcome>((resolve) => {
    rl.on('line', (raw) => {
      const line = raw.trim();
      if (settled || line === '') return;
      if (!URL.canParse(line)) {
        options.log(
          `That is not an address; paste the whole address from the browser (${options.redirectUri}/?…).`,
        );
        return;
      }
      const outcome = parseRedirect(new URL(line).searchParams, options.state);
      if (outcome.kind === 'foreign') {
        options.log(
          'That address does not belong to this login (its state does not match); paste the one from now.',
        );
      } else if (outcome.kind === 'invalid') {
        options.log('That address has neither a code nor an error; paste the whole address.');
      } else {
        settled = true;
        resolve(outcome);
      }
    });
  });
  return { result, close: () => rl.close() };
}
