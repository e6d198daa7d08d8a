// This file is the resumable upload engine: it drives a session from initiation to the final answer, trusting only
// the server's offset, retrying what can succeed, and keeping the session on disk so a re-run resumes it.
import { usageError } from '../errors.js';
import { FinalAnswers, RefreshOnce, type RetryStep, retryStep, tryStep } from './answers.js';
import { Backoff } from './backoff.js';
import { type Clock, systemClock } from './clock.js';
import { ContentHasher } from './content-hash.js';
import {
  HttpError,
  interruptedError,
  networkError,
  protocolError,
  redactUrl,
  untrustedSessionError,
} from './errors.js';
import { assertUnchanged, type FileSnapshot, readSlice, snapshotFile } from './file-source.js';
import { fingerprintFile } from './fingerprint.js';
import { findKeptSession, type KeptSession, settleKeptSession } from './kept-session.js';
import { DEFAULT_SESSION_MAX_AGE_MS, type UploadOptions, type UploadResult } from './options.js';
import { ProgressTracker } from './progress.js';
import { googleResumable, type ProtocolContext, type UploadProtocol } from './protocol.js';
import { TokenBucket } from './rate-limit.js';
import { classifyStatus, parseRetryAfter } from './retry.js';
import {
  createMemorySessionStore,
  legacySessionKey,
  type SessionRecord,
  type SessionStore,
  sessionKey,
} from './session-store.js';
import { createHttpTransport, type Transport, type TransportResponse } from './transport.js';

export type { UploadOptions, UploadResult } from './options.js';

/** What one step of the conversation tells the loop. */
type Step =
  | { kind: 'done'; response: unknown }
  | { kind: 'skip'; value: unknown }
  | { kind: 'next' }
  | { kind: 'retry'; reason: string; afterMs?: number; error?: unknown };

/** Uploads `options.file` with Google's resumable protocol and returns the server's final answer. */
export async function uploadResumable(options: UploadOptions): Promise<UploadResult> {
  const ownTransport = options.transport ? undefined : createHttpTransport();
  try {
    return await new Upload(options, options.transport ?? ownTransport!).run();
  } finally {
    ownTransport?.close();
  }
}

class Upload {
  private readonly clock: Clock;
  private readonly store: SessionStore;
  private readonly ctx: ProtocolContext;
  private readonly contentType: string;
  private readonly initUrl: string;
  private readonly protocol: UploadProtocol;
  /** What the protocol keeps with the current session (tus: the video it belongs to). */
  private sessionData: unknown;
  /** When this run created its current session (clock ms). */
  private sessionCreatedAt = 0;
  private readonly bucket?: TokenBucket;
  private readonly startedAt: number;
  private snapshot!: FileSnapshot;
  private fingerprint = '';
  private key = '';
  /** The key the current session is stored under (differs from `key` for a legacy session). */
  private storedKey = '';
  /** A kept session not yet asked about; cleared by the answer to the first status query. */
  private kept: KeptSession | undefined;
  private hasher!: ContentHasher;
  /** The metadata of the current session (the kept one's when it is continued). */
  private sessionMetadata: unknown;
  private finishedEarlier = false;
  private askedBeforeNew = false;
  private progress!: ProgressTracker;
  private uri: string | undefined;
  /** Bytes the server confirmed; never goes back within a session. */
  private confirmed = 0;
  /** The server cannot hold more than this (unknown, hence the size, for a session from an earlier run). */
  private maxSent = 0;
  private needQuery = false;
  private fromStore = false;
  private resumed = false;
  private readonly backoff: Backoff;
  private readonly refresh: RefreshOnce;
  private readonly finals = new FinalAnswers();
  private sessionRestarts = 0;

  constructor(
    private readonly options: UploadOptions,
    transport: Transport,
  ) {
    const chunk = options.chunkSize;
    if (
      chunk !== undefined &&
      (!Number.isSafeInteger(chunk) ||
        chunk <= 0 ||
        chunk % (options.protocol ?? googleResumable).granularity !== 0)
    ) {
      throw usageError(`chunk size ${chunk} is not a multiple of 256 KiB`, 'round it with alignChunkSize()');
    }
    this.clock = options.clock ?? systemClock;
    this.store = options.store ?? createMemorySessionStore();
    this.ctx = { transport, auth: options.auth, signal: options.signal };
    this.refresh = new RefreshOnce(options.auth);
    this.contentType = options.contentType ?? 'application/octet-stream';
    this.initUrl = options.initUrl;
    this.protocol = options.protocol ?? googleResumable;
    if (options.limitRate) this.bucket = new TokenBucket(options.limitRate, this.clock);
    this.startedAt = this.clock.now();
    this.backoff = new Backoff(options, this.clock, this.startedAt, () => this.progress);
  }

