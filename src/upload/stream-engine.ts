// This file uploads a stream of unknown length (a pipe) with Google's resumable protocol: `bytes A-B/*` on every
// chunk until the last one carries the total (API-NOTES §1), each chunk held in memory until the server has it.
import type { Readable } from 'node:stream';
import { ExitCode, usageError, VuploadError } from '../errors.js';
import { FinalAnswers, RefreshOnce, retryStep, tryStep } from './answers.js';
import { Backoff } from './backoff.js';
import { type Clock, systemClock } from './clock.js';
import { HttpError, interruptedError, protocolError, redactUrl, untrustedSessionError } from './errors.js';
import { STREAM_FINGERPRINT } from './journal.js';
import type { UploadOptions, UploadResult } from './options.js';
import { ProgressTracker } from './progress.js';
import { initiate, type ProtocolContext, queryStatus, sendSlice } from './protocol.js';
import { parseRange } from './range.js';
import { TokenBucket } from './rate-limit.js';
import { classifyStatus, parseRetryAfter } from './retry.js';
import type { SessionRecord, SessionStore } from './session-store.js';
import { CHUNK_GRANULARITY } from './size.js';
import type { PieceSource } from './stream-input.js';
import { StreamChunks } from './stream-source.js';

export { STREAM_FINGERPRINT };

import { createHttpTransport, type Transport, type TransportResponse } from './transport.js';

/** Default chunk of a pipe: the memory it takes, and a request every 8 MiB (a 308 round trip each). */
export const PIPE_CHUNK_SIZE = 8 * 1024 * 1024;

/** Bytes handed to the socket at a time (and the rate limiter's unit), so progress moves within a chunk. */
const PIECE = 1024 * 1024;

export interface StreamUploadOptions
  extends Omit<
    UploadOptions,
    'file' | 'store' | 'restart' | 'sessionMaxAgeMs' | 'onResumed' | 'onSessionDiscarded' | 'chunkSize'
  > {
  /** The input: any Readable, or a pipe read without a stream (pipeSource). */
  stream: Readable | PieceSource;
  /** Bytes per request and in memory, a multiple of 256 KiB (default PIPE_CHUNK_SIZE). */
  chunkSize?: number;
  /** Stands for the path in the result and the journal (default `-`). */
  name?: string;
  /**
   * Where this run's session is saved before its first byte (write-ahead, as for files), under `key`: a stream
   * cannot be resumed, but a later run can ask the saved session whether it finished (src/cli/upload/pipe-sessions.ts).
   */
  store?: SessionStore;
  key?: string;
  /**
   * Called once, when the stream has ended and before the request that carries its total (only that request can
   * make the video): `{ skip }` sends it not, and no video is made. Its size and hash are saved with the session
   * first otherwise, so a run killed after it knows what the session holds.
   */
  beforeFinal?(content: { size: number; contentHash: string }): Promise<{ skip: unknown } | undefined>;
}

type Step =
  | { kind: 'done'; response: unknown }
  | { kind: 'skip'; value: unknown }
  | { kind: 'next' }
  | { kind: 'retry'; reason: string; afterMs?: number; error?: unknown };

/**
 * Uploads `options.stream` to the end. A process that stops cannot read the pipe again, so no later run resumes its
 * session; with `store`, it is saved all the same (write-ahead), so that a later run can ask whether it finished
 * (a run killed at the final answer). `record` is awaited before the saved session is removed.
 */
export async function uploadStream(options: StreamUploadOptions): Promise<UploadResult> {
  const ownTransport = options.transport ? undefined : createHttpTransport();
  try {
    return await new StreamUpload(options, options.transport ?? ownTransport!).run();
  } finally {
    ownTransport?.close();
  }
}

