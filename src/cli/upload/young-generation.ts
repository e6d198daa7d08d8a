// This file keeps V8's young generation at its size while upload jobs run.
import { setFlagsFromString } from 'node:v8';

/** V8's own factor (Node 20 to 24): restored when no job runs, so V8's flags are its defaults again. */
const V8_DEFAULT_FACTOR = 2;
let running = 0;

/**
 * Runs `job` with V8's young generation held at its size. V8 doubles it once the objects that survived its scavenges
 * add up to its size, counted since the last doubling however long that took. An upload's garbage is short-lived and
 * its survivors few, but they add up: 6–7 GiB into an upload in 8 MiB requests, new space went from 4 to 8 MiB (peak
 * RSS +3–5 MiB), memory that grew with the file's size (issue 15 bounds it). Held, the young generation stays at 2 MiB
 * (1 MiB per semi-space): ~10 more scavenges per GiB of ~0.4 ms each (wall +0.4 % and +1.3 % in two sets of 11
 * paired 1 GiB uploads, within their noise), and 1.5 MiB less peak RSS. V8 reads the flag at every growth. Any changed flag also changes the hash that V8 code caches
 * must match, so it is put back after the last job: the build's cache, taken after a warm-up upload, still fits.
 */
export async function keepingYoungGeneration<T>(job: () => Promise<T>): Promise<T> {
  if (running++ === 0) setFlagsFromString('--semi-space-growth-factor=1');
  try {
    return await job();
  } finally {
    if (--running === 0) setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_FACTOR}`);
  }
}