  async run(): Promise<UploadResult> {
    try {
      this.snapshot = await snapshotFile(this.options.file);
      this.fingerprint = await fingerprintFile(this.snapshot.path);
      this.hasher = await ContentHasher.create();
      const { size } = this.snapshot;
      this.progress = new ProgressTracker(
        size,
        this.clock,
        this.options.progressIntervalMs ?? 100,
        this.options.onProgress,
      );
      const keyParts = {
        path: this.snapshot.path,
        account: this.options.account,
        initUrl: redactUrl(this.initUrl),
      };
      this.key = sessionKey(keyParts);
      this.sessionMetadata = this.options.metadata ?? {};
      await this.loadKeptSession(legacySessionKey(keyParts));
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
        if (step.kind === 'skip') return this.skipped(step.value);
        if (step.kind === 'retry') await this.backoff.wait(step.reason, step.afterMs, step.error);
      }
    } catch (error) {
      if (this.options.signal?.aborted) throw interruptedError(this.options.signal.reason);
      throw error;
    }
  }

  /** A session an earlier run kept for this file is asked about first (kept-session.ts). */
  private async loadKeptSession(legacyKey: string): Promise<void> {
    const kept = await findKeptSession(
      {
        store: this.store,
        snapshot: this.snapshot,
        fingerprint: this.fingerprint,
        options: this.options,
        contentType: this.contentType,
        now: this.clock.now(),
        maxAgeMs: this.options.sessionMaxAgeMs ?? DEFAULT_SESSION_MAX_AGE_MS,
      },
      this.key,
      legacyKey,
    );
    if (!kept) return;
    this.kept = kept;
    this.storedKey = kept.key;
    this.uri = kept.record.sessionUri;
    this.sessionData = kept.record.data;
    this.sessionMetadata = kept.record.metadata;
    this.fromStore = true;
    this.needQuery = true;
    this.maxSent = kept.record.size;
  }

  /** The kept session's first answer: 'keep' when it is the one to continue, else it was dealt with. */
  private async settleKept(
    outcome: 'finished' | 'incomplete' | 'expired',
    response?: unknown,
  ): Promise<'keep' | 'dropped'> {
    const kept = this.kept!;
    this.kept = undefined;
    const settled = await settleKeptSession(kept, outcome, response, {
      store: this.store,
      options: this.options,
    });
    if (settled === 'keep' || kept.verdict.use) return 'keep';
    this.resetSession();
    if (outcome === 'incomplete') {
      // Given up for good: a protocol that can end a session does (PeerTube frees the bytes it kept).
      await this.protocol.cancel?.(this.ctx, kept.record.sessionUri, kept.record.data).catch(() => {});
      this.options.onSessionDiscarded?.({ reason: kept.verdict.reason });
    }
    return 'dropped';
  }

  private resetSession(): void {
    this.uri = undefined;
    this.confirmed = 0;
    this.maxSent = 0;
    this.needQuery = false;
    this.fromStore = false;
    this.sessionMetadata = this.options.metadata ?? {};
    this.sessionData = undefined;
    this.progress.setConfirmed(0);
  }

  private async step(): Promise<Step> {
    if (!this.uri) return this.createSession();
    this.checkSessionUrl(this.uri);
    const total = this.kept ? this.kept.record.size : this.snapshot.size;
    if (this.needQuery) return this.answer(await this.protocol.query(this.ctx, this.uri, total), 'query');
    return this.sendNext(this.uri);
  }

  private async createSession(): Promise<Step> {
    await assertUnchanged(this.snapshot);
    if (!this.askedBeforeNew) {
      // Asked once per run: a session that expires later is the same upload, already decided on.
      this.askedBeforeNew = true;
      const verdict = await this.options.beforeNewSession?.();
      if (verdict) return { kind: 'skip', value: verdict.skip };
    }
    const { size } = this.snapshot;
    const res = await this.protocol.create(this.ctx, this.initUrl, {
      metadata: this.options.metadata,
      size,
      contentType: this.contentType,
    });
    const kind = classifyStatus(res.status);
    if (kind === 'unauthorized') return this.unauthorized('POST', this.initUrl, res);
    this.refresh.answered();
    if (kind === 'retry') return retryStep(res, this.clock.now());
    if (kind !== 'done')
      throw new HttpError('POST', this.initUrl, res.status, res.headers, res.body.toString('utf8'));
    const { uri, data } = this.protocol.session(res, this.initUrl);
    this.checkSessionUrl(uri);
    const record: SessionRecord = {
      version: 1,
      sessionUri: uri,
      path: this.snapshot.path,
      size,
      mtimeMs: this.snapshot.mtimeMs,
      fingerprint: this.fingerprint,
      metadata: this.options.metadata ?? {},
      account: this.options.account,
      initUrl: redactUrl(this.initUrl),
      contentType: this.contentType,
      createdAt: this.clock.now(),
      ...(data !== undefined ? { data } : {}),
    };
    // Persisted before the first byte, so a process killed at any later point can resume (issue 3).
    await this.store.save(this.key, record);
    this.storedKey = this.key;
    this.sessionMetadata = record.metadata;
    this.sessionData = data;
    this.sessionCreatedAt = record.createdAt;
    this.uri = uri;
    this.confirmed = 0;
    this.maxSent = 0;
    this.needQuery = false;
    this.progress.setConfirmed(0);
    this.options.onSessionCreated?.({ uri });
    return { kind: 'next' };
  }

  private async sendNext(uri: string): Promise<Step> {
    await assertUnchanged(this.snapshot);
    const { size } = this.snapshot;
    const start = this.confirmed;
    const end = this.options.chunkSize ? Math.min(size, start + this.options.chunkSize) : size;
    // A resumed upload starts past what this run hashed: hash the bytes an earlier run sent from disk.
    await this.hasher.catchUp(this.snapshot.path, start);
    let written = 0;
    const body = readSlice(this.snapshot, start, end, {
      pace: this.bucket ? (bytes) => this.bucket!.takeAll(bytes, this.options.signal) : undefined,
      onBytes: (bytes, chunk) => {
        this.hasher.update(start + written, chunk);
        written += bytes;
        this.progress.addSent(bytes);
      },
    });
    let res: TransportResponse;
    try {
      res = await this.protocol.send(this.ctx, uri, body, start, end, size, this.contentType);
    } finally {
      // What we handed on is the most the server can hold, whatever happened to the request.
      this.maxSent = Math.max(this.maxSent, start + written);
      this.progress.flush();
    }
    return this.answer(res, 'data');
  }

  /** Acts on an answer to a request on the session URI (a slice or a status query). */
  private async answer(res: TransportResponse, request: 'query' | 'data'): Promise<Step> {
    const uri = this.uri!;
    const kind = this.protocol.classify(res, this.kept ? this.kept.record.size : this.snapshot.size);
    if (kind === 'unauthorized') {
      this.needQuery = true;
      return this.unauthorized('PUT', uri, res);
    }
    this.refresh.answered();
    switch (kind) {
      case 'done': {
        // tus's last answer carries no resource: the platform is asked (finished), else the session's data is it.
        const final = this.protocol.finalInBody ? this.finals.read(res) : await this.confirmFinished();
        if (final.kind === 'retry') {
          this.needQuery = true;
          return final;
        }
        return this.finished(final.response, request);
      }
      case 'incomplete':
        if (this.kept && (await this.settleKept('incomplete')) === 'dropped') return { kind: 'next' };
        return this.incomplete(res, request);
      case 'expired': {
        // A server that deletes a session once it finished (PeerTube's uploadx) answers a finished upload as gone.
        const found = await this.findFinished();
        if (found !== undefined) return this.finished(found, 'query');
        if (this.kept && (await this.settleKept('expired')) === 'dropped') return { kind: 'next' };
        return this.sessionExpired();
      }
      case 'retry':
        this.needQuery = true;
        return retryStep(res, this.clock.now());
      default:
        throw new HttpError('PUT', uri, res.status, res.headers, res.body.toString('utf8'));
    }
  }

  /** The session finished with `response` (the created resource). */
  private async finished(response: unknown, request: 'query' | 'data'): Promise<Step> {
    if (this.kept && (await this.settleKept('finished', response)) === 'dropped') return { kind: 'next' };
    // A status query on a kept session may find the upload already finished (killed before the answer came).
    if (request === 'query' && this.fromStore && !this.resumed) {
      this.resumed = true;
      this.finishedEarlier = true;
    }
    return { kind: 'done', response };
  }

  /** The resource of a session whose last answer carries none (tus), confirmed by the platform where it can. */
  private async confirmFinished(): Promise<{ kind: 'done'; response: unknown } | RetryStep> {
    if (!this.protocol.finished) return { kind: 'done', response: this.sessionData };
    const answer = await this.protocol.finished(this.ctx, { uri: this.uri!, data: this.sessionData });
    return 'done' in answer
      ? { kind: 'done', response: answer.done }
      : { kind: 'retry', reason: answer.retry };
  }

  /**
   * A session the server no longer knows may have finished (its last answer lost, or a run killed after it): where
   * the caller can find the resource it made (options.findFinished), that is the upload. Only when every byte may
   * have reached the server: a kept session, or this run sent them all.
   */
  private async findFinished(): Promise<unknown> {
    const find = this.options.findFinished;
    const size = this.kept ? this.kept.record.size : this.snapshot.size;
    if (!find || !this.uri || !(this.fromStore || this.maxSent >= size)) return undefined;
    return find({
      sessionUri: this.uri,
      size,
      metadata: this.sessionMetadata,
      createdAt: this.kept ? this.kept.record.createdAt : this.sessionCreatedAt,
      data: this.sessionData,
    });
  }

  /** The auth headers go with every request on the session: a URL the caller does not allow is never used. */
  private checkSessionUrl(uri: string): void {
    if (this.options.sessionUrlAllowed?.(uri) === false) throw untrustedSessionError(uri);
  }

  /** A 308: the `Range` header is the truth about what the server holds (API-NOTES §1). */
  private async incomplete(res: TransportResponse, request: 'query' | 'data'): Promise<Step> {
    const offset = this.protocol.offset(res);
    const { size } = this.snapshot;
    if (offset > this.maxSent || offset > size) {
      throw protocolError(`the server claims to hold ${offset} bytes, but only ${this.maxSent} were sent`);
    }
    if (offset < this.confirmed) {
      throw protocolError(
        `the server now holds ${offset} bytes after confirming ${this.confirmed}; not guessing`,
      );
    }
    if (offset === size) throw protocolError('the server holds every byte but did not finish the upload');
    const moved = offset > this.confirmed;
    if (moved) this.backoff.moved();
    this.confirmed = offset;
    this.progress.setConfirmed(offset);
    this.needQuery = false;
    if (request === 'query') {
      const persisted = this.fromStore && !this.resumed;
      if (this.fromStore) this.resumed = true;
      this.options.onResumed?.({ offset, persisted });
    }
    const afterMs = parseRetryAfter(res.headers['retry-after'], this.clock.now());
    // A slice that stored nothing is a failure, or a server that never stores would keep us here for ever.
    if (request === 'data' && !moved)
      return { kind: 'retry', reason: 'the server stored none of the last request', afterMs };
    if (afterMs) await this.clock.sleep(afterMs, this.options.signal);
    return { kind: 'next' };
  }

  private async sessionExpired(): Promise<Step> {
    this.sessionRestarts++;
    const limit = this.options.maxSessionRestarts ?? 5;
    if (this.sessionRestarts > limit)
      throw networkError(`the upload session expired ${this.sessionRestarts} times`);
    await this.store.remove(this.storedKey);
    this.resetSession();
    this.options.onSessionExpired?.({ count: this.sessionRestarts });
    return { kind: 'next' };
  }

  /** 401: refresh the token once and go on; a second 401 in a row is the server's final word. */
  private async unauthorized(method: string, url: string, res: TransportResponse): Promise<Step> {
    await this.refresh.unauthorized(method, url, res);
    return { kind: 'next' };
  }

  /**
   * Write-ahead: the finished upload is recorded (options.record) before its session is removed, so at every
   * instant one of the two exists (issue 11). A failed record keeps the session: the next run asks the server,
   * gets the finished video, and records it then.
   */
  private async finish(response: unknown): Promise<UploadResult> {
    const { size, path } = this.snapshot;
    this.progress.setConfirmed(size);
    this.progress.flush();
    // What this run did not send (a resumed or already finished upload) is hashed from disk, unchanged since.
    await this.hasher.catchUp(path, size);
    await assertUnchanged(this.snapshot);
    const result: UploadResult = {
      response,
      sessionUri: this.uri!,
      bytesSent: this.progress.bytesOnWire,
      size,
      path,
      fingerprint: this.fingerprint,
      mtimeMs: this.snapshot.mtimeMs,
      contentHash: this.hasher.digest(),
      metadata: this.sessionMetadata,
      retries: this.backoff.retries,
      resumed: this.resumed,
      finishedEarlier: this.finishedEarlier,
      sessionRestarts: this.sessionRestarts,
      elapsedMs: this.clock.now() - this.startedAt,
    };
    try {
      await this.options.record?.(result);
    } catch (error) {
      result.recordError = error;
      return result;
    }
    // The record holds the id now; a session left behind (this removal failing) is asked and found finished.
    await this.store.remove(this.storedKey).catch(() => {});
    return result;
  }

  /** beforeNewSession said no upload is needed; nothing was created. */
  private skipped(value: unknown): UploadResult {
    return {
      response: undefined,
      sessionUri: '',
      bytesSent: 0,
      size: this.snapshot.size,
      path: this.snapshot.path,
      fingerprint: this.fingerprint,
      mtimeMs: this.snapshot.mtimeMs,
      metadata: this.options.metadata ?? {},
      retries: this.backoff.retries,
      resumed: false,
      finishedEarlier: false,
      sessionRestarts: 0,
      elapsedMs: this.clock.now() - this.startedAt,
      skipped: value,
    };
  }

  private throwIfAborted(): void {
    if (this.options.signal?.aborted) throw interruptedError(this.options.signal.reason);
  }
}
