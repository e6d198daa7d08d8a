// This file is PeerTube's quota: the user's total and daily video quota in bytes (GET /users/me: videoQuota,
// videoQuotaDaily; GET /users/me/video-quota-used; −1 means none), checked before a new upload as PeerTube's
// isUserQuotaValid() checks it (the upload must stay below each limit), and shown by `vupload quota`.
import { ExitCode, VuploadError } from '../../errors.js';
import { formatBytes } from '../../upload/size.js';
import type { QuotaModel, Request } from '../contract.js';
import { mapPeerTubeError } from './errors.js';
import type { PeerTubeSession } from './session.js';

export interface PeerTubeQuota {
  /** Bytes; -1: no limit. */
  videoQuota: number;
  videoQuotaDaily: number;
  videoQuotaUsed: number;
  videoQuotaUsedDaily: number;
}

export async function readQuota(session: PeerTubeSession): Promise<PeerTubeQuota> {
  const me = await session.api.get<{ videoQuota: number; videoQuotaDaily: number }>('/users/me');
  const used = await session.api.get<{ videoQuotaUsed: number; videoQuotaUsedDaily: number }>(
    '/users/me/video-quota-used',
  );
  return {
    videoQuota: me.videoQuota,
    videoQuotaDaily: me.videoQuotaDaily,
    videoQuotaUsed: used.videoQuotaUsed,
    videoQuotaUsedDaily: used.videoQuotaUsedDaily,
  };
}

/** Which limit `size` more bytes would reach (PeerTube refuses reaching one, not only passing it), if any. */
export function quotaProblem(q: PeerTubeQuota, size: number): 'total' | 'daily' | undefined {
  if (q.videoQuotaDaily !== -1 && size + q.videoQuotaUsedDaily >= q.videoQuotaDaily) return 'daily';
  if (q.videoQuota !== -1 && size + q.videoQuotaUsed >= q.videoQuota) return 'total';
  return undefined;
}

const limit = (bytes: number) => (bytes === -1 ? 'no limit' : `${formatBytes(bytes)} (${bytes} bytes)`);

export const peertubeQuota: QuotaModel = {
  kind: 'server',
  async check(plan, run) {
    const session = (await run.session()) as PeerTubeSession;
    let q: PeerTubeQuota;
    try {
      q = await readQuota(session);
    } catch (error) {
      throw mapPeerTubeError(error, {
        action: `read the video quota of ${session.handle}`,
        profile: run.globals.profile,
        instance: session.instance,
      });
    }
    const which = quotaProblem(q, plan.size);
    if (!which) return;
    const [quota, used] =
      which === 'daily' ? [q.videoQuotaDaily, q.videoQuotaUsedDaily] : [q.videoQuota, q.videoQuotaUsed];
    throw new VuploadError(
      'quotaExceeded',
      ExitCode.quota,
      `${plan.file} (${plan.size} bytes) does not fit in the ${which === 'daily' ? 'daily (24-hour)' : 'total'} video quota of ` +
        `${session.handle}: ${used} of ${quota} bytes used, ${Math.max(0, quota - used)} left. Nothing was sent.`,
      {
        hint:
          which === 'daily'
            ? 'The daily quota counts the last 24 hours: try later, or ask the instance for a larger quota.'
            : 'Delete videos on the instance, or ask its administrators for a larger quota.',
      },
    );
  },
  async show(req: Request) {
    const { openPeerTube } = await import('./session.js');
    const session = await openPeerTube(req);
    let q: PeerTubeQuota;
    try {
      q = await readQuota(session);
    } catch (error) {
      throw mapPeerTubeError(error, {
        action: 'read the video quota',
        profile: req.globals.profile,
        instance: session.instance,
      });
    } finally {
      session.transport.close();
    }
    const left = (quota: number, used: number) => (quota === -1 ? null : Math.max(0, quota - used));
    if (req.globals.json)
      req.out.resultJson({
        profile: req.globals.profile,
        provider: 'peertube',
        instance: session.instance,
        account: session.handle,
        ...q,
        left: left(q.videoQuota, q.videoQuotaUsed),
        leftDaily: left(q.videoQuotaDaily, q.videoQuotaUsedDaily),
      });
    else
      req.out.result(
        [
          `account: ${session.handle}`,
          `total:   ${formatBytes(q.videoQuotaUsed)} used of ${limit(q.videoQuota)}`,
          `daily:   ${formatBytes(q.videoQuotaUsedDaily)} used in the last 24 hours of ${limit(q.videoQuotaDaily)}`,
        ].join('\n'),
      );
  },
};
