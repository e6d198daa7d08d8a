// This file runs @uploadx/core — the library PeerTube's resumable upload endpoint is — configured as PeerTube
// configures it (server/core/lib/uploadx.ts buildUploadxStorage: DiskStorage, no expiry, 10 MB metadata, the
// instance URL as base, `<userId>-<uploadId><ext>` file names), behind a request/response pair the sandbox controls,
// so that faults can cut, slow or shorten what uploadx reads and replace what it answers.
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/** uploadx's view of one resumable upload (its File, from the .META file). */
export interface UploadxFile {
  id: string;
  name: string;
  size: number;
  bytesWritten: number;
  userId: string;
  contentType: string;
  metadata: Record<string, unknown>;
  status?: string;
}

/** What uploadx answered, or the finished upload it handed to the next middleware (PeerTube's video creation). */
export type UploadxOutcome =
  | { answer: { status: number; statusMessage?: string; headers: Record<string, string>; body: string } }
  | { completed: UploadxFile };

/** The request uploadx reads: a stream the sandbox feeds, with the real request's method, URL and headers. */
export class UploadxRequest extends Readable {
  aborted = false;
  body?: Record<string, unknown>;
  private waiting?: () => void;

  constructor(
    readonly method: string,
    readonly url: string,
    readonly headers: Record<string, string | string[] | undefined>,
  ) {
    super();
  }

  override _read(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }

  /** Hands uploadx the next piece, waiting while it has not read what it was given (backpressure). */
  async feed(chunk: Buffer, gone: Promise<unknown>): Promise<void> {
    if (this.push(chunk)) return;
    await Promise.race([new Promise<void>((resolve) => (this.waiting = resolve)), gone]);
  }

  /** The client reset the connection: what Node's IncomingMessage does (uploadx keeps what it wrote). */
  abort(): void {
    this.aborted = true;
    this.emit('aborted');
    this.destroy();
  }
}

/** The response uploadx writes; the sandbox sends it (or something else) on the real connection. */
class UploadxResponse {
  statusCode = 200;
  statusMessage?: string;
  private readonly headers: Record<string, string> = {};
  private finish!: (outcome: UploadxOutcome) => void;
  readonly done = new Promise<UploadxOutcome>((resolve) => (this.finish = resolve));

  constructor(readonly locals: { userId: string }) {}
  setHeader(name: string, value: unknown): void {
    this.headers[name.toLowerCase()] = String(value);
  }
  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }
  writeHead(status: number): this {
    this.statusCode = status;
    return this;
  }
  end(data?: string | Buffer): void {
    const { statusCode: status, statusMessage, headers } = this;
    this.finish({ answer: { status, statusMessage, headers, body: data === undefined ? '' : String(data) } });
  }
  complete(file: UploadxFile): void {
    this.finish({ completed: file });
  }
}

export interface UploadxEngine {
  /** Hands the request to uploadx as PeerTube's routes do; resolves with its answer or the completed upload. */
  run(req: UploadxRequest, userId: number): Promise<UploadxOutcome>;
  get(uploadId: string): Promise<UploadxFile | undefined>;
  /** The path of the upload's file (bytes arrive there). */
  path(file: UploadxFile): string;
  /** Waits until the file holds `size` bytes: what the sandbox fed has reached the disk. */
  settle(uploadId: string, size: number): Promise<void>;
  delete(uploadId: string): Promise<void>;
}

/** Loads @uploadx/core (only the PeerTube sandbox needs it) and waits until its storage directory is ready. */
export async function createUploadx(directory: string, baseUrl: () => string): Promise<UploadxEngine> {
  const { DiskStorage, Uploadx } = await import('@uploadx/core');
  const storage = new DiskStorage({
    uploadDir: directory,
    // As PeerTube passes it: no expiry (its own hourly cleaner purges idle uploads); the types want a maxAge.
    expiration: { maxAge: undefined as unknown as number, rolling: true },
    maxMetadataSize: '10MB',
    baseUrl: () => baseUrl(),
    // buildVideoUploadFileExtension(): the extension of the file name the client gave.
    namingFunction: (file) =>
      `${file.userId}-${file.id}${extname(String(file.metadata.filename ?? '')).toLowerCase()}`,
  });
  const uploadx = new Uploadx({
    storage,
    userIdentifier: (_req, res) => (res as unknown as UploadxResponse).locals.userId,
  });
  for (let i = 0; !storage.isReady; i++) {
    if (i > 2000) throw new Error(`uploadx storage not ready: ${directory}`);
    await sleep(5);
  }
  const get = async (id: string) =>
    (await storage.getMeta(id).catch(() => undefined)) as UploadxFile | undefined;
  return {
    run(req, userId) {
      const res = new UploadxResponse({ userId: String(userId) });
      // PUT: uploadx calls next() once the upload is complete (setupUploadResumableRoutes); POST and DELETE end
      // with uploadx's own answer, as PeerTube calls uploadx.upload(req, res) without next for them.
      const next = req.method === 'PUT' ? () => res.complete(req.body as unknown as UploadxFile) : undefined;
      // biome-ignore lint/suspicious/noExplicitAny: uploadx types its arguments as Express request/response.
      uploadx.upload(req as any, res as any, next);
      return res.done;
    },
    get,
    path: (file) => storage.getFilePath(file.name),
    async settle(id, size) {
      const file = await get(id);
      if (!file) return;
      const until = Date.now() + 10_000;
      while (Date.now() < until) {
        const onDisk = await stat(storage.getFilePath(file.name)).then(
          (s) => s.size,
          () => size,
        );
        if (onDisk >= size) return;
        await sleep(2);
      }
    },
    async delete(id) {
      await storage.delete({ id });
    },
  };
}
