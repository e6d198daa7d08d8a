// This file emulates Youku's API host calls around an upload: commit, cancel, and videos/show.json.
import { rm } from 'node:fs/promises';
import type { VideoRec, YoukuCore } from './core.js';
import { invalidParameter, YoukuError } from './errors.js';
import { authenticate } from './oauth.js';
import { need, params, send, type YReq } from './request.js';
import { findUpload } from './upload.js';

/**
 * commit: needs every slice, the MD5 announced at create, and upload_server_ip exactly as check reported it (the
 * client echoes it, it never connects to it; API-NOTES §10). The video id may differ from create's (a fault).
 */
export async function commit(r: YReq): Promise<void> {
  const p = await params(r);
  authenticate(r.core, p);
  const rec = findUpload(r, p);
  const [ip] = need(p, 'upload_server_ip');
  if (ip !== r.core.opts.reportedServerIp)
    throw invalidParameter('upload_server_ip', 'not the one check gave');
  if (rec.committedId) return send(r, 200, { video_id: rec.committedId });
  if (rec.receivedBytes < rec.fileSize || !rec.md5)
    throw invalidParameter('upload_token', 'the upload is not finished');
  if (rec.md5 !== rec.fileMd5) throw invalidParameter('file_md5', 'the stored file has another MD5');
  const id = r.fault && 'commitVideoId' in r.fault ? r.fault.commitVideoId : rec.videoId;
  rec.committedId = id;
  const video: VideoRec = { id, upload: rec, created: r.core.now() };
  r.core.videos.set(id, video);
  if (!r.core.videos.has(rec.videoId)) r.core.videos.set(rec.videoId, video);
  return send(r, 200, { video_id: id });
}

/** cancel: the upload token stops working and the stored bytes are dropped. */
export async function cancel(r: YReq): Promise<void> {
  const p = await params(r);
  authenticate(r.core, p);
  const rec = findUpload(r, p);
  rec.cancelled = true;
  await rm(rec.file, { force: true });
  return send(r, 200, { upload_token: rec.token });
}

const pad = (n: number) => String(n).padStart(2, '0');
function youkuTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The video in videos/show.json's shape (seed: 单条视频详细信息); the emulator cannot tell a duration. */
export function showVideo(core: YoukuCore, id: string): Record<string, unknown> | undefined {
  const v = core.videos.get(id);
  if (!v) return undefined;
  const u = v.upload;
  const shownId = u.committedId ?? id;
  return {
    id: shownId,
    title: u.title,
    link: `http://v.youku.com/v_show/id_${shownId}.html`,
    thumbnail: `${core.url}/thumbnails/${shownId}.jpg`,
    duration: '0.00',
    category: u.category ?? '',
    state: 'normal',
    created: youkuTime(v.created),
    published: youkuTime(v.created),
    description: u.description,
    public_type: u.publicType,
    copyright_type: u.copyrightType,
    tags: u.tags,
    streamtypes: ['mp4'],
    operation_limit: [],
  };
}

export async function show(r: YReq): Promise<void> {
  const p = await params(r);
  const [clientId, videoId] = need(p, 'client_id', 'video_id');
  if (!r.core.client(clientId)) throw new YoukuError(1005);
  const video = showVideo(r.core, videoId!);
  if (!video) throw new YoukuError(120020001);
  return send(r, 200, video);
}
