// This file is the video resource and its endpoints: POST /me/videos (the tus approach), GET /me/videos, and
// GET|PATCH|DELETE /videos/{id} (api.yaml upload_video_alt1, get_videos_alt1, get_video, edit_video, delete_video).
import type { VimeoCore } from './core.js';
import { forbidden, invalidParameters, notFound, VimeoError } from './errors.js';
import { isoSeconds, pageParams, paginate, pickFields, sortBy } from './fields.js';
import { authenticate } from './oauth.js';
import { activePicture } from './pictures.js';
import { projectResource } from './projects.js';
import { type Json, noContent, readBody, send, type VReq } from './request.js';
import { hex, numericId, type VideoRec } from './state.js';
import { applyVideoFields, CREATE_FIELDS, type Problems, uploadSize } from './video-fields.js';

/** in_progress until the upload is complete and processingMs has passed, then the outcome. */
export function transcodeStatus(core: VimeoCore, v: VideoRec): 'in_progress' | 'complete' | 'error' {
  if (v.uploadStatus !== 'complete' || v.completedAt === undefined) return 'in_progress';
  return core.now() - v.completedAt >= core.opts.processingMs ? v.transcodeOutcome : 'in_progress';
}

/** The deprecated `status` field (api.yaml: "deprecated in favor of upload and transcode"). */
function legacyStatus(core: VimeoCore, v: VideoRec): string {
  if (v.uploadStatus !== 'complete') return 'uploading';
  const t = transcodeStatus(core, v);
  return t === 'complete' ? 'available' : t === 'error' ? 'transcoding_error' : 'transcoding';
}

/** The watch page: vimeo.com/{id}, or vimeo.com/{id}/{hash} for unlisted videos. */
export function videoLink(core: VimeoCore, v: VideoRec): string {
  return `${core.url}/${v.id}${v.privacy.view === 'unlisted' ? `/${v.unlistedHash}` : ''}`;
}

/** The video as Vimeo shows it (api.yaml components/schemas/video); `owner` false hides upload and password. */
export function videoResource(core: VimeoCore, v: VideoRec, owner = true): Json {
  const state = core.state;
  const uri = `/videos/${v.id}`;
  const count = (records: Record<string, { videoId: string }>) =>
    Object.values(records).filter((x) => x.videoId === v.id).length;
  const user = core.user(v.owner);
  const project = v.projectId ? state.projects[v.projectId] : undefined;
  return {
    uri,
    name: v.name,
    description: v.description,
    type: 'video',
    link: videoLink(core, v),
    duration: 0,
    width: 0,
    height: 0,
    language: v.locale ?? null,
    created_time: isoSeconds(v.createdAt),
    modified_time: isoSeconds(v.modifiedAt),
    release_time: isoSeconds(v.createdAt),
    content_rating: v.contentRating,
    license: v.license ?? null,
    privacy: { ...v.privacy },
    ...(owner && v.password ? { password: v.password } : {}),
    pictures: activePicture(core, v),
    tags: [],
    stats: { plays: 0 },
    categories: [],
    metadata: {
      connections: {
        pictures: { uri: `${uri}/pictures`, options: ['GET', 'POST'], total: count(state.pictures) },
        texttracks: { uri: `${uri}/texttracks`, options: ['GET', 'POST'], total: count(state.texttracks) },
      },
    },
    user: { uri: `/users/${user.id}`, name: user.displayName, link: `${core.url}/user${user.id}` },
    parent_folder: project ? projectResource(core, project) : null,
    resource_key: v.unlistedHash,
    ...(owner
      ? {
          upload: {
            status: v.uploadStatus,
            approach: 'tus',
            upload_link: core.uploads.linkOf(v.tusId),
            size: v.size,
            form: null,
            complete_uri: null,
            redirect_url: null,
            link: null,
          },
        }
      : {}),
    transcode: { status: transcodeStatus(core, v) },
    status: legacyStatus(core, v),
  };
}

