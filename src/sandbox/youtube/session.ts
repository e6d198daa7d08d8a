// This file answers requests on a resumable session URI: chunks and status queries (API-NOTES §1), the way Google's
// upload servers do: overlaps trimmed, chunks off the 256 KiB grid cut back, offsets past the stored end refused.
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { ApiError } from '../errors.js';
import { statusOf } from '../faults.js';
import { type Ctx, HTML, PLAIN_TEXT } from '../http.js';
import { hashFile, type LiveMedia, MediaWriter } from '../media.js';
import { answerStatusFault } from '../retry-after.js';
import type { Core } from './core.js';
import type { SessionRec } from './store.js';
import { CHUNK_GRANULARITY } from './upload.js';
import { createVideo, videoResource } from './videos.js';

export type ContentRange =
  | { kind: 'status'; total?: number }
  | { kind: 'data'; first: number; last: number; total?: number };

// Parses 'bytes A-B/TOTAL', 'bytes A-B/*', 'bytes */TOTAL' and 'bytes */*'; undefined when malformed.
export function parseContentRange(value: string): ContentRange | undefined {
  const status = /^bytes\s+\*\/(\d+|\*)$/i.exec(value.trim());
  if (status) return { kind: 'status', total: status[1] === '*' ? undefined : Number(status[1]) };
  const data = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(value.trim());
  if (!data) return undefined;
  return {
    kind: 'data',
    first: Number(data[1]),
    last: Number(data[2]),
    total: data[3] === '*' ? undefined : Number(data[3]),
  };
}

const badRange = (message: string) =>
  new ApiError(400, 'badRequest', message, { location: 'Content-Range', locationType: 'header' });

export function sessionNotFound(): ApiError {
  return new ApiError(404, 'notFound', 'The upload session does not exist or has expired.');
}

/** 308 with the stored range; no Range header when nothing is stored; the X-GUploader-No-308 variant. */
function resumeIncomplete(ctx: Ctx, s: SessionRec): Promise<void> {
  ctx.entry.storedAfter = s.stored;
  const headers: Record<string, string> = { ...HTML };
  if (s.stored > 0) headers.range = `bytes=0-${s.stored - 1}`;
  if ((ctx.header('x-guploader-no-308') ?? '').toLowerCase() === 'yes') {
    return ctx.send(200, { ...headers, 'x-http-status-code-override': '308' });
  }
  return ctx.send(308, headers, undefined, 'Resume Incomplete');
}

async function forget(core: Core, s: SessionRec): Promise<void> {
  delete core.store.state.sessions[s.id];
  core.live.delete(s.id);
  if (!s.videoId && s.file) await rm(core.store.mediaPath(s.file), { force: true });
  await core.store.save();
}

/** The running hash of a session, rebuilt from the file after a restart (full storage) or lost (hash storage). */
async function liveMedia(core: Core, s: SessionRec): Promise<LiveMedia | undefined> {
  let live = core.live.get(s.id);
  if (!live && !s.hashLost) {
    if (s.stored === 0) live = { hash: createHash('sha256') };
    else if (s.file) live = { hash: await hashFile(core.store.mediaPath(s.file), s.stored) };
    else s.hashLost = true;
    if (live) core.live.set(s.id, live);
  }
  return live;
}

async function finish(ctx: Ctx, core: Core, s: SessionRec): Promise<void> {
  const live = await liveMedia(core, s);
  core.live.delete(s.id);
  const media = {
    size: s.stored,
    sha256: live ? live.hash.digest('hex') : '',
    head: s.head,
    file: s.file,
    mimeType: s.mimeType,
  };
  const video = createVideo(core, s.user, s.fields, media, s.slug);
  s.videoId = video.id;
  s.final = videoResource(core, video, s.parts, s.user);
  s.finalStatus = core.finalStatus();
  await core.store.save();
  ctx.entry.storedAfter = s.stored;
  return ctx.sendJson(s.finalStatus, s.final);
}

