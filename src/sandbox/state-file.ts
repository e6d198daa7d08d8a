// This file writes an emulator's state to one JSON file atomically, coalescing saves that come while one is written.
import { readFile } from 'node:fs/promises';
import { writePrivateJson } from '../fsutil.js';

export class StateFile<T> {
  private pending: Promise<void> | null = null;
  private dirty = false;

  /** `persist` false: nothing is read or written (a throw-away emulator). */
  constructor(
    readonly path: string,
    private readonly persist: boolean,
    private readonly current: () => T,
  ) {}

  /** The saved state, or undefined when there is none yet (or nothing persists). */
  async load(): Promise<T | undefined> {
    if (!this.persist) return undefined;
    const text = await readFile(this.path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  /**
   * Writes the state (temp file + rename, 0600); concurrent calls share writes, and each resolves after a write
   * that saw its change.
   */
  save(): Promise<void> {
    if (!this.persist) return Promise.resolve();
    this.dirty = true;
    if (!this.pending) this.pending = this.flush();
    return this.pending;
  }

  private async flush(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        await writePrivateJson(this.path, this.current());
      }
    } finally {
      this.pending = null;
    }
  }

  /** Waits for writes in flight (close()). */
  async idle(): Promise<void> {
    while (this.pending) await this.pending.catch(() => {});
  }
}
