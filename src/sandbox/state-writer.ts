// This file writes an emulator's state file atomically (temp + rename), coalescing saves that arrive while one runs.
import { readFile } from 'node:fs/promises';
import { writePrivateJson } from '../fsutil.js';

export class StateWriter {
  private pending: Promise<void> | null = null;
  private dirty = false;

  /** `persist` false: nothing is written (a throw-away temp sandbox). `snapshot` gives what to write. */
  constructor(
    private readonly file: string,
    private readonly persist: boolean,
    private readonly snapshot: () => unknown,
  ) {}

  /** Writes the state; concurrent calls share writes, and each resolves after one that saw its change. */
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
        await writePrivateJson(this.file, this.snapshot());
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

/** The parsed state file, or undefined when there is none yet. */
export async function readStateFile<T>(file: string): Promise<T | undefined> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  return text === undefined ? undefined : (JSON.parse(text) as T);
}
