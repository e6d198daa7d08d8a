// This file reads one video's details from Youku's videos/show.json (seed: 单条视频详细信息).
import { VuploadError } from '../../errors.js';
import { createHttpTransport, type Transport } from '../../upload/index.js';
import { hasYoukuCode, YoukuCode } from './errors.js';
import { youkuCall } from './http.js';
import { YOUKU_API_URL } from './options.js';

export interface YoukuVideoStatus {
  id: string;
  title: string;
  /** Youku's state word, e.g. normal, encoding, fail, in_review, blocked. */
  state: string;
  link: string;
  /** Seconds, when Youku gives one. */
  duration: number | undefined;
  thumbnail: string;
}

export interface YoukuStatusOptions {
  apiUrl?: string;
  clientId: string;
  videoId: string;
  transport?: Transport;
  signal?: AbortSignal;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

/** The video's state, link, duration and thumbnail; 120020001 is a not-found error (exit 1). */
export async function youkuVideoStatus(o: YoukuStatusOptions): Promise<YoukuVideoStatus> {
  const own = o.transport ? undefined : createHttpTransport();
  try {
    const a = await youkuCall(o.transport ?? own!, {
      method: 'GET',
      url: `${(o.apiUrl ?? YOUKU_API_URL).replace(/\/+$/, '')}/videos/show.json`,
      params: { client_id: o.clientId, video_id: o.videoId },
      signal: o.signal,
    });
    const duration = Number.parseFloat(text(a.duration));
    return {
      id: text(a.id) || o.videoId,
      title: text(a.title),
      state: text(a.state),
      link: text(a.link),
      duration: Number.isFinite(duration) ? duration : undefined,
      thumbnail: text(a.thumbnail),
    };
  } catch (error) {
    if (hasYoukuCode(error, YoukuCode.videoNotFound)) {
      throw new VuploadError('notFound', 1, `Youku has no video ${o.videoId}`, {
        hint: 'check the id (vupload history lists the ids Youku returned)',
        cause: error,
      });
    }
    throw error;
  } finally {
    own?.close();
  }
}
