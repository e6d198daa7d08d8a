// This file is the conformance suite's one list of scenarios (issue 25 §2), as data: a line each. The files
// test/providers/conformance-<group>.test.ts run each line against every provider of test/providers/harnesses.ts.
import type { Fault } from '../../../src/sandbox/types.js';
import type { ScenarioGroup, SendMode } from '../harness.js';

export interface Scenario {
  /** `group/name`: the table's row, and a key of a harness's `exempt`. */
  id: string;
  group: ScenarioGroup;
  /** What it proves, for the table. */
  title: string;
  /** Run once per send mode (intact, faults); the mode is part of the row. */
  modes?: SendMode[];
}

const MODES: SendMode[] = ['one-request', 'chunks'];
const MiB = 1024 * 1024;

/** 1. Intact uploads: a file of `size(chunk)` bytes; the server's SHA-256 of what it stored must be the file's. */
export interface IntactScenario extends Scenario {
  size(chunk: number): number;
}

// biome-ignore format: one scenario a line
export const INTACT: IntactScenario[] = [
  { id: 'intact/1B', group: 'intact', title: 'one byte', modes: MODES, size: () => 1 },
  { id: 'intact/chunk-1', group: 'intact', title: 'a chunk less one byte', modes: MODES, size: (c) => c - 1 },
  { id: 'intact/chunk', group: 'intact', title: 'exactly a chunk', modes: MODES, size: (c) => c },
  { id: 'intact/chunk+1', group: 'intact', title: 'a chunk and one byte', modes: MODES, size: (c) => c + 1 },
  { id: 'intact/5MiB', group: 'intact', title: '5 MiB', modes: MODES, size: () => 5 * MiB },
];

/**
 * 2. Faults, injected on a data request: in one request on the first one, in chunks on the third chunk. `K` is
 * replaced by the bytes the faulted request delivers first (half a chunk in chunks, ¾ of the file in one request).
 * `resend` bounds the bytes received twice: 'left' — at most one chunk, or in one request at most what was left
 * (the file less what the server kept of the faulted request); 'forgotten' — the server forgot the session, so
 * at most what it had plus one chunk (in one request: the file).
 */
export interface FaultScenario extends Scenario {
  fault: Record<string, number | boolean | 'K'>;
  resend: 'left' | 'forgotten';
  /** Arguments that make the scenario able to fail (e.g. one retry: a Retry-After ignored then exits 5). */
  args?: string[];
}

// biome-ignore format: one scenario a line
export const FAULTS: FaultScenario[] = [
  { id: 'faults/5xx', group: 'faults', title: 'a 5xx answer', modes: MODES, fault: { status: 503 }, resend: 'left' },
  { id: 'faults/429-retry-after', group: 'faults', title: '429 with Retry-After: 30 (one retry allowed)', modes: MODES, fault: { status: 429, retryAfter: 30 }, resend: 'left', args: ['--retries', '1'] },
  { id: 'faults/reset-before-body', group: 'faults', title: 'a connection reset before the body', modes: MODES, fault: { cutAfterBytes: 0 }, resend: 'left' },
  { id: 'faults/reset-after-k', group: 'faults', title: 'a connection reset after K bytes', modes: MODES, fault: { cutAfterBytes: 'K' }, resend: 'left' },
  { id: 'faults/part-stored', group: 'faults', title: 'K bytes stored, then a 503', modes: MODES, fault: { storePartial: 'K', status: 503 }, resend: 'left' },
  { id: 'faults/stall', group: 'faults', title: 'the server stops reading after K bytes (idle timeout)', modes: MODES, fault: { stallAfterBytes: 'K', stallMs: 60_000 }, resend: 'left' },
  { id: 'faults/expired-session', group: 'faults', title: 'the session expired (the server forgot it)', modes: MODES, fault: { expireSession: true }, resend: 'forgotten' },
];

/** The fault of `s` on the data request at `at`, with K = `k`. */
export function faultOf(s: FaultScenario, at: number, k: number): Fault {
  const fields = Object.fromEntries(Object.entries(s.fault).map(([key, v]) => [key, v === 'K' ? k : v]));
  return { on: 'upload-chunk', atOffset: at, ...fields } as Fault;
}

