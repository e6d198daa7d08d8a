// This file keeps a provider's own resume state as files: `<state>/<provider>/<key>.json`, written atomically.
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writePrivateJson } from '../fsutil.js';
import type { ProviderStateStore } from './store.js';

/** Records as `<dir>/<key>.json` (0600, atomic); a damaged record reads as none, as a session file does. */
export function fileProviderState(dir: string): ProviderStateStore {
  const fileOf = (key: string) => {
    if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new Error(`invalid state key ${JSON.stringify(key)}`);
    return join(dir, `${key}.json`);
  };
  return {
    async load(key) {
      let text: string;
      try {
        text = await readFile(fileOf(key), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    },
    save: (key, record) => writePrivateJson(fileOf(key), record),
    async remove(key) {
      await unlink(fileOf(key)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    },
  };
}
