// This file is `vupload status` for a PeerTube video (GET /videos/{id}: its state, privacy and page) and the wait
// until it is published (state 1), which ends with exit 1 when transcoding or a move to storage failed.
import type { CliContext } from '../../cli/context.js';
import type { Output } from '../../cli/output.js';
import { ExitCode, VuploadError } from '../../errors.js';
import type { Request } from '../contract.js';
import { mapPeerTubeError } from './errors.js';
import { watchUrl } from './instance.js';
import type { PeerTubeSession } from './session.js';

/** VideoState values that mean processing ended without a playable video. */
const FAILED_STATES = new Set([7, 8, 11]);
const PUBLISHED = 1;
const POLL_MS = 5000;

export interface PeerTubeVideoView {
  id: string;
  numericId: number;
  uuid: string;
  url: string;
  title: string;
  state: { id: number; label: string };
  privacy: { id: number; label: string };
  channel: string;
  createdAt: string;
}

interface VideoJson {
  id: number;
  uuid: string;
  shortUUID: string;
  name: string;
  state: { id: number; label: string };
  privacy: { id: number; label: string };
  channel: { name: string };
  createdAt: string;
}

function view(session: PeerTubeSession, v: VideoJson): PeerTubeVideoView {
  return {
    id: v.shortUUID,
    numericId: v.id,
    uuid: v.uuid,
    url: watchUrl(session.instance, v.shortUUID),
    title: v.name,
    state: v.state,
    privacy: v.privacy,
    channel: v.channel.name,
    createdAt: v.createdAt,
  };
}

export function processingFailure(v: PeerTubeVideoView): VuploadError | undefined {
  if (!FAILED_STATES.has(v.state.id)) return undefined;
  return new VuploadError(
    'processingFailed',
    ExitCode.api,
    `${v.id}: processing failed on the instance (${v.state.label}).`,
    {
      hint: `See ${v.url}; upload the file again with --force if it cannot be repaired there.`,
    },
  );
}

/** Polls until the video is published (state 1) or failed (processingFailure); a spinner says the state meanwhile. */
export async function waitForState(
  session: PeerTubeSession,
  id: string,
  out: Output,
  ctx: CliContext,
  profile: string,
): Promise<PeerTubeVideoView> {
  out.startSpinner(`Waiting for ${new URL(session.instance).host} to process the video…`);
  for (;;) {
    let v: PeerTubeVideoView;
    try {
      v = view(session, await session.api.get<VideoJson>(`/videos/${id}`));
    } catch (error) {
      out.stopSpinner();
      throw mapPeerTubeError(error, {
        action: `read the state of ${id}`,
        profile,
        instance: session.instance,
      });
    }
    const failed = processingFailure(v) !== undefined;
    if (v.state.id === PUBLISHED || failed) {
      out.stopSpinner(`Processing ended: ${v.state.label}.`, !failed);
      return v;
    }
    out.progressText(`Processing ${id}: ${v.state.label}`);
    await ctx.sleep(POLL_MS, ctx.signal);
  }
}

export async function peertubeStatus(
  id: string,
  req: Request,
  flags: { wait?: boolean; requestedPrivacy?: string },
): Promise<void> {
  const { openPeerTube } = await import('./session.js');
  const session = await openPeerTube(req);
  try {
    const v = flags.wait
      ? await waitForState(session, id, req.out, req.ctx, req.globals.profile)
      : await session.api.get<VideoJson>(`/videos/${encodeURIComponent(id)}`).then(
          (json) => view(session, json),
          (error: unknown) => {
            throw mapPeerTubeError(error, {
              action: `read video ${id}`,
              profile: req.globals.profile,
              instance: session.instance,
            });
          },
        );
    if (req.globals.json) req.out.resultJson({ provider: 'peertube', ...v });
    else
      req.out.result(
        [
          `id:       ${v.id}`,
          `url:      ${v.url}`,
          `title:    ${v.title}`,
          `state:    ${v.state.label} (${v.state.id})`,
          `privacy:  ${v.privacy.label}`,
          `channel:  ${v.channel}`,
        ].join('\n'),
      );
    const failed = flags.wait ? processingFailure(v) : undefined;
    if (failed) throw failed;
  } finally {
    session.transport.close();
  }
}
