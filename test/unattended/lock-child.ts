// This file is a child process for the lock tests: it takes a lock, says so on stdout, and holds it until told.
// Usage: node lock-child.js DIR KEY LABEL — prints the holder as one JSON line; "release" on stdin releases and exits.
import { createInterface } from 'node:readline';
import { acquireLock } from '../../src/unattended/lock.js';

const [dir, key, label] = process.argv.slice(2);
const lock = await acquireLock({ dir: dir!, key: key!, label: label! });
process.stdout.write(`${JSON.stringify(lock.holder)}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === 'release') break;
}
await lock.release();
process.stdin.destroy(); // an open stdin would keep this process alive
process.stdout.write('released\n');
