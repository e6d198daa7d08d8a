// This file keeps `--log-file`: timestamped plain lines, a convenience that never stops an upload or a watcher.
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { OWN_DIR_HOLDS, ownDirHolding } from '../confine.js';
import { usageError } from '../errors.js';
import { localFileError, naming } from '../fs-errors.js';
import type { Env } from '../paths.js';
import { escapeControlCharacters } from '../text.js';

// CSI sequences (colours, cursor moves) and OSC sequences (titles, hyperlinks).
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/**
 * Errors of open() that say the path itself is wrong (a missing folder, a folder, no permission): refused at the
 * start (exit 2), as any bad flag. Others (a full disk, too many open files) may pass: the log is then only warned
 * about, and opened again at the next line.
 */
const BAD_PATH = new Set([
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EACCES',
  'EPERM',
  'EROFS',
  'ELOOP',
  'ENAMETOOLONG',
]);

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * Refuses (exit 2, before anything is sent) a log file inside vupload's config or state directory: appending to a
 * token or session file there would corrupt it (issue 29: every later command failed "token file is corrupt").
 */
export async function checkLogFile(path: string, env: Env): Promise<void> {
  const own = await ownDirHolding(path, env);
  if (!own) return;
  throw usageError(
    `--log-file ${path}: is inside vupload's ${own.what} directory (${own.dir}); appending to it could corrupt ` +
      `vupload's ${OWN_DIR_HOLDS[own.what]}. Nothing was sent.`,
    'Name a log file outside that directory.',
  );
}

/** What the log needs of an open file. */
export type LogHandle = Pick<FileHandle, 'appendFile' | 'close'>;

export interface LogFileOptions {
  now?: () => number;
  /** Says (on stderr) that the log cannot be written, or can be again; the job goes on either way. */
  warn?: (message: string) => void;
  /** Opens the file for appending (tests replace it): by default created 0600, as every file vupload writes. */
  openFile?: (path: string) => Promise<LogHandle>;
}

const openForAppend = (path: string): Promise<LogHandle> => open(path, 'a', 0o600);

/**
 * `--log-file FILE`: appends `<ISO time> <message>` per message, one line each, plain text, in the order written,
 * to a file created 0600. Writing never fails the caller: a line that cannot be written (a full disk) is dropped
 * with one warning naming the file, until a line can be written again, which is said too with the count lost.
 */
export class LogFile {
  private queue: Promise<void> = Promise.resolve();
  private handle: LogHandle | undefined;
  /** Lines dropped since the log last worked; undefined while it works. */
  private lost: number | undefined;
  private readonly now: () => number;
  private readonly warn: (message: string) => void;
  private readonly openFile: (path: string) => Promise<LogHandle>;

  private constructor(
    readonly path: string,
    options: LogFileOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.warn = options.warn ?? (() => {});
    this.openFile = options.openFile ?? openForAppend;
  }

  /**
   * Opens (creating, mode 0600) the file for appending. A path that cannot be a log file is a usage error (exit 2);
   * a file that cannot be opened for another reason (a full disk) is warned about, and opened again at each line.
   */
  static async open(path: string, options: LogFileOptions = {}): Promise<LogFile> {
    const log = new LogFile(path, options);
    try {
      await log.opened();
    } catch (error) {
      const code = errno(error);
      if (code !== undefined && BAD_PATH.has(code))
        throw usageError(
          `Cannot open the log file ${path} (${code}).`,
          'Give --log-file a file you can write.',
        );
      log.failed(error, 0);
    }
    return log;
  }

  private async opened(): Promise<LogHandle> {
    this.handle ??= await naming(this.path, () => this.openFile(this.path));
    return this.handle;
  }

  /** The first failure after the log worked is said; the `lines` it cost, and later ones', are counted. */
  private failed(error: unknown, lines = 1): void {
    if (this.lost === undefined) {
      const why = localFileError(error)?.message ?? `Could not write to ${this.path}: ${String(error)}.`;
      this.warn(`${why} Going on without the log file until it can be written again.`);
    }
    this.lost = (this.lost ?? 0) + lines;
  }

  /**
   * Appends `message` as one timestamped line, ANSI codes removed and other control characters escaped (`\n`,
   * `\u001b`…): a newline in a file name cannot forge a line of its own. Never rejects.
   */
  write(message: string): Promise<void> {
    const text = `${new Date(this.now()).toISOString()} ${escapeControlCharacters(message.replace(ANSI, ''))}\n`;
    this.queue = this.queue.then(async () => {
      try {
        const handle = await this.opened();
        await naming(this.path, () => handle.appendFile(text, 'utf8'));
      } catch (error) {
        this.failed(error);
        return;
      }
      if (this.lost !== undefined) {
        const lost =
          this.lost === 0 ? '' : ` (${this.lost === 1 ? '1 line was' : `${this.lost} lines were`} lost)`;
        this.warn(`the log file ${this.path} is written again${lost}.`);
        this.lost = undefined;
      }
    });
    return this.queue;
  }

  /** Waits for the lines queued, then closes the file; never rejects. */
  async close(): Promise<void> {
    await this.queue;
    await this.handle?.close().catch(() => {});
    this.handle = undefined;
  }
}