/** 3. `kill -9` before durable steps, then the same command: exactly one video, nothing lost. */
export interface KillScenario extends Scenario {
  /** Upload arguments besides the file; DIR is the test's folder. */
  args: string[];
}

// biome-ignore format: one scenario a line
export const KILLS: KillScenario[] = [
  { id: 'kill/upload', group: 'kill', title: 'killed before a durable step, then the same command', args: [] },
  { id: 'kill/move-to', group: 'kill', title: 'the same, with --move-to', args: ['--move-to', 'DIR/done'] },
];

/** 4. Inputs, and 5. output: scenarios whose checks are in the test files; their data is below. */
// biome-ignore format: one scenario a line
export const CLI: Scenario[] = [
  { id: 'inputs/dry-run', group: 'inputs', title: '--dry-run sends nothing' },
  { id: 'inputs/bad-input', group: 'inputs', title: 'each bad input of BAD_INPUTS: exit 2, named, nothing sent' },
  { id: 'inputs/unhonoured-flag', group: 'inputs', title: 'each upload flag the provider does not honour: exit 2, named' },
  { id: 'output/json', group: 'output', title: "--json: one line with README's upload fields" },
  { id: 'output/id-alone', group: 'output', title: 'without --json, the id alone on stdout' },
];

/**
 * The shared list of bad inputs: every provider refuses each with exit 2, naming `names` on stderr, before anything
 * is sent. FILE is a good video, DIR a folder of the test's (with empty.mp4 and latin1.txt), STATE the state directory.
 */
// biome-ignore format: one input a line
export const BAD_INPUTS: Array<{ what: string; args: string[]; names: RegExp }> = [
  { what: 'a file that does not exist', args: ['DIR/missing.mp4'], names: /missing\.mp4/ },
  { what: 'a folder instead of a file', args: ['DIR'], names: /bad: not a regular file/ },
  { what: 'an empty file', args: ['DIR/empty.mp4'], names: /empty\.mp4/ },
  { what: 'an unknown option', args: ['FILE', '--titel', 'T'], names: /--titel/ },
  { what: '--retries that is not a number', args: ['FILE', '--retries', 'often'], names: /--retries/ },
  { what: '--limit-rate that is not a rate', args: ['FILE', '--limit-rate', 'fast'], names: /--limit-rate/ },
  { what: '--description-file that does not exist', args: ['FILE', '--description-file', 'DIR/nothing.txt'], names: /nothing\.txt/ },
  { what: '--move-to with --delete-after', args: ['FILE', '--move-to', 'DIR/done', '--delete-after'], names: /--move-to|--delete-after/ },
  { what: '--move-to a regular file', args: ['FILE', '--move-to', 'FILE'], names: /--move-to/ },
  { what: '--concurrency 0', args: ['FILE', '--concurrency', '0'], names: /--concurrency/ },
  { what: 'the file given twice', args: ['--file', 'FILE', '--file', 'FILE'], names: /--file/ },
  { what: '--description-file that is not UTF-8', args: ['FILE', '--description-file', 'DIR/latin1.txt'], names: /latin1\.txt/ },
  { what: '--log-file inside the state directory', args: ['FILE', '--log-file', 'STATE/upload.log'], names: /--log-file|upload\.log/ },
  { what: '--move-to inside the state directory', args: ['FILE', '--move-to', 'STATE/done'], names: /--move-to/ },
];

/** 6. Watch and pipes, 7. fleets. */
// biome-ignore format: one scenario a line
export const RUNS: Scenario[] = [
  { id: 'watch/two-files', group: 'watch', title: 'vupload watch: two files appear, each uploaded once' },
  { id: 'pipe/unknown-length', group: 'pipe', title: 'a pipe of unknown length: one video, intact' },
  { id: 'fleet/one-upload', group: 'fleet', title: 'two machines on one PostgreSQL store, one content: one upload' },
];

/** Every scenario, in the order (the table's rows). */
export const SCENARIOS: Scenario[] = [...INTACT, ...FAULTS, ...KILLS, ...CLI, ...RUNS];