class StreamUpload {
  private readonly clock: Clock;
  private readonly ctx: ProtocolContext;
  private readonly contentType: string;
  private readonly chunks: StreamChunks;
  private readonly bucket?: TokenBucket;
  private readonly startedAt: number;
  private readonly progress: ProgressTracker;
  private readonly backoff: Backoff;
  private uri: string | undefined;
  private confirmed = 0;
  /** The end of the furthest request: the most the server can hold. */
  private sentTo = 0;
  private needQuery = false;
  private readonly refresh: RefreshOnce;
  private readonly finals = new FinalAnswers();
  private sessionRestarts = 0;
  /** When the current session was started (its saved record says so). */
  private sessionCreatedAt = 0;
  /** The whole stream's size and hash, once it has ended. */
  private ended: { size: number; contentHash: string } | undefined;
  /** The same, once beforeFinal let the request with the total go: saved with the session from then on. */
  private content: { size: number; contentHash: string } | undefined;

  constructor(
    private readonly options: StreamUploadOptions,
    transport: Transport,
  ) {
    const chunk = options.chunkSize ?? PIPE_CHUNK_SIZE;
    if (!Number.isSafeInteger(chunk) || chunk <= 0 || chunk % CHUNK_GRANULARITY !== 0) {
      throw usageError(`chunk size ${chunk} is not a multiple of 256 KiB`, 'round it with alignChunkSize()');
    }
    this.clock = options.clock ?? systemClock;
    this.ctx = { transport, auth: options.auth, signal: options.signal };
    this.refresh = new RefreshOnce(options.auth);
    this.contentType = options.contentType ?? 'application/octet-stream';
    this.chunks = new StreamChunks(options.stream, chunk, options.signal);
    if (options.limitRate) this.bucket = new TokenBucket(options.limitRate, this.clock);
    this.startedAt = this.clock.now();
    // The total is unknown: progress shows bytes and rate only.
    this.progress = new ProgressTracker(0, this.clock, options.progressIntervalMs ?? 100, options.onProgress);
    this.backoff = new Backoff(options, this.clock, this.startedAt, () => this.progress);
  }

  async run(): Promise<UploadResult> {
    try {
      // The first chunk is read before anything is sent, so an empty stream creates no video.
      if ((await this.chunks.window(0)).to === 0)
        throw usageError(`${this.name} was empty: nothing to upload.`);
      const verdict = await this.options.beforeNewSession?.();
      if (verdict) return this.result(undefined, { skipped: verdict.skip });
      for (;;) {
        this.throwIfAborted();
        const step = await tryStep(
          () => this.step(),
          this.options.signal,
          () => {
            if (this.uri) this.needQuery = true;
          },
        );
        if (step.kind === 'done') return await this.finish(step.response);
        if (step.kind === 'skip') return this.result(undefined, { skipped: step.value });
        if (step.kind === 'retry') await this.backoff.wait(step.reason, step.afterMs, step.error);
      }
    } catch (error) {
      if (this.options.signal?.aborted) throw streamInterrupted(this.options.signal.reason, this.confirmed);
      throw error;
    } finally {
      this.chunks.close();
    }
  }

  private get name(): string {
    return this.options.name ?? '-';
  }

  /** `*` until the stream's last byte has been read. */
  private get total(): number | '*' {
    return this.chunks.total ?? '*';
  }

  private async step(): Promise<Step> {
    if (!this.uri) return this.createSession();
    if (this.options.sessionUrlAllowed?.(this.uri) === false) throw untrustedSessionError(this.uri);
    if (this.needQuery) return this.answer(await queryStatus(this.ctx, this.uri, this.total), 'query');
    return this.send(this.uri);
  }

  private async createSession(): Promise<Step> {
    const { initUrl } = this.options;
    const res = await initiate(this.ctx, initUrl, this.options.metadata, undefined, this.contentType);
    const kind = classifyStatus(res.status);
    if (kind === 'unauthorized') return this.unauthorized('POST', initUrl, res);
    this.refresh.answered();
    if (kind === 'retry') return retryStep(res, this.clock.now());
    if (kind !== 'done')
      throw new HttpError('POST', initUrl, res.status, res.headers, res.body.toString('utf8'));
    const location = res.headers.location;
    if (!location) throw protocolError('the server started no upload session (no Location header)');
    const uri = new URL(location, initUrl).href;
    // The auth headers go with every request on the session: a URL the caller does not allow is never used.
    if (this.options.sessionUrlAllowed?.(uri) === false) throw untrustedSessionError(uri);
    // Saved before its first byte: a run killed at any later point leaves it for the next run to ask.
    this.sessionCreatedAt = this.clock.now();
    await this.save(uri);
    this.uri = uri;
    this.confirmed = 0;
    this.needQuery = false;
    this.progress.setConfirmed(0);
    this.options.onSessionCreated?.({ uri: this.uri });
    return { kind: 'next' };
  }

