// This file is PeerTube's resumable upload protocol for the engine: Google's, as @uploadx/core speaks it (POST with
// the metadata as JSON and X-Upload-Content-Length/Type → 201 Location; PUT with Content-Range → 308 Range or the
// final 200 {video}), with uploadx's own differences: a session holding nothing answers `Range: bytes=0--1`, and a
// session given up for good is ended with DELETE (uploadx then frees the bytes it kept).
import { googleResumable, initiate, type UploadProtocol } from '../../upload/protocol.js';
import { parseRange } from '../../upload/range.js';
import type { TransportResponse } from '../../upload/transport.js';

/**
 * uploadx's Range: `bytes=0-N` (N+1 bytes held), and `bytes=0--1` when it holds none (it writes `0-${bytesWritten
 * - 1}` whatever bytesWritten is: @uploadx/core lib/handlers/uploadx.js put()).
 */
export function uploadxOffset(res: TransportResponse): number {
  const range = res.headers.range?.trim();
  if (range !== undefined && /^bytes=0--1$/i.test(range)) return 0;
  return parseRange(range);
}

/**
 * The protocol, given how the plan's resource becomes the metadata PeerTube takes (the channel's name turned into its
 * id, with the login): the session record keeps the resource as planned, so a re-run compares like with like.
 */
export function peertubeResumable(wire: (resource: unknown) => Promise<unknown>): UploadProtocol {
  return {
    ...googleResumable,
    async create(ctx, url, { metadata, size, contentType }) {
      return initiate(ctx, url, await wire(metadata), size, contentType);
    },
    offset: uploadxOffset,
    async cancel(ctx, uri) {
      await ctx.transport.request({
        method: 'DELETE',
        url: uri,
        headers: { ...(await ctx.auth.headers()), 'Content-Length': '0' },
        signal: ctx.signal,
      });
    },
  };
}
