// This file drives one Youku upload: create → create_file → slices → check → commit, resuming from kept state.

import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { extname } from 'node:path';
import { checkCredentialUrl } from '../../credential-url.js';
import { authError } from '../../errors.js';
import { asProxyError } from '../../net/proxy-errors.js';
import {
  appendHistory,
  assertUnchanged,
  type Clock,
  createHttpTransport,
  DEFAULT_RETRIES,
  type FileSnapshot,
  fingerprintFile,
  gaveUpAfter,
  gaveUpError,
  interruptedError,
  isRetryableNetworkError,
  networkError,
  ProgressTracker,
  protocolError,
  readSlice,
  retryDelay,
  snapshotFile,
  systemClock,
  TokenBucket,
  type Transport,
} from '../../upload/index.js';
import { hasYoukuCode, isTransientYoukuError, YoukuCode } from './errors.js';
import { youkuCall } from './http.js';
import { youkuMetadata } from './metadata.js';
import {
  CONFIRM_FIRST_WAIT_MS,
  CONFIRM_MAX_WAIT_MS,
  DEFAULT_CONFIRM_TIMEOUT_MS,
  DEFAULT_SLICE_KB,
  YOUKU_API_URL,
  type YoukuRecord,
  type YoukuUploadOptions,
  type YoukuUploadResult,
} from './options.js';
import * as proto from './protocol.js';
import {
  hashesOf,
  md5OfRange,
  staleReason,
  type YoukuStates,
  type YoukuUploadState,
  youkuStateKey,
  youkuStates,
} from './state.js';

export type { YoukuAuth, YoukuUploadOptions, YoukuUploadResult } from './options.js';

/** Times in a row one slice may come back with 120010225 before the upload stops. */
const MAX_HASH_MISMATCHES = 3;
/** New uploads after 120010223 before giving up. */
const MAX_TOKEN_RESTARTS = 3;

/** Uploads `options.file` to Youku and journals both ids; see API-NOTES §10 and the seed youku-upload-api.zh.txt. */
export async function uploadToYouku(options: YoukuUploadOptions): Promise<YoukuUploadResult> {
  const own = options.transport ? undefined : createHttpTransport();
  try {
    return await new YoukuUpload(options, options.transport ?? own!).run();
  } finally {
    own?.close();
  }
}

type Phase = 'create' | 'createFile' | 'slices' | 'check' | 'commit' | 'committed';

class YoukuUpload {
  private readonly clock: Clock;
  private readonly conn: proto.Conn;
  private readonly apiUrl: string;
  private readonly startedAt: number;
  private readonly bucket?: TokenBucket;
  private readonly states: YoukuStates;
  private metadata!: Record<string, string>;
  private snapshot!: FileSnapshot;
  private md5 = '';
  private contentHash = '';
  private fingerprint = '';
  private key = '';
  /** The video a kept upload turned out to be (committed by an earlier run). */
  private committedId = '';
  private finishedEarlier = false;
  private askedBeforeNew = false;
  private state: YoukuUploadState | undefined;
  private progress!: ProgressTracker;
  private serverIp = '';
  private resumed = false;
  private attempt = 0;
  private retries = 0;
  private refreshed = false;

  constructor(
    private readonly o: YoukuUploadOptions,
    transport: Transport,
  ) {
    this.clock = o.clock ?? systemClock;
    this.conn = { transport, signal: o.signal };
    // create and commit carry the access token; the upload server's plain-HTTP calls carry only the upload token.
    this.apiUrl = checkCredentialUrl((o.apiUrl ?? YOUKU_API_URL).replace(/\/+$/, ''), 'the Youku API URL');
    this.startedAt = this.clock.now();
    this.states = youkuStates(o.stateDir, o.states);
    if (o.limitRate) this.bucket = new TokenBucket(o.limitRate, this.clock);
  }