/** The video `id`; 404 when there is none, 403 when it is another user's and `write` (api.yaml edit_video 403). */
export function findVideo(r: VReq, id: string, write = false): VideoRec {
  r.entry.videoId = id;
  const v = r.core.state.videos[id];
  if (!v) throw notFound('video');
  if (v.owner !== r.user?.name) {
    if (write) throw forbidden('The authenticated user doesn\u2019t own the video.');
    if (v.privacy.view !== 'anybody') throw notFound('video');
  }
  return v;
}

/** POST /me/videos with upload.approach tus: the video, and its tus upload created with the declared size. */
export async function createVideo(r: VReq): Promise<void> {
  const user = authenticate(r, 'upload');
  const body = await readBody(r);
  if ('type' in body && !('upload' in body))
    throw new VimeoError(
      400,
      3116,
      'The upload type is invalid.',
      'Use upload.approach, not type, from API 3.4 on.',
    );
  const upload = body.upload;
  if (upload === null || typeof upload !== 'object' || Array.isArray(upload))
    throw invalidParameters([['upload.approach', 'is required']]);
  const approach = (upload as Json).approach;
  if (approach !== 'tus')
    throw new VimeoError(
      400,
      2230,
      'The upload type is invalid.',
      approach === 'post' || approach === 'pull'
        ? `The sandbox emulates the tus approach only, not "${approach}".`
        : 'upload.approach must be tus, post or pull.',
    );
  const size = uploadSize((upload as Json).size);
  const now = r.core.now();
  const video: VideoRec = {
    id: numericId(r.core.state.videos),
    owner: user.name,
    name: 'Untitled',
    description: null,
    privacy: { view: 'anybody', embed: 'public', comments: 'anybody', download: true, add: true },
    contentRating: [],
    createdAt: now,
    modifiedAt: now,
    unlistedHash: hex(5),
    size: size ?? 0,
    tusId: hex(16),
    uploadStatus: 'in_progress',
    transcodeOutcome: r.core.state.nextOutcome ?? 'complete',
  };
  const problems = applyVideoFields(video, body, CREATE_FIELDS);
  if (size === undefined)
    problems.unshift(['upload.size', 'must be the file size in bytes, a whole number > 0']);
  const folder = folderField(r, body, problems);
  if (problems.length > 0) throw invalidParameters(problems);
  const quota = r.core.quota(user) as {
    lifetime: { free: number | null };
    periodic: { free: number | null };
  };
  // api.yaml upload_video_alt1: 403 "Error code 4101: The user's maximum disk space has been reached." and
  // "Error code 4102: The user's allotted quota has been reached."
  if (quota.lifetime.free !== null && video.size > quota.lifetime.free)
    throw new VimeoError(
      403,
      4101,
      'You don\u2019t have enough space to upload this video.',
      "The user's maximum disk space has been reached.",
    );
  if (quota.periodic.free !== null && video.size > quota.periodic.free)
    throw new VimeoError(
      403,
      4102,
      'You have reached your upload limit for this period.',
      "The user's allotted quota has been reached.",
    );
  if (folder) Object.assign(video, { projectId: folder, projectAddedAt: now });
  await r.core.uploads.create(video.tusId, video.size);
  delete r.core.state.nextOutcome;
  r.core.state.videos[video.id] = video;
  r.core.state.uploads[video.tusId] = video.id;
  user.lifetimeUsed += video.size;
  user.periodicUsed += video.size;
  r.entry.videoId = video.id;
  // Saved before the answer: a sandbox killed after answering still knows the video and its upload.
  await r.core.save();
  return send(r, r.core.opts.createStatus, pickFields(videoResource(r.core, video), r.ctx.param('fields')));
}

/** The project id `folder_uri` names (a folder the user owns), noting a problem when it names none. */
function folderField(r: VReq, body: Json, problems: Problems): string | undefined {
  if (body.folder_uri === undefined) return undefined;
  const m = typeof body.folder_uri === 'string' ? /\/projects\/(\d+)$/.exec(body.folder_uri) : null;
  const project = m ? r.core.state.projects[m[1]!] : undefined;
  if (project && project.owner === r.user?.name) return project.id;
  problems.push(['folder_uri', 'is not a folder of this user']);
  return undefined;
}

