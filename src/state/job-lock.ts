// This file holds one upload's lock, and takes it again before work that needs it if its connection broke meanwhile.
import { ExitCode, isVuploadError, VuploadError } from '../errors.js';
import type { HeldLock, LockRequest, LockStore } from './store.js';

/*
 * A database lock is lost when its connection breaks (the database restarted, the network went away): from then on
 * another machine may take it. Bytes sent on an upload session that exists already need no lock (every machine
 * would send the same bytes to the same session), and neither does recording a finished upload (the record of a
 * video id is kept once). What does need it is deciding to create a new video, the steps after the upload and
 * moving or deleting the file: before each, the job calls ensure(). A file lock is never lost.
 */
export class JobLock {
  private lock: HeldLock | undefined;

  constructor(
    private readonly locks: LockStore,
    private readonly request: LockRequest,
  ) {}

  /** Whether the lock was lost (its connection broke) and not taken again yet. */
  get lost(): boolean {
    return this.lock?.lost?.aborted === true;
  }

  async take(): Promise<void> {
    this.lock = await this.locks.acquire(this.request);
  }

  /**
   * Nothing if the lock is held. If it was lost, takes it again without waiting and returns true: another machine
   * may have worked on the content meanwhile, so the caller asks before it acts. Throws when that is not possible:
   * another vupload holds it now (exit 5: the connection broke; running again finishes the rest), or the database
   * does not answer.
   */
  async ensure(): Promise<boolean> {
    const lost = this.lock;
    if (!lost?.lost?.aborted) return false;
    this.lock = undefined;
    await lost.release();
    try {
      this.lock = await this.locks.acquire({ ...this.request, wait: false, onWait: undefined });
    } catch (error) {
      if (!isVuploadError(error) || error.code !== 'locked') throw error;
      throw new VuploadError(
        'lockLost',
        ExitCode.network,
        `The lock on ${this.request.label} was lost when the connection to the state database broke, and ${error.message.replace(/^Another/, 'another')}`,
        {
          hint: 'Running the same command again finishes what is left; nothing is done twice.',
          cause: error,
        },
      );
    }
    return true;
  }

  async release(): Promise<void> {
    const lock = this.lock;
    this.lock = undefined;
    await lock?.release();
  }
}