  /** The session's record: the stream's size and hash once known (0 and none before: nothing can be finished). */
  private async save(uri: string): Promise<void> {
    const { store, key } = this.options;
    if (!store || key === undefined) return;
    const record: SessionRecord & { contentHash?: string } = {
      version: 1,
      sessionUri: uri,
      path: this.name,
      size: this.content?.size ?? 0,
      mtimeMs: 0,
      fingerprint: STREAM_FINGERPRINT,
      metadata: this.options.metadata ?? {},
      account: this.options.account,
      initUrl: redactUrl(this.options.initUrl),
      contentType: this.contentType,
      createdAt: this.sessionCreatedAt,
      ...(this.content ? { contentHash: this.content.contentHash } : {}),
    };
    await store.save(key, record);
  }

  /**
   * The stream has ended: beforeFinal decides whether the request with the total goes (a skipped session is never
   * finished, so its record goes too); if it does, the record first gets the size and hash it will be finished with.
   */
  private async beforeTotal(uri: string): Promise<{ skip: unknown } | undefined> {
    const content = { size: this.chunks.end, contentHash: await this.chunks.digest() };
    this.ended = content;
    const verdict = await this.options.beforeFinal?.(content);
    if (verdict) {
      if (this.options.key !== undefined) await this.options.store?.remove(this.options.key);
      return verdict;
    }
    this.content = content;
    await this.save(uri);
    return undefined;
  }

  /** Sends every byte held, from the server's offset: a full chunk (`/*`), or the last one with the total. */
  private async send(uri: string): Promise<Step> {
    const { from, to, final } = await this.chunks.window(this.confirmed);
    if (final && !this.content) {
      const verdict = await this.beforeTotal(uri);
      if (verdict) return { kind: 'skip', value: verdict.skip };
    }
    const body = this.pieces(this.chunks.bytes(from, to));
    this.sentTo = Math.max(this.sentTo, to);
    try {
      const res = await sendSlice(this.ctx, uri, body, from, to, final ? to : '*', this.contentType);
      return await this.answer(res, 'data');
    } finally {
      this.progress.flush();
    }
  }

  private async *pieces(views: Buffer[]): AsyncGenerator<Buffer> {
    const size = this.bucket ? Math.min(PIECE, this.bucket.capacity) : PIECE;
    for (const bytes of views) {
      for (let at = 0; at < bytes.length; at += size) {
        const piece = bytes.subarray(at, Math.min(bytes.length, at + size));
        await this.bucket?.take(piece.length, this.options.signal);
        this.progress.addSent(piece.length);
        yield piece;
      }
    }
  }

  private async answer(res: TransportResponse, request: 'query' | 'data'): Promise<Step> {
    const uri = this.uri!;
    const kind = classifyStatus(res.status, res.headers['x-http-status-code-override']);
    if (kind === 'unauthorized') {
      this.needQuery = true;
      return this.unauthorized('PUT', uri, res);
    }
    this.refresh.answered();
    switch (kind) {
      case 'done': {
        // Only the last chunk (or a query after it) can finish: the server cannot know the total earlier.
        const final = this.finals.read(res);
        if (final.kind === 'retry') this.needQuery = true;
        return final;
      }
      case 'incomplete':
        return this.incomplete(res, request);
      case 'expired':
        return this.sessionExpired();
      case 'retry':
        this.needQuery = true;
        return retryStep(res, this.clock.now());
      default:
        throw new HttpError('PUT', uri, res.status, res.headers, res.body.toString('utf8'));
    }
  }

