// This file runs one step after an upload for any provider: skipped when an earlier run did it, and journaled either
// way (done, with its detail; or failed, and the failure thrown), so a re-run finishes only what is left.
import type { StepContext } from './contract.js';

/** The step runner of a job's steps: `step(name, work, detail)` gives `work`'s value, or undefined when skipped. */
export function journaledStep(s: StepContext) {
  return async <T>(
    name: string,
    work: () => Promise<T>,
    detail?: (value: T) => string,
  ): Promise<T | undefined> => {
    if (s.done.has(name)) {
      s.out.info(`Skipping ${name}: done by an earlier run.`);
      return undefined;
    }
    try {
      const value = await work();
      await s.record(name, true, detail?.(value));
      return value;
    } catch (error) {
      await s.record(name, false);
      throw error;
    }
  };
}
