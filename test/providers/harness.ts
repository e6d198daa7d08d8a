// This file is what the conformance suite (test/providers/conformance*.test.ts) asks of each provider under test:
// its sandbox started, a profile logged in to it, its faults in the one vocabulary of the sandboxes, and what the
// server holds. A provider's run of the suite is one file, test/providers/<name>/harness.ts, exporting `harness`.
import type { Fault } from '../../src/sandbox/types.js';

/** The scenario groups of issue 25 §2; a provider is exempt from one only for a protocol impossibility. */
export type ScenarioGroup = 'intact' | 'faults' | 'kill' | 'inputs' | 'output' | 'watch' | 'pipe' | 'fleet';

export interface ConformanceHarness {
  /** The --provider value. */
  name: string;
  /** Scenarios that cannot apply, each with the reason (printed in the suite's table). */
  exempt: Partial<Record<ScenarioGroup | string, string>>;
  /** Bytes per chunk the size scenarios use (chunk−1, chunk, chunk+1) and --chunk-size is given as. */
  chunk: number;
  /** Starts the provider's sandbox with a logged-in profile; `dir` is the test's own temporary folder. */
  start(dir: string): Promise<RunningProvider>;
}

export interface RunningProvider {
  /** The environment a vupload process needs: config and state directories, the sandbox's addresses. */
  env: Record<string, string>;
  /** Arguments every upload of this provider needs besides the file (`--provider NAME`, Youku's `--tags`). */
  uploadArgs: string[];
  /** A fault in the sandboxes' vocabulary (src/sandbox/types.ts Fault), for the next matching requests. */
  fault(fault: Fault): void;
  clearFaults(): void;
  /** Every request the sandbox has received so far (API, token and upload requests). */
  requestCount(): number;
  /** Body bytes received by upload data requests so far (re-sends included). */
  bytesReceived(): number;
  /** The videos the account holds, with what the server stored of each (size, sha256 of the bytes). */
  videos(): Promise<Array<{ id: string; size: number; sha256: string }>>;
  close(): Promise<void>;
}
