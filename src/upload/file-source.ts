// This file reads the video from disk in slices, as it is sent, and refuses to send a file that changed underneath.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import { usageError } from '../errors.js';
import { fileChangedError } from './errors.js';

/** What identifies the file's content for the duration of an upload. */
export interface FileSnapshot {
  /** Absolute path. */
  path: string;
  size: number;
  mtimeMs: number;
}

/** Read size per chunk from disk: big enough for throughput, small enough to keep memory flat. */
const READ_CHUNK = 256 * 1024;

/** Looks at the file once: it must be a regular, non-empty file. */
export async function snapshotFile(path: string): Promise<FileSnapshot> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
    throw usageError(`cannot read ${absolute}: ${error.code ?? error.message}`);
  });
  if (!info.isFile()) throw usageError(`${absolute} is not a regular file`);
  if (info.size === 0) throw usageError(`${absolute} is empty`);
  return { path: absolute, size: info.size, mtimeMs: info.mtimeMs };
}

/** Describes how the file differs from the snapshot, or undefined when it looks the same. */
export async function describeChange(snapshot: FileSnapshot): Promise<string | undefined> {
  const info = await stat(snapshot.path).catch(() => undefined);
  if (!info) return 'it is gone';
  if (info.size !== snapshot.size) return `size ${snapshot.size} → ${info.size} bytes`;
  if (info.mtimeMs !== snapshot.mtimeMs) return 'modification time changed';
  return undefined;
}

/** Throws fileChanged (exit 2) when the file is no longer the snapshot. */
export async function assertUnchanged(snapshot: FileSnapshot): Promise<void> {
  const change = await describeChange(snapshot);
  if (change) throw fileChangedError(snapshot.path, change);
}

export interface SliceOptions {
  /** Extra stages between the disk and the guard (e.g. the rate limiter). */
  through?: Transform[];
  /** Called with every piece handed on towards the socket, in order (its size, and the bytes for a content hash). */
  onBytes?: (bytes: number, chunk: Buffer) => void;
}

/**
 * Streams bytes [start, end) of the file. The last piece is held back until the file has been checked again, so a
 * file that changed while it was read never reaches the server whole: no mixture can be finished (issue 3).
 */
export function readSlice(
  snapshot: FileSnapshot,
  start: number,
  end: number,
  options: SliceOptions = {},
): Readable {
  const source = createReadStream(snapshot.path, { start, end: end - 1, highWaterMark: READ_CHUNK });
  const guard = new SliceGuard(snapshot, end - start, options.onBytes);
  const stages: (Readable | Transform)[] = [source, ...(options.through ?? []), guard];
  // pipeline destroys every stage when one fails or when the transport destroys the guard; the error surfaces on it.
  return (pipeline as (...streams: unknown[]) => Readable)(...stages, () => {});
}

class SliceGuard extends Transform {
  private held: Buffer | undefined;
  private seen = 0;

  constructor(
    private readonly snapshot: FileSnapshot,
    private readonly expected: number,
    private readonly onBytes?: (bytes: number, chunk: Buffer) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.expected) {
      callback(fileChangedError(this.snapshot.path, 'it grew while being read'));
      return;
    }
    if (this.held) this.forward(this.held);
    this.held = chunk;
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.seen !== this.expected) {
      callback(fileChangedError(this.snapshot.path, 'it shrank while being read'));
      return;
    }
    describeChange(this.snapshot).then(
      (change) => {
        if (change) {
          callback(fileChangedError(this.snapshot.path, change));
          return;
        }
        if (this.held) this.forward(this.held);
        this.held = undefined;
        callback();
      },
      (error: unknown) => callback(error as Error),
    );
  }

  private forward(chunk: Buffer): void {
    this.push(chunk);
    this.onBytes?.(chunk.length, chunk);
  }
}
