// This file creates the video of a completed resumable upload, as PeerTube does after uploadx calls next():
// videosAddResumableValidator (channel, ffprobe: 422 when unreadable), addVideoResumable (LocalVideoCreator with
// CONFIG.DEFAULTS.PUBLISH defaults), then the upload session and uploadx's file are removed (a later PUT gets 404).
// Sources: server/core/controllers/api/videos/upload.ts, middlewares/validators/videos/videos.ts,
// middlewares/validators/videos/shared/upload.ts.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sniffContainer } from '../media.js';
import type { PtCore } from './core.js';
import { PtError } from './errors.js';
import { type PtReq, sendJson } from './request.js';
import type { ChannelRec, FileRec, UserRec, VideoRec } from './state.js';
import type { UploadxFile } from './uploadx.js';
import { newUuid, uuidToShort } from './uuid.js';

interface StagedImage {
  path: string;
  mimetype: string;
  size: number;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * What ffprobe would read, judged from the first bytes: a video container the YouTube sandbox knows, or an audio
 * one PeerTube accepts (MP3 with ID3 or a frame sync, Ogg, FLAC, WAV, AAC ADTS, AC-3).
 */
export function probes(head: Buffer): boolean {
  if (sniffContainer(head)) return true;
  const ascii = (from: number, to: number) => head.toString('latin1', from, to);
  if (['ID3', 'fLa'].includes(ascii(0, 3)) || ascii(0, 4) === 'OggS') return true;
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return true;
  if (head.length >= 2 && head[0] === 0xff && (head[1]! & 0xe0) === 0xe0) return true;
  return head.length >= 2 && head[0] === 0x0b && head[1] === 0x77;
}

async function headOf(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export async function createFromUpload(r: PtReq, user: UserRec, file: UploadxFile): Promise<void> {
  const { core } = r;
  const meta = file.metadata;
  try {
    if (core.opts.creationDelayMs > 0) await sleep(core.opts.creationDelayMs);
    const channel = core.state.channels[String(meta.channelId)];
    if (!channel) throw new PtError(404, 'Video channel not found');
    if (channel.userId !== user.id)
      throw new PtError(403, 'Only a user with sufficient right can access this account resource.');
    const path = core.uploadx.path(file);
    if (core.opts.probe && !probes(await headOf(path))) throw new PtError(422, 'Video file unreadable.');
    const video = await makeVideo(core, user, channel, file, path);
    await core.save();
    await cleanup(core, file);
    return await sendJson(r, 200, {
      video: { id: video.id, shortUUID: uuidToShort(video.uuid), uuid: video.uuid },
    });
  } catch (err) {
    await cleanup(core, file);
    throw err;
  } finally {
    core.creating.delete(file.id);
  }
}

/** deleteUploadSession + safeUploadXCleanup: uploadx's file and .META, and the staged images, are gone. */
async function cleanup(core: PtCore, file: UploadxFile): Promise<void> {
  await core.uploadx.delete(file.id).catch(() => {});
  for (const image of staged(file.metadata)) await rm(image.path, { force: true });
}

function staged(meta: Record<string, unknown>): StagedImage[] {
  return ['thumbnailfile', 'previewfile'].flatMap((f) =>
    Array.isArray(meta[f]) ? (meta[f] as StagedImage[]) : [],
  );
}

/** Keeps the uploaded file under media/ (hashed when first asked), or only its size and hash ('hash' storage). */
async function keepMedia(core: PtCore, uuid: string, path: string, file: UploadxFile): Promise<FileRec> {
  const rec: FileRec = { size: file.size, sha256: '', mimeType: file.contentType };
  if (core.opts.storage === 'hash') {
    rec.sha256 = await sha256File(path);
    return rec;
  }
  rec.file = `${uuid}${extname(file.name)}`;
  await rename(path, join(core.mediaDir, rec.file));
  return rec;
}

async function keepImage(core: PtCore, image: StagedImage, name: string): Promise<FileRec> {
  const data = await readFile(image.path);
  const rec = {
    size: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
    mimeType: image.mimetype,
  };
  await rename(image.path, join(core.mediaDir, name));
  return { ...rec, file: name };
}

const orNull = <T>(v: unknown): T | null => (v === undefined ? null : (v as T));

async function makeVideo(core: PtCore, user: UserRec, channel: ChannelRec, file: UploadxFile, path: string) {
  const meta = file.metadata;
  const now = core.now();
  const uuid = newUuid();
  const thumbnail = (meta.thumbnailfile as StagedImage[] | undefined)?.[0];
  const outcome = core.state.nextOutcome ?? 'published';
  delete core.state.nextOutcome;
  const video: VideoRec = {
    id: ++core.state.seq.video,
    uuid,
    userId: user.id,
    channelId: channel.id,
    name: String(meta.name),
    privacy: Number(meta.privacy ?? 1),
    category: orNull(meta.category),
    licence: orNull(meta.licence),
    language: orNull(meta.language),
    description: orNull(meta.description),
    support: orNull(meta.support),
    tags: Array.isArray(meta.tags) ? (meta.tags as string[]) : [],
    nsfw: meta.nsfw === true,
    commentsPolicy: Number(meta.commentsPolicy ?? 1),
    downloadEnabled: meta.downloadEnabled !== false,
    waitTranscoding: meta.waitTranscoding === true,
    originallyPublishedAt:
      typeof meta.originallyPublishedAt === 'string' ? Date.parse(meta.originallyPublishedAt) : null,
    createdAt: now,
    updatedAt: now,
    publishedAt: now,
    processedAt: now + core.opts.processingMs,
    outcome,
    inputFilename: String(meta.filename),
    media: await keepMedia(core, uuid, path, file),
    captions: {},
  };
  if (thumbnail) video.thumbnail = await keepImage(core, thumbnail, `${uuid}-thumbnail`);
  core.state.videos[video.id] = video;
  return video;
}
