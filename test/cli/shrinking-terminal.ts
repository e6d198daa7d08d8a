// This file is run as a child by terminal.test.ts: a spinner on a fake terminal that shrinks to 0 columns mid-run.
import { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { CliContext } from '../../src/cli/context.js';
import { Output } from '../../src/cli/output.js';

class Terminal extends Writable {
  isTTY = true;
  columns = 100;
  bytes = 0;
  cursorTo(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.bytes += chunk.length;
    done();
  }
}

const stderr = new Terminal();
const ctx = { env: { TERM: 'xterm', LANG: 'C.UTF-8' }, stderr, stdout: process.stdout, now: Date.now };
const out = await Output.create(ctx as unknown as CliContext, {});
out.startSpinner('Uploading clip.mp4');
out.progress('Uploading clip.mp4:', { confirmed: 0, sent: 10, total: 100, rate: 1, retries: 0 });
stderr.columns = 0;
for (let sent = 20; sent <= 100; sent += 20) {
  out.progress('Uploading clip.mp4:', { confirmed: 0, sent, total: 100, rate: 1, retries: 0 });
  out.info('a line above the spinner');
  await delay(120);
}
out.stopSpinner('Uploaded clip.mp4');
process.stdout.write(`done, ${stderr.bytes} bytes drawn\n`);
