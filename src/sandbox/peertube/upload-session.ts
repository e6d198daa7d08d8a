// This file is PUT and DELETE on /api/v1/videos/upload-resumable?upload_id=…: the bytes go to uploadx through a
// request the sandbox feeds, so faults act on what uploadx really reads and stores:
// - cutAfterBytes K: uploadx gets K bytes, then the connection resets ('aborted', as Node reports it): uploadx keeps
//   them (it keeps partial writes when no checksum is sent) and the connection is closed unanswered;
// - storePartial K: uploadx gets K bytes and a normal end, so it stores them and answers 308; with `status`, that
//   error is answered instead of the 308;
// - stall, slow reads (bytesPerSec), delayMs and brokenResponse act on the real connection (../http.ts Ctx);
// - expireSession: the upload is dropped from uploadx's storage first, so uploadx itself answers 404.
// A completed upload is handed to video creation (video-create.ts), as uploadx calls PeerTube's next middleware.
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { statusOf } from '../faults.js';
import { PtError } from './errors.js';
import { answerInjected } from './injected.js';
import { authenticate } from './oauth.js';
import { doc, type PtReq, sendProblem } from './request.js';
import type { UserRec } from './state.js';
import { type UploadxFile, type UploadxOutcome, UploadxRequest } from './uploadx.js';
import { createFromUpload } from './video-create.js';

/** Sends what uploadx answered on the real connection. */
export function forwardAnswer(r: PtReq, outcome: UploadxOutcome): Promise<void> {
  if (!('answer' in outcome))
    throw new Error('uploadx completed an upload on a request that cannot complete one');
  const { status, statusMessage, headers, body } = outcome.answer;
  return r.ctx.send(status, headers, body, statusMessage);
}

/** uploadx's Uploadx.getId(): the upload_id query parameter (or `prefix`). */
export const uploadIdOf = (url: URL): string =>
  url.searchParams.get('upload_id') || url.searchParams.get('prefix') || '';

export async function sessionRequest(r: PtReq): Promise<void> {
  const user = authenticate(r);
  const id = uploadIdOf(r.ctx.url);
  r.ctx.entry.uploadId = id;
  // A stalled request does not read, so it cannot see its client leave: a newer request on the upload means the
  // client gave up on it. It keeps what uploadx stored and lets go, as a timed-out request would.
  const serving = r.core.serving.get(id);
  if (serving?.stalling) serving.abandon();
  const completed = await r.core.locks.run(id, async () => {
    r.core.serving.set(id, r.ctx);
    try {
      return await locked(r, user, id);
    } finally {
      if (r.core.serving.get(id) === r.ctx) r.core.serving.delete(id);
    }
  });
  // The video is created outside the session's lock: meanwhile the last chunk sent again gets PeerTube's 503.
  if (completed) await createFromUpload(r, user, completed);
}

/** Returns the completed upload whose video this request is to create, if any. */
async function locked(r: PtReq, user: UserRec, id: string): Promise<UploadxFile | undefined> {
  const { ctx, core } = r;
  if (r.fault && 'expireSession' in r.fault) await core.uploadx.delete(id);
  const req = new UploadxRequest(ctx.req.method ?? 'PUT', ctx.req.url ?? '/', ctx.req.headers);
  const outcome = core.uploadx.run(req, user.id);
  let answered = false;
  const settled = outcome.then(() => {
    answered = true;
  });
  if (ctx.req.method === 'DELETE') req.push(null);
  else await pump(r, req, id, settled, () => answered);
  // A bound, not a wait: uploadx answers once its streams end (an abort included).
  const giveUp = new AbortController();
  const timeout = sleep(15_000, undefined, { signal: giveUp.signal }).then(
    () => undefined,
    () => undefined,
  );
  const result = await Promise.race([outcome, timeout]);
  giveUp.abort();
  if (!result) throw new Error('uploadx did not answer');
  await ctx.drain();
  const file = await core.uploadx.get(id);
  if (file)
    ctx.entry.storedAfter = await stat(core.uploadx.path(file)).then(
      (s) => s.size,
      () => 0,
    );
  if ('completed' in result) {
    doc(r, 'uploadResumable');
    if (!core.creating.has(id)) {
      core.creating.add(id);
      return result.completed;
    }
    // checkUploadSessionCanStart(): only one request processes a completed upload.
    const busy = new PtError(503, 'The upload is already being processed', {
      headers: { 'retry-after': '300' },
    });
    await sendProblem(r, busy);
    return undefined;
  }
  const error = statusOf(r.fault);
  if (error && r.fault && 'storePartial' in r.fault) await answerInjected(r, ctx.entry.kind, error, id);
  else await forwardAnswer(r, result);
  return undefined;
}

/** Feeds the request body to uploadx, applying storePartial; a reset (real or cut) aborts it after the disk has it. */
async function pump(
  r: PtReq,
  req: UploadxRequest,
  id: string,
  settled: Promise<void>,
  answered: () => boolean,
) {
  const { ctx, core } = r;
  const keep = r.fault && 'storePartial' in r.fault ? r.fault.storePartial : Number.POSITIVE_INFINITY;
  const range = /^bytes\s+(\d+)-/i.exec(ctx.header('content-range') ?? '');
  const start = range ? Number(range[1]) : 0;
  let fed = 0;
  let reset = false;
  try {
    for await (const chunk of ctx.body()) {
      if (answered()) break;
      const piece = chunk.subarray(0, Math.max(0, keep - fed));
      if (piece.length === 0) continue;
      fed += piece.length;
      await req.feed(piece, settled);
    }
  } catch {
    reset = true;
  }
  const declared = Number(ctx.header('content-length'));
  const cut = ctx.cutAt !== undefined && !(ctx.entry.bodyBytes >= declared);
  if ((reset || cut || ctx.gone) && fed > 0 && !answered()) {
    await core.uploadx.settle(id, start + fed);
    req.abort();
  } else req.push(null);
}