  async run(): Promise<YoukuUploadResult> {
    try {
      this.metadata = youkuMetadata(this.o);
      this.snapshot = await snapshotFile(this.o.file);
      ({ md5: this.md5, contentHash: this.contentHash } = await hashesOf(this.snapshot.path));
      this.fingerprint = await fingerprintFile(this.snapshot.path);
      await assertUnchanged(this.snapshot);
      this.progress = new ProgressTracker(this.snapshot.size, this.clock, 100, this.o.onProgress);
      this.key = youkuStateKey(this.snapshot.path, this.o.account, this.apiUrl);
      let phase = await this.loadKept();
      let restarts = 0;
      for (;;) {
        try {
          if (phase === 'committed') return await this.finish(this.committedId);
          if (phase === 'create' && !this.askedBeforeNew) {
            // Asked once per run: an expired upload token later is the same upload, already decided on.
            this.askedBeforeNew = true;
            const verdict = await this.o.beforeNewUpload?.();
            if (verdict) return this.skippedResult(verdict.skip);
          }
          if (phase === 'create') phase = await this.create();
          if (phase === 'createFile') phase = await this.createFile();
          if (phase === 'slices') phase = await this.sendSlices();
          if (phase === 'check') phase = await this.checkUntilConfirmed();
          if (phase === 'commit') return await this.commit();
        } catch (error) {
          // The upload token expired: the upload server forgot this upload, so only a new one can work (§10).
          if (!hasYoukuCode(error, YoukuCode.uploadTokenExpired)) throw error;
          if (++restarts > MAX_TOKEN_RESTARTS)
            throw networkError(`the upload token expired ${restarts} times`);
          await this.states.remove(this.key);
          this.state = undefined;
          this.o.onRestarted?.({ reason: 'uploadTokenExpired' });
          phase = 'create';
        }
      }
    } catch (error) {
      if (this.o.signal?.aborted) throw interruptedError(this.o.signal.reason);
      throw error;
    }
  }

  /**
   * A kept state is continued only for the same file (size, mtime, MD5) and metadata, starting with check. Any
   * other is asked about before it is dropped (issue 11): if the video create announced exists, an earlier run
   * committed it and was stopped before recording it, so it is recorded now, never uploaded again.
   */
  private async loadKept(): Promise<Phase> {
    const kept = await this.states.load(this.key);
    if (!kept) return 'create';
    const why = staleReason(kept, { snapshot: this.snapshot, md5: this.md5, metadata: this.metadata });
    if (!why && !this.o.restart) {
      this.state = kept;
      this.resumed = true;
      return kept.fileCreated ? 'check' : 'createFile';
    }
    const existing = kept.fileCreated ? await this.existingVideo(kept.createVideoId) : undefined;
    if (existing && why !== 'fileChanged') {
      this.state = kept;
      this.metadata = kept.metadata;
      this.resumed = true;
      this.finishedEarlier = true;
      this.committedId = existing;
      return 'committed';
    }
    if (existing) await this.record(this.recordOf(kept, existing, { earlierContent: true }));
    await this.states.remove(this.key);
    this.o.onRestarted?.({ reason: why ?? 'restart' });
    return 'create';
  }

  /** videos/show.json: the id of the video `createVideoId` became, or undefined when there is none (120020001). */
  private async existingVideo(createVideoId: string): Promise<string | undefined> {
    try {
      const answer = await this.call('show', () =>
        youkuCall(this.conn.transport, {
          method: 'GET',
          url: `${this.apiUrl}/videos/show.json`,
          params: { client_id: this.o.clientId, video_id: createVideoId },
          signal: this.o.signal,
        }),
      );
      return typeof answer.id === 'string' && answer.id ? answer.id : createVideoId;
    } catch (error) {
      if (hasYoukuCode(error, YoukuCode.videoNotFound)) return undefined;
      throw error;
    }
  }

  private async save(): Promise<void> {
    await this.states.save(this.key, this.state!);
  }

  private async create(): Promise<Phase> {
    const answer = await this.call('create', async () =>
      proto.create(this.conn, this.apiUrl, {
        client_id: this.o.clientId,
        access_token: await this.o.auth.accessToken(),
        ...this.metadata,
        file_name: this.snapshot.path.split(/[\\/]/).pop(),
        file_size: this.snapshot.size,
        file_md5: this.md5,
      }),
    );
    const server = await this.resolveServer(answer.uploadServerUri);
    this.state = {
      version: 1,
      uploadToken: answer.uploadToken,
      uploadServerUri: answer.uploadServerUri,
      uploadServer: server,
      createVideoId: answer.videoId,
      fileCreated: false,
      path: this.snapshot.path,
      size: this.snapshot.size,
      mtimeMs: this.snapshot.mtimeMs,
      md5: this.md5,
      metadata: this.metadata,
      account: this.o.account,
      apiUrl: this.apiUrl,
      createdAt: this.clock.now(),
    };
    // Saved before anything is sent to the upload server, so a process killed from here on resumes (issue 8).
    await this.save();
    return 'createFile';
  }

