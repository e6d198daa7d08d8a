// This file reads its standard input (a real pipe) the way an upload from a pipe does — pipeSource into
// StreamChunks, a window taken, held while "on the wire" for DELAY ms, then released in two steps (a server that
// kept part of it first) — and prints what it read, how many bytes were copied in memory on the way, and how many
// times room was made in the ring:
// `node pipe-reader.js CHUNK DELAY_MS`.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pipeSource } from '../../src/upload/stream-input.js';
import { StreamChunks } from '../../src/upload/stream-source.js';

let copied = 0;
const copy = Buffer.prototype.copy;
Buffer.prototype.copy = function (this: Buffer, ...args: Parameters<Buffer['copy']>): number {
  const bytes = copy.apply(this, args);
  copied += bytes;
  return bytes;
};

async function main(): Promise<void> {
  const chunk = Number(process.argv[2]);
  const delay = Number(process.argv[3]);
  const source = pipeSource(0);
  if (!source) throw new Error('standard input is not a pipe');
  const chunks = new StreamChunks(source, chunk);
  const sha256 = createHash('sha256');
  let offset = 0;
  let releases = 0;
  for (let request = 0; ; request++) {
    const { from, to, final } = await chunks.window(offset);
    // Every other request, the server keeps a 256 KiB multiple short of the whole window, as a 308 may say.
    const kept = final || request % 2 === 0 ? to : Math.max(from + 262_144, to - 262_144);
    for (const view of chunks.bytes(from, kept)) sha256.update(view);
    if (delay > 0) await sleep(delay);
    chunks.release(kept);
    releases++;
    offset = kept;
    if (final && kept === to) break;
  }
  chunks.close();
  const contentHash = await chunks.digest();
  process.stdout.write(
    `${JSON.stringify({ size: offset, sha256: sha256.digest('hex'), contentHash, copied, releases })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
