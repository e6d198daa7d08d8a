// This file locates the repository's files from compiled tests (which run from dist/test/...).

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const fixture = (name: string): string => join(repoRoot, 'test', 'fixtures', name);
export const vuploadBin = join(repoRoot, 'bin', 'vupload.cjs');