  /** The SDKs resolve upload_server_uri once and then talk to that IP (API-NOTES §10); resume uses the same one. */
  private async resolveServer(uri: string): Promise<string> {
    const url = new URL(/^[a-z]+:\/\//i.test(uri) ? uri : `http://${uri}`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!isIP(host)) {
      const ip = this.o.lookup ? await this.o.lookup(host) : (await dnsLookup(host)).address;
      url.hostname = isIP(ip) === 6 ? `[${ip}]` : ip;
    }
    return url.origin;
  }

  private async createFile(): Promise<Phase> {
    const s = this.state!;
    await this.call('create_file', () =>
      proto.createFile(this.conn, s.uploadServer, {
        upload_token: s.uploadToken,
        file_size: s.size,
        ext: extname(s.path).slice(1).toLowerCase() || 'mp4',
        slice_length: this.o.sliceLengthKb ?? DEFAULT_SLICE_KB,
      }),
    );
    s.fileCreated = true;
    await this.save();
    return 'slices';
  }

  /** new_slice, then upload_slice for each task the server names, until it names none (slice_task_id 0). */
  private async sendSlices(): Promise<Phase> {
    const s = this.state!;
    let task = await this.call('new_slice', () => proto.newSlice(this.conn, s.uploadServer, s.uploadToken));
    while (task.id !== 0) task = await this.sendSlice(task);
    return 'check';
  }

  /** Reads exactly the assigned bytes from disk (streamed twice: once for the MD5, once to the socket). */
  private async sendSlice(task: proto.SliceTask): Promise<proto.SliceTask> {
    const s = this.state!;
    const end = task.offset + task.length;
    if (task.length <= 0 || end > this.snapshot.size) {
      throw protocolError(`Youku assigned bytes ${task.offset}–${end} of a ${this.snapshot.size}-byte file`);
    }
    for (let mismatches = 0; ; ) {
      await assertUnchanged(this.snapshot);
      const hash = await md5OfRange(this.snapshot.path, task.offset, end);
      this.progress.setConfirmed(Math.min(task.transferred, task.offset));
      try {
        const next = await this.call('upload_slice', () => {
          const body = readSlice(this.snapshot, task.offset, end, {
            pace: this.bucket ? (bytes) => this.bucket!.takeAll(bytes, this.o.signal) : undefined,
            onBytes: (bytes) => this.progress.addSent(bytes),
          });
          return proto.uploadSlice(this.conn, s.uploadServer, s.uploadToken, task, hash, body);
        });
        this.attempt = 0; // a slice went through: the retry counter starts again (tus-js-client habit)
        this.progress.flush();
        return next;
      } catch (error) {
        // The server hashed something else than we did (damaged on the way): send the same slice again.
        if (!hasYoukuCode(error, YoukuCode.sliceHashMismatch) || ++mismatches > MAX_HASH_MISMATCHES)
          throw error;
        this.retries++;
        this.o.onRetry?.({ attempt: mismatches, delayMs: 0, reason: 'slice hash mismatch (120010225)' });
      }
    }
  }

  /** check: 1 → commit; 4 → more slices; 2/3 → wait with growing pauses, bounded in total (seed: 续传). */
  private async checkUntilConfirmed(): Promise<Phase> {
    const s = this.state!;
    const budget = this.o.confirmTimeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS;
    let waited = 0;
    for (let waits = 0; ; waits++) {
      const answer = await this.call('check', () => proto.check(this.conn, s.uploadServer, s.uploadToken));
      if (this.resumed && waits === 0 && !this.serverIp) {
        this.o.onResumed?.({
          uploadToken: s.uploadToken,
          status: answer.status,
          transferredPercent: answer.transferredPercent,
        });
      }
      if (answer.status === 1) {
        // Echoed to commit, never connected to: it may be a private address (API-NOTES §10).
        this.serverIp = answer.uploadServerIp;
        if (!this.serverIp) throw protocolError('Youku check gave no upload_server_ip');
        return 'commit';
      }
      if (answer.status === 4) return 'slices';
      if (answer.status !== 2 && answer.status !== 3)
        throw protocolError(`Youku check gave status ${answer.status}`);
      const delayMs = Math.min(CONFIRM_MAX_WAIT_MS, CONFIRM_FIRST_WAIT_MS * 2 ** waits);
      if (waited + delayMs > budget) {
        throw networkError(
          `Youku did not confirm the upload within ${Math.round(budget / 1000)} s (check ${answer.status})`,
        );
      }
      this.o.onConfirmWait?.({ status: answer.status, delayMs, waitedMs: waited });
      await this.clock.sleep(delayMs, this.o.signal);
      waited += delayMs;
    }
  }

