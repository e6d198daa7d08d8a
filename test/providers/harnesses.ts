// This file lists the providers the conformance suite runs, one line each: test/providers/<name>/harness.ts.
import type { ConformanceHarness } from './harness.js';

const LOADERS: Record<string, () => Promise<{ harness: ConformanceHarness }>> = {
  youtube: () => import('./youtube/harness.js'),
  youku: () => import('./youku/harness.js'),
  peertube: () => import('./peertube/harness.js'),
  vimeo: () => import('./vimeo/harness.js'),
};

/** Every provider's harness, in the order above. */
export const HARNESSES: ConformanceHarness[] = await Promise.all(
  Object.values(LOADERS).map(async (load) => (await load()).harness),
);
