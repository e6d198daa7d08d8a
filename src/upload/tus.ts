// This file is tus 1.0 (tus.io/protocols/resumable-upload) for the engine: HEAD asks the offset, PATCH sends bytes
// from it, the server's Upload-Offset is the truth. The upload itself is created by the platform's own API (Vimeo's
// POST /me/videos answers the upload link), so the creation is the caller's; the link needs no other credential.
import type { ProtocolContext, UploadProtocol } from './protocol.js';
import type { RequestBody, TransportResponse } from './transport.js';

export const TUS_VERSION = '1.0.0';

/** The `Upload-Offset` of an answer; a missing or malformed one is none (the engine then asks again). */
export function uploadOffset(res: TransportResponse): number {
  const value = res.headers['upload-offset'];
  const offset = value === undefined ? Number.NaN : Number(value);
  return Number.isSafeInteger(offset) && offset >= 0 ? offset : -1;
}

export interface TusCreation {
  /** Creates the upload through the platform's API (with its credentials) and returns the answer. */
  create: UploadProtocol['create'];
  /** The upload link in that answer, and what to keep with it (the video the upload belongs to). */
  session: UploadProtocol['session'];
}

/** tus core with the platform's creation. */
export function tusProtocol(creation: TusCreation): UploadProtocol {
  return {
    // Any split is allowed; the caller's chunk size (a multiple of 256 KiB) is one.
    granularity: 1,
    authOnSession: false,
    finalInBody: false,
    create: creation.create,
    session: creation.session,
    send: (ctx: ProtocolContext, uri: string, body: RequestBody, start: number, end: number) =>
      ctx.transport.request({
        method: 'PATCH',
        url: uri,
        headers: {
          'Tus-Resumable': TUS_VERSION,
          'Upload-Offset': String(start),
          'Content-Type': 'application/offset+octet-stream',
          'Content-Length': String(end - start),
        },
        body,
        signal: ctx.signal,
      }),
    query: (ctx: ProtocolContext, uri: string) =>
      ctx.transport.request({
        method: 'HEAD',
        url: uri,
        headers: { 'Tus-Resumable': TUS_VERSION },
        signal: ctx.signal,
      }),
    classify(res, total) {
      const { status } = res;
      if (status === 200 || status === 204) {
        const offset = uploadOffset(res);
        // No offset in a success: the server's state is unknown, ask again.
        if (offset < 0) return 'retry';
        return typeof total === 'number' && offset === total ? 'done' : 'incomplete';
      }
      // 409: the offset sent is not the server's (another client, or a lost answer); 423: locked by another
      // request; 460: checksum mismatch. Each is asked again with HEAD.
      if (status === 409 || status === 423 || status === 460) return 'retry';
      if (status === 404 || status === 410) return 'expired';
      if (status === 408 || status === 429 || status >= 500) return 'retry';
      return 'fatal';
    },
    offset: uploadOffset,
  };
}