  private async commit(): Promise<YoukuUploadResult> {
    const s = this.state!;
    const videoId = await this.call('commit', async () =>
      proto.commit(this.conn, this.apiUrl, {
        access_token: await this.o.auth.accessToken(),
        client_id: this.o.clientId,
        upload_token: s.uploadToken,
        upload_server_ip: this.serverIp,
      }),
    );
    return this.finish(videoId);
  }

  /** Write-ahead: the journal holds the id before the kept state is removed, so a kill at any point loses nothing. */
  private async finish(videoId: string): Promise<YoukuUploadResult> {
    const s = this.state!;
    const record = this.recordOf(s, videoId, { contentHash: this.contentHash });
    this.progress.setConfirmed(this.snapshot.size);
    this.progress.flush();
    const result: YoukuUploadResult = {
      ...this.resultBase(),
      videoId,
      createVideoId: s.createVideoId,
      idsDiffer: record.idsDiffer,
      metadata: s.metadata,
    };
    try {
      await this.record(record);
    } catch (error) {
      result.recordError = error;
      return result;
    }
    await this.states.remove(this.key).catch(() => {});
    return result;
  }

  private recordOf(
    s: YoukuUploadState,
    videoId: string,
    extra: { contentHash?: string; earlierContent?: boolean },
  ): YoukuRecord {
    return {
      videoId,
      createVideoId: s.createVideoId,
      idsDiffer: videoId !== s.createVideoId,
      path: s.path,
      size: s.size,
      mtimeMs: s.mtimeMs,
      fingerprint: extra.earlierContent ? `youku-md5:${s.md5}` : this.fingerprint,
      title: s.metadata.title,
      metadata: s.metadata,
      ...extra,
    };
  }

  private async record(record: YoukuRecord): Promise<void> {
    if (this.o.record) return this.o.record(record);
    const { path, earlierContent: _, metadata: __, ...rest } = record;
    await appendHistory(this.o.stateDir, {
      time: new Date(this.clock.now()).toISOString(),
      account: this.o.account,
      provider: 'youku',
      file: path,
      ...rest,
    });
  }

  private resultBase(): Omit<YoukuUploadResult, 'videoId' | 'createVideoId' | 'idsDiffer' | 'metadata'> {
    return {
      bytesSent: this.progress.bytesOnWire,
      size: this.snapshot.size,
      path: this.snapshot.path,
      md5: this.md5,
      fingerprint: this.fingerprint,
      mtimeMs: this.snapshot.mtimeMs,
      contentHash: this.contentHash,
      resumed: this.resumed,
      finishedEarlier: this.finishedEarlier,
      retries: this.retries,
      elapsedMs: this.clock.now() - this.startedAt,
    };
  }

  private skippedResult(skip: unknown): YoukuUploadResult {
    return {
      ...this.resultBase(),
      videoId: '',
      createVideoId: '',
      idsDiffer: false,
      metadata: this.metadata,
      skipped: skip,
    };
  }

  /** Runs one request: transient failures back off and retry, 1009 refreshes the access token once. */
  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    for (;;) {
      if (this.o.signal?.aborted) throw interruptedError(this.o.signal.reason);
      try {
        const value = await send();
        this.refreshed = false;
        return value;
      } catch (error) {
        if (this.o.signal?.aborted) throw error;
        if (hasYoukuCode(error, YoukuCode.accessTokenExpired)) {
          if (this.refreshed)
            throw authError(
              'youkuTokenExpired',
              'Youku still says the access token expired after a refresh',
              'Run: vupload auth login --provider youku',
              error,
            );
          this.refreshed = true;
          await this.o.auth.refresh();
          continue;
        }
        if (!isRetryableNetworkError(error) && !isTransientYoukuError(error))
          throw asProxyError(error) ?? error;
        await this.backoff(`${what}: ${(error as Error).message}`, error);
      }
    }
  }

  private async backoff(reason: string, error: unknown): Promise<void> {
    this.attempt++;
    const limit = this.o.retries ?? DEFAULT_RETRIES;
    if (this.attempt > limit) throw gaveUpError(gaveUpAfter(limit), reason, error);
    const delayMs = retryDelay(this.attempt, this.o.random ?? Math.random);
    this.retries++;
    this.progress.retries = this.retries;
    this.o.onRetry?.({ attempt: this.attempt, delayMs, reason });
    await this.clock.sleep(delayMs, this.o.signal);
  }
}