export async function getVideo(r: VReq): Promise<void> {
  authenticate(r);
  const v = findVideo(r, r.params[0]!);
  return send(r, 200, pickFields(videoResource(r.core, v, v.owner === r.user?.name), r.ctx.param('fields')));
}

export async function patchVideo(r: VReq): Promise<void> {
  authenticate(r, 'edit');
  const v = findVideo(r, r.params[0]!, true);
  const body = await readBody(r);
  const copy: VideoRec = structuredClone(v);
  const problems = applyVideoFields(
    copy,
    body,
    CREATE_FIELDS.filter((f) => f !== 'upload'),
  );
  const folder = folderField(r, body, problems);
  if (problems.length > 0) throw invalidParameters(problems);
  if (folder && folder !== copy.projectId)
    Object.assign(copy, { projectId: folder, projectAddedAt: r.core.now() });
  copy.modifiedAt = r.core.now();
  r.core.state.videos[v.id] = copy;
  await r.core.save();
  return send(r, 200, pickFields(videoResource(r.core, copy), r.ctx.param('fields')));
}

export async function deleteVideo(r: VReq): Promise<void> {
  const user = authenticate(r, 'delete');
  const v = findVideo(r, r.params[0]!, true);
  const state = r.core.state;
  delete state.videos[v.id];
  delete state.uploads[v.tusId];
  for (const album of Object.values(state.albums))
    album.items = album.items.filter((i) => i.videoId !== v.id);
  for (const records of [state.pictures, state.texttracks]) {
    for (const [id, rec] of Object.entries(records)) {
      if (rec.videoId !== v.id) continue;
      delete records[id];
      delete state.links[rec.linkToken];
    }
  }
  // Deleting frees storage (lifetime), not the period's allowance already used.
  user.lifetimeUsed = Math.max(0, user.lifetimeUsed - v.size);
  await r.core.save();
  await r.core.uploads.remove(v.tusId);
  return noContent(r);
}

/** Sorts and filters a list of videos as /me/videos and the collection lists take `sort`, `direction`, `query`. */
export function listedVideos(r: VReq, videos: VideoRec[], defaultSort = 'date'): VideoRec[] {
  const sort = r.ctx.param('sort') ?? defaultSort;
  const direction = r.ctx.param('direction');
  if (direction !== undefined && direction !== 'asc' && direction !== 'desc')
    throw invalidParameters([['direction', 'must be asc or desc']]);
  const query = r.ctx.param('query')?.toLowerCase();
  const found = query ? videos.filter((v) => v.name.toLowerCase().includes(query)) : videos;
  if (sort === 'manual') return direction === 'desc' ? [...found].reverse() : found;
  if (sort === 'alphabetical') return sortBy(found, (v) => v.name.toLowerCase(), direction === 'desc');
  if (sort === 'modified_time') return sortBy(found, (v) => v.modifiedAt, direction !== 'asc');
  if (sort === 'date' || sort === 'default') return sortBy(found, (v) => v.createdAt, direction !== 'asc');
  throw invalidParameters([['sort', 'must be alphabetical, date, default, manual or modified_time']]);
}

/** Answers a page of videos in Vimeo's list envelope. */
export function sendVideoPage(r: VReq, videos: VideoRec[], path: string): Promise<void> {
  const items = videos.map((v) => videoResource(r.core, v, v.owner === r.user?.name));
  return send(
    r,
    200,
    paginate(
      items,
      path,
      r.ctx.url.searchParams,
      pageParams((n) => r.ctx.param(n)),
      r.ctx.param('fields'),
    ),
  );
}

/** GET /me/videos: the user's videos, newest first unless sorted otherwise. */
export async function listVideos(r: VReq): Promise<void> {
  const user = authenticate(r);
  const mine = Object.values(r.core.state.videos).filter((v) => v.owner === user.name);
  return sendVideoPage(r, listedVideos(r, mine), r.ctx.url.pathname);
}