/**
 * PUT or POST to the session URI (a chunk or a status query), or DELETE (a cancel). Requests on one session run one
 * at a time.
 */
export function sessionRequest(ctx: Ctx, core: Core, id: string): Promise<void> {
  ctx.entry.uploadId = id;
  // A stalled request does not read, so it cannot see its client leave: a newer request on the session means
  // the client gave up on it. It keeps what it stored and lets go, as a timed-out request would.
  const serving = core.serving.get(id);
  if (serving?.stalling) serving.abandon();
  return core.locks.run(id, async () => {
    core.serving.set(id, ctx);
    try {
      return await sessionRequestLocked(ctx, core, id);
    } finally {
      if (core.serving.get(id) === ctx) core.serving.delete(id);
    }
  });
}

async function sessionRequestLocked(ctx: Ctx, core: Core, id: string): Promise<void> {
  const s = core.store.state.sessions[id];
  if (
    !s ||
    core.now() - s.createdAt > core.opts.sessionTtlMs ||
    (ctx.fault && 'expireSession' in ctx.fault)
  ) {
    if (s) await forget(core, s);
    throw sessionNotFound();
  }
  if (ctx.req.method === 'DELETE') {
    // GCS's documented cancel (storage-testbench answers the same): 499, empty, and the session is gone; a finished
    // session's video stays.
    await ctx.drain();
    await forget(core, s);
    return ctx.send(499, HTML);
  }
  if (s.videoId) {
    // A finished session answers every later request with the final response again.
    await ctx.drain();
    ctx.entry.storedAfter = s.stored;
    return ctx.sendJson(s.finalStatus ?? 200, s.final);
  }
  const lengthHeader = ctx.header('content-length');
  let length = lengthHeader === undefined ? undefined : Number(lengthHeader);
  const rangeHeader = ctx.header('content-range');
  let range: ContentRange | undefined;
  if (rangeHeader !== undefined) {
    range = parseContentRange(rangeHeader);
    if (!range) throw badRange(`Failed to parse Content-Range header: ${rangeHeader}`);
  }
  const known = s.total ?? s.declaredTotal;
  // Neither Content-Length nor Transfer-Encoding: there is no body.
  if (range === undefined && length === undefined && ctx.header('transfer-encoding') === undefined)
    length = 0;
  if (range?.kind === 'status') {
    await ctx.drain();
    if (range.total !== undefined) {
      if (range.total < s.stored || (known !== undefined && known !== range.total)) {
        throw badRange(`The upload's total size is ${known ?? 'unknown'}, not ${range.total}.`);
      }
      s.total = range.total;
      // All bytes are there: a status query with the total completes the upload.
      if (s.stored === range.total) return finish(ctx, core, s);
    }
    return resumeIncomplete(ctx, s);
  }
  // No Content-Range: the body is the whole file from byte 0 (what is stored is skipped); an empty one ends the
  // upload with the bytes stored, as storage-testbench does (a session of 0 bytes finishes).
  const first = range ? range.first : 0;
  const expected = range ? range.last - range.first + 1 : length;
  const total = range ? range.total : length === undefined ? undefined : Math.max(length, s.stored);
  if (range && range.first > range.last) throw badRange(`Invalid Content-Range: ${rangeHeader}`);
  if (range && total !== undefined && range.last >= total)
    throw badRange(`Invalid Content-Range: ${rangeHeader}`);
  if (length !== undefined && expected !== undefined && length !== expected) {
    throw badRange(`Content-Range claims ${expected} bytes but Content-Length is ${length}.`);
  }
  if (known !== undefined && ((total !== undefined && total !== known) || (range && range.last >= known))) {
    throw badRange(`The upload's total size is ${known}, not ${total ?? range?.last}.`);
  }
  const final = !range || (total !== undefined && range.last + 1 === total);
  // Body bytes of this request that may be kept (counted from its first byte).
  let keep = expected ?? Number.POSITIVE_INFINITY;
  if (!final) {
    if ((expected ?? 0) < CHUNK_GRANULARITY) return chunkTooShort(ctx, expected ?? 0);
    // What is stored ends on the 256 KiB grid: Google keeps the request up to the last multiple of 256 KiB of the
    // upload (not of the request, which an overlapping resend starts off the grid), 308 with the shorter Range.
    keep = Math.floor((first + (expected ?? 0)) / CHUNK_GRANULARITY) * CHUNK_GRANULARITY - first;
  }
  if (range) ctx.entry.firstByte = first;
  if (first > s.stored) return offsetPastStored(ctx, s, first);
  const partial = ctx.fault && 'storePartial' in ctx.fault ? ctx.fault : undefined;
  if (partial) keep = Math.min(keep, partial.storePartial);
  // An overlapping resend: the bytes already stored are skipped and only the new ones kept (API-NOTES §1).
  const skip = s.stored - first;
  const live = await liveMedia(core, s);
  if (core.opts.storage === 'full') s.file ??= `${s.id}.bin`;
  const writer = await MediaWriter.open(
    s.file && core.opts.storage === 'full' ? core.store.mediaPath(s.file) : undefined,
    s.stored,
    live?.hash,
    Buffer.from(s.head, 'base64'),
  );
  let received = 0;
  let aborted = false;
  try {
    for await (const chunk of ctx.body()) {
      const from = Math.max(skip - received, 0);
      const to = Math.min(chunk.length, keep - received);
      if (to > from) await writer.write(chunk.subarray(from, to));
      received += chunk.length;
    }
  } catch (err) {
    // The client went away mid-body: keep what arrived, answer nobody. Anything else is our failure (500).
    if (!ctx.gone) throw err;
    aborted = true;
  } finally {
    try {
      await writer.close();
    } finally {
      s.stored = writer.stored;
      s.head = writer.headBase64();
      ctx.entry.storedAfter = s.stored;
    }
  }
  if (total !== undefined) s.total = total;
  else if (!range && !aborted && ctx.cutAt === undefined) s.total = Math.max(received, s.stored);
  await core.store.save();
  if (aborted) return;
  if (expected !== undefined && received > expected)
    throw badRange('The body is longer than Content-Range says.');
  const error = statusOf(partial);
  // storage-testbench's return-503-after-256K: the first bytes are kept, then the error is answered.
  if (error) return answerStatusFault(ctx, core.cooldowns, core.now, 'upload-chunk', error, s.id);
  if (s.total !== undefined && s.stored === s.total && partial === undefined && final)
    return finish(ctx, core, s);
  return resumeIncomplete(ctx, s);
}

/**
 * A chunk that starts past what is stored: Google's upload servers answer 503 with a plain-text body and keep
 * none of it (API-NOTES §1; the text as GUploader words it, google-apis-rs #438).
 */
async function offsetPastStored(ctx: Ctx, s: SessionRec, first: number): Promise<void> {
  await ctx.drain();
  ctx.entry.storedAfter = s.stored;
  return ctx.send(
    503,
    PLAIN_TEXT,
    `Invalid request.  According to the Content-Range header, the upload offset is ${first} byte(s), which exceeds already uploaded size of ${s.stored} byte(s).`,
  );
}

/** A non-final chunk under 256 KiB: 400 in plain text, worded as GUploader words it (Drive and GCS reports). */
async function chunkTooShort(ctx: Ctx, bytes: number): Promise<void> {
  await ctx.drain();
  return ctx.send(
    400,
    PLAIN_TEXT,
    `Invalid request. The number of bytes uploaded is required to be equal or greater than ${CHUNK_GRANULARITY}, except for the final request (it's recommended to be the exact multiple of ${CHUNK_GRANULARITY}). The received request contained ${bytes} bytes, which does not meet this requirement.`,
  );
}
