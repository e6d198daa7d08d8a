// This file is the input of an upload from a pipe, piece by piece: any Readable, or a pipe or socket file descriptor
// read straight into the sink's memory (no stream, no allocation or copy per read).
import { fstatSync } from 'node:fs';
import { type OnReadOpts, Socket, type SocketConstructorOpts } from 'node:net';
import { Readable } from 'node:stream';

/** What the input hands its pieces to (StreamChunks). */
export interface PieceSink {
  /**
   * One piece of the input, in order. False: the sink is full (it may have taken only part of the piece, which then
   * stays intact); the source stops until resume().
   */
  piece(bytes: Buffer): boolean;
  /**
   * Where the next read may land: free memory of the sink's own, where the bytes belong, so `piece` has nothing to
   * copy. Undefined when the sink has no room; it must stay free until the read that was given it is handed over.
   */
  room?(): Buffer | undefined;
  /** The input ended; with an error, it failed. */
  end(error?: unknown): void;
}

/** The input of a stream upload. */
export interface PieceSource {
  /** Starts handing pieces to `sink`. */
  start(sink: PieceSink): void;
  /** Goes on after `piece` returned false. */
  resume(): void;
  /** No more pieces are wanted (the upload ended, or failed). */
  close(): void;
}

/** A pipe hands over at most its capacity per read: 64 KiB on Linux (a socket may give more, in more reads). */
const PIPE_READ = 64 * 1024;

/**
 * Standard input (or another descriptor) when it is a pipe or a socket: each read lands where the sink has room
 * (StreamChunks: its ring), or in one spare buffer of this source's while the sink is full (the sink copies from
 * there). A Readable would allocate a new buffer for every read, and those wait for the garbage collector: ~40 MiB
 * more memory for a long pipe, and one more copy of every byte. Undefined for anything else (a file, a terminal).
 */
export function pipeSource(fd: number): PieceSource | undefined {
  let info: ReturnType<typeof fstatSync>;
  try {
    info = fstatSync(fd);
  } catch {
    return undefined;
  }
  if (!info.isFIFO() && !info.isSocket()) return undefined;
  const spare = Buffer.allocUnsafe(PIPE_READ);
  let socket: Socket | undefined;
  return {
    start(sink) {
      // `onread` is an option of the constructor (documented there since nodejs/node#54194); @types/node 20 lists it
      // for connect() only.
      const options: SocketConstructorOpts & { onread: OnReadOpts } = {
        fd,
        readable: true,
        writable: false,
        // The buffer function is asked after every read (and once before the first) where the next one goes.
        // Returning false stops the reads until resume(): that buffer is not written meanwhile.
        onread: {
          buffer: () => sink.room?.() ?? spare,
          callback: (bytes, buffer) => sink.piece(Buffer.from(buffer.buffer, buffer.byteOffset, bytes)),
        },
      };
      socket = new Socket(options);
      socket.once('end', () => sink.end());
      socket.once('error', (error) => sink.end(error));
    },
    resume: () => socket?.resume(),
    close: () => socket?.destroy(),
  };
}

/** Any Readable (a test's stream, standard input that is a file). */
export function readableSource(stream: Readable): PieceSource {
  let onData: ((piece: Buffer | string) => void) | undefined;
  return {
    start(sink) {
      onData = (piece) => {
        if (!sink.piece(typeof piece === 'string' ? Buffer.from(piece) : piece)) stream.pause();
      };
      stream.on('data', onData);
      stream.once('end', () => sink.end());
      stream.once('error', (error) => sink.end(error));
    },
    resume: () => stream.resume(),
    close() {
      if (onData) stream.off('data', onData);
      stream.pause();
    },
  };
}

export function toPieceSource(input: Readable | PieceSource): PieceSource {
  return input instanceof Readable ? readableSource(input) : input;
}
