// This file asks a person at a terminal for a secret (a password, a two-factor code) without showing what is typed:
// the terminal is put in raw mode, so it echoes nothing, and nothing typed is written anywhere.
import type { Readable, Writable } from 'node:stream';
import { ExitCode, VuploadError } from '../../errors.js';

type Input = Readable & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };

/** Reads one line from `input` after writing `question` to `output` (stderr); the answer is never echoed. */
export function promptHidden(
  input: Input,
  output: Writable,
  question: string,
  signal?: AbortSignal,
): Promise<string> {
  output.write(question);
  const raw = typeof input.setRawMode === 'function';
  if (raw) input.setRawMode!(true);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      input.off('data', onData);
      input.off('end', onEnd);
      signal?.removeEventListener('abort', onAbort);
      if (raw) input.setRawMode!(false);
      input.pause();
      output.write('\n');
    };
    const onAbort = () => {
      finish();
      reject(new VuploadError('interrupted', ExitCode.sigint, 'Interrupted.'));
    };
    const onEnd = () => {
      finish();
      reject(new VuploadError('usage', ExitCode.usage, 'no answer was typed (the input ended).'));
    };
    const onData = (chunk: Buffer | string) => {
      const text = chunk.toString();
      for (let i = 0; i < text.length; i++) {
        const ch = text[i]!;
        if (ch === '\r' || ch === '\n') {
          // What came after the line is someone else's (the next question's answer).
          const rest = text.slice(i + 1).replace(/^\n/, '');
          finish();
          if (rest !== '') input.unshift(Buffer.from(rest));
          resolve(value);
          return;
        }
        // Raw mode turns Ctrl-C and Ctrl-D into characters: they stop the prompt as they would a shell's.
        if (ch === '\u0003') return onAbort();
        if (ch === '\u0004' && value === '') return onEnd();
        if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (ch === '\u0015') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}
