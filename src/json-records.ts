// This file keeps JSON records as one private file per key in a directory (`<dir>/<key>.json`), written atomically.
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writePrivateJson } from './fsutil.js';

export interface JsonRecords {
  /** The record, or undefined when there is none or it is not JSON (damaged: the caller starts afresh). */
  load(key: string): Promise<unknown>;
  save(key: string, record: object): Promise<void>;
  remove(key: string): Promise<void>;
  /** The keys of every record whose key starts with `prefix`, in no particular order. */
  keys(prefix: string): Promise<string[]>;
}

/**
 * Records as `<dir>/<key>.json`, mode 0600, replaced atomically (saved sessions, Youku's resume state). `what` names
 * the records in the error for a key that is not a plain file name.
 */
export function jsonRecordFiles(dir: string, what: string): JsonRecords {
  const fileOf = (key: string) => {
    if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new Error(`invalid ${what} key ${JSON.stringify(key)}`);
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
    async keys(prefix) {
      const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [] as string[];
        throw error;
      });
      // Only finished records: write-file-atomic's temp files end in a number, not `.json`.
      return names
        .filter((name) => name.startsWith(prefix) && name.endsWith('.json'))
        .map((name) => name.slice(0, -'.json'.length))
        .filter((key) => /^[A-Za-z0-9_-]+$/.test(key));
    },
  };
}
