// This file is what the conformance suite (test/providers/conformance*.test.ts) asks of each provider under test:
// its sandbox started, a profile logged in to it, its faults in the one vocabulary of the sandboxes, and what the
// server holds. A provider's run of the suite is one file, test/providers/<name>/harness.ts, exporting `harness`,
// and one line in test/providers/harnesses.ts. The scenarios are in test/providers/conformance/scenarios.ts.
import type { Fault } from '../../src/sandbox/types.js';

/** The scenario groups of issue 25 §2; a provider is exempt from one only for a protocol impossibility. */
export type ScenarioGroup = 'intact' | 'faults' | 'kill' | 'inputs' | 'output' | 'watch' | 'pipe' | 'fleet';

/**
 * How the intact and fault scenarios send the bytes: in one request, or in chunks of `chunk` bytes (`--chunk-size`
 * when the provider honours it; otherwise its protocol always sends chunks, of the size its sandbox is started with).
 */
export type SendMode = 'one-request' | 'chunks';

export interface ConformanceHarness {
  /** The --provider value. */
  name: string;
  /**
   * Scenarios that cannot apply, each with the reason (printed in the suite's table). A key is a scenario id
   * ('faults/429-retry-after'), a group ('pipe') or a send mode ('one-request'). Only protocol impossibilities.
   */
  exempt: Partial<Record<ScenarioGroup | SendMode | string, string>>;
  /** Bytes per chunk the size scenarios use (chunk−1, chunk, chunk+1) and --chunk-size is given as. */
  chunk: number;
  /**
   * Starts the provider's sandbox with a logged-in profile; `dir` is the test's own temporary folder. The env's
   * HOME, VUPLOAD_CONFIG_DIR and VUPLOAD_STATE_DIR are inside `dir`: a copy of the config directory is a second
   * machine logged in to the same account (the fleet scenario makes one so).
   */
  start(dir: string, options?: StartOptions): Promise<RunningProvider>;
}

export interface StartOptions {
  /**
   * The sandbox's clock (ms since the epoch). The suite's in-process runs are given the same one, and their sleeps
   * move it forward: a Retry-After is waited on it, never for real, and the sandbox still enforces it.
   */
  now?: () => number;
}

export interface RunningProvider {
  /** The environment a vupload process needs: config and state directories, the sandbox's addresses. */
  env: Record<string, string>;
  /** Arguments every upload of this provider needs besides the file (`--provider NAME`, Youku's `--tags`). */
  uploadArgs: string[];
  /**
   * A fault in the sandboxes' vocabulary (src/sandbox/types.ts Fault), for the next matching requests. A harness
   * whose sandbox cannot produce one throws, saying why; the scenario must then be in `exempt`.
   */
  fault(fault: Fault): void;
  /** How many injected faults have not fired yet (a scenario whose fault never fired proves nothing). */
  faultsPending(): number;
  clearFaults(): void;
  /** Every request the sandbox has received so far (API, token and upload requests). */
  requestCount(): number;
  /** Body bytes received by upload data requests so far (re-sends included). */
  bytesReceived(): number;
  /** The videos the account holds, with what the server stored of each (size, sha256 of the bytes). */
  videos(): Promise<Array<{ id: string; size: number; sha256: string }>>;
  close(): Promise<void>;
}