  /**
   * A 308: `Range` says how much the server holds (API-NOTES §1). What it kept is dropped from memory; the next
   * request starts at its offset with a full chunk again. The server may keep any part of a chunk (only a 256 KiB
   * multiple of a non-final one, or any prefix of a request that was cut off).
   */
  private async incomplete(res: TransportResponse, request: 'query' | 'data'): Promise<Step> {
    const offset = parseRange(res.headers.range);
    if (offset > this.sentTo) {
      throw protocolError(`the server claims to hold ${offset} bytes, but only ${this.sentTo} were sent`);
    }
    if (offset < this.confirmed) {
      throw protocolError(
        `the server now holds ${offset} bytes after confirming ${this.confirmed}; those bytes of ${this.name} are gone`,
      );
    }
    const moved = offset > this.confirmed;
    if (moved) this.backoff.moved();
    this.confirmed = offset;
    this.progress.setConfirmed(offset);
    this.needQuery = false;
    this.chunks.release(offset);
    if (offset === this.chunks.total)
      throw protocolError('the server holds every byte but did not finish the upload');
    const afterMs = parseRetryAfter(res.headers['retry-after'], this.clock.now());
    if (request === 'data' && !moved)
      return { kind: 'retry', reason: 'the server stored none of the last request', afterMs };
    if (afterMs) await this.clock.sleep(afterMs, this.options.signal);
    return { kind: 'next' };
  }

  /** 404/410: a new session can start only while every byte since the first is still in memory. */
  private sessionExpired(): Step {
    this.sessionRestarts++;
    if (this.chunks.start > 0) {
      throw new VuploadError(
        'sessionLost',
        ExitCode.network,
        `the upload session expired after ${this.chunks.start} bytes of ${this.name}; they cannot be read again, so nothing was uploaded`,
        { hint: 'Run the command again with the same input.' },
      );
    }
    if (this.sessionRestarts > (this.options.maxSessionRestarts ?? 5)) {
      throw new VuploadError(
        'network',
        ExitCode.network,
        `the upload session expired ${this.sessionRestarts} times`,
      );
    }
    this.uri = undefined;
    this.confirmed = 0;
    this.sentTo = 0;
    this.needQuery = false;
    this.progress.setConfirmed(0);
    this.options.onSessionExpired?.({ count: this.sessionRestarts });
    return { kind: 'next' };
  }

  private async unauthorized(method: string, url: string, res: TransportResponse): Promise<Step> {
    await this.refresh.unauthorized(method, url, res);
    return { kind: 'next' };
  }

  /**
   * Write-ahead as for files: the journal has the id before the saved session is removed, so at every instant one
   * of the two exists. A failed record keeps the session: the next run from a pipe asks it and records the video.
   */
  private async finish(response: unknown): Promise<UploadResult> {
    this.progress.setConfirmed(this.chunks.end);
    this.progress.flush();
    // Every byte was read (the last request carried the total), so the hash covers the whole stream.
    this.content ??= { size: this.chunks.end, contentHash: await this.chunks.digest() };
    const result = this.result(response, {});
    try {
      await this.options.record?.(result);
    } catch (error) {
      result.recordError = error;
      return result;
    }
    if (this.options.key !== undefined) await this.options.store?.remove(this.options.key).catch(() => {});
    return result;
  }

  private result(response: unknown, extra: Partial<UploadResult>): UploadResult {
    const hashed = this.content ?? this.ended;
    return {
      ...(hashed ? { contentHash: hashed.contentHash } : {}),
      response,
      sessionUri: this.uri ?? '',
      bytesSent: this.progress.bytesOnWire,
      size: this.chunks.end,
      path: this.name,
      fingerprint: STREAM_FINGERPRINT,
      mtimeMs: 0,
      metadata: this.options.metadata ?? {},
      retries: this.backoff.retries,
      resumed: false,
      finishedEarlier: false,
      sessionRestarts: this.sessionRestarts,
      elapsedMs: this.clock.now() - this.startedAt,
      ...extra,
    };
  }

  private throwIfAborted(): void {
    if (this.options.signal?.aborted) throw streamInterrupted(this.options.signal.reason, this.confirmed);
  }
}

/** Interrupted (exit 130/143) without the file engine's promise: a pipe cannot be resumed. */
function streamInterrupted(reason: unknown, confirmed: number): VuploadError {
  const base = interruptedError(reason);
  return new VuploadError(
    base.code,
    base.exitCode,
    `upload interrupted after ${confirmed} bytes; an upload from a pipe cannot be resumed`,
    { hint: 'Run the command again with the whole input.' },
  );
}
