// This file is what folders (/me/projects) and showcases (/me/albums) share: list, create, get, edit, delete, and
// their videos (list, add with PUT → 204, check, remove) — api.yaml Projects\* and Albums\* paths.
import type { VimeoCore } from './core.js';
import { invalidParameters, malformedBody, notFound } from './errors.js';
import { pageParams, paginate, pickFields, sortBy } from './fields.js';
import { authenticate } from './oauth.js';
import { type Json, noContent, readBody, send, type VReq } from './request.js';
import { type AlbumRec, numericId, type ProjectRec, type VideoRec } from './state.js';
import { findVideo, listedVideos, sendVideoPage, videoResource } from './videos.js';

export type CollectionRec = ProjectRec | AlbumRec;
type Rec = CollectionRec;

export interface CollectionKind<R extends Rec> {
  kind: 'project' | 'album';
  segment: 'projects' | 'albums';
  media: string;
  /** Scope to add or remove videos (api.yaml: interact for projects, edit for albums). */
  addScope: string;
  records(core: VimeoCore): Record<string, R>;
  resource(core: VimeoCore, rec: R): Json;
  /** Applies body fields to `rec` (a copy); returns what is wrong. */
  apply(rec: R, body: Json, creating: boolean): [string, string][];
  blank(owner: string, now: number): Omit<R, 'id'>;
  videoIds(core: VimeoCore, rec: R): string[];
  add(core: VimeoCore, rec: R, video: VideoRec): void;
  /** False when the video was not in it. */
  remove(core: VimeoCore, rec: R, video: VideoRec): boolean;
  sorts: Record<string, (rec: R) => string | number>;
  defaultSort: string;
}

/** A video connection as a collection shows it. */
export const videosConnection = (uri: string, total: number) => ({
  uri: `${uri}/videos`,
  options: ['GET', 'PUT', 'DELETE'],
  total,
});

function find<R extends Rec>(r: VReq, k: CollectionKind<R>): R {
  const rec = k.records(r.core)[r.params[0]!];
  if (!rec || rec.owner !== r.user?.name) throw notFound(k.kind === 'project' ? 'folder' : 'showcase');
  return rec;
}

export async function listCollections<R extends Rec>(r: VReq, k: CollectionKind<R>): Promise<void> {
  const user = authenticate(r);
  const sort = r.ctx.param('sort') ?? k.defaultSort;
  const key = k.sorts[sort];
  if (!key) throw invalidParameters([['sort', `must be one of ${Object.keys(k.sorts).join(', ')}`]]);
  const direction = r.ctx.param('direction');
  if (direction !== undefined && direction !== 'asc' && direction !== 'desc')
    throw invalidParameters([['direction', 'must be asc or desc']]);
  const query = r.ctx.param('query')?.toLowerCase();
  let mine = Object.values(k.records(r.core)).filter((c) => c.owner === user.name);
  if (query) mine = mine.filter((c) => c.name.toLowerCase().includes(query));
  // Names sort A→Z, times newest first, unless `direction` says otherwise.
  const descending = direction ? direction === 'desc' : sort !== 'alphabetical' && sort !== 'name';
  const items = sortBy(mine, key, descending).map((c) => k.resource(r.core, c));
  const page = pageParams((n) => r.ctx.param(n));
  return send(
    r,
    200,
    paginate(items, r.ctx.url.pathname, r.ctx.url.searchParams, page, r.ctx.param('fields')),
    k.media,
  );
}

export async function createCollection<R extends Rec>(r: VReq, k: CollectionKind<R>): Promise<void> {
  const user = authenticate(r, 'create');
  const body = await readBody(r);
  // api.yaml create_project_alt1: "Error code 2205: The input is empty."
  if (Object.keys(body).length === 0) throw malformedBody('The input is empty.');
  const records = k.records(r.core);
  const rec = { ...k.blank(user.name, r.core.now()), id: numericId(records, 8) } as R;
  const problems = k.apply(rec, body, true);
  if (problems.length > 0) throw invalidParameters(problems);
  records[rec.id] = rec;
  await r.core.save();
  return send(r, 201, pickFields(k.resource(r.core, rec), r.ctx.param('fields')), k.media);
}

export async function getCollection<R extends Rec>(r: VReq, k: CollectionKind<R>): Promise<void> {
  authenticate(r);
  return send(r, 200, pickFields(k.resource(r.core, find(r, k)), r.ctx.param('fields')), k.media);
}

export async function patchCollection<R extends Rec>(r: VReq, k: CollectionKind<R>): Promise<void> {
  authenticate(r, 'edit');
  const rec = find(r, k);
  const body = await readBody(r);
  const copy = structuredClone(rec);
  const problems = k.apply(copy, body, false);
  if (problems.length > 0) throw invalidParameters(problems);
  copy.modifiedAt = r.core.now();
  k.records(r.core)[rec.id] = copy;
  await r.core.save();
  return send(r, 200, pickFields(k.resource(r.core, copy), r.ctx.param('fields')), k.media);
}

/** DELETE: the collection goes; its videos stay (should_delete_clips is not emulated). */
export async function deleteCollection<R extends Rec>(r: VReq, k: CollectionKind<R>): Promise<void> {
  authenticate(r, 'delete');
  const rec = find(r, k);
  for (const id of k.videoIds(r.core, rec)) {
    const video = r.core.state.videos[id];
    if (video) k.remove(r.core, rec, video);
  }
  delete k.records(r.core)[rec.id];
  await r.core.save();
  return noContent(r);
}

export async function collectionVideos<R extends Rec>(r: VReq, k: CollectionKind<R>): Promise<void> {
  authenticate(r);
  const rec = find(r, k);
  const videos = k
    .videoIds(r.core, rec)
    .map((id) => r.core.state.videos[id])
    .filter((v): v is VideoRec => v !== undefined);
  return sendVideoPage(r, listedVideos(r, videos, 'manual'), r.ctx.url.pathname);
}

/** GET …/videos/{video_id}: 200 with the video when it is in the collection, else 404 (api.yaml get_album_video). */
export async function collectionVideo<R extends Rec>(r: VReq, k: CollectionKind<R>): Promise<void> {
  authenticate(r);
  const rec = find(r, k);
  const video = findVideo(r, r.params[1]!);
  if (!k.videoIds(r.core, rec).includes(video.id)) throw notFound('video');
  return send(r, 200, pickFields(videoResource(r.core, video), r.ctx.param('fields')));
}

/** PUT …/videos/{video_id}: 204, also when the video is already in it (the call is idempotent). */
export async function addToCollection<R extends Rec>(r: VReq, k: CollectionKind<R>): Promise<void> {
  authenticate(r, k.addScope);
  const rec = find(r, k);
  const video = findVideo(r, r.params[1]!, true);
  k.add(r.core, rec, video);
  await r.core.save();
  return noContent(r);
}

/** PUT …/videos?uris=/videos/1,/videos/2 (projects) or a body `videos` list (albums, which replaces the lot). */
export async function addManyToCollection<R extends Rec>(r: VReq, k: CollectionKind<R>): Promise<void> {
  authenticate(r, k.addScope);
  const rec = find(r, k);
  const body = await readBody(r);
  const list = k.kind === 'project' ? r.ctx.param('uris') : (body.videos as string | undefined);
  if (typeof list !== 'string' || list.trim() === '')
    throw invalidParameters([[k.kind === 'project' ? 'uris' : 'videos', 'is required']]);
  const videos = list.split(',').map((uri) => findVideo(r, /(\d+)$/.exec(uri.trim())?.[1] ?? '', true));
  if (k.kind === 'album')
    for (const id of k.videoIds(r.core, rec)) k.remove(r.core, rec, r.core.state.videos[id]!);
  for (const video of videos) k.add(r.core, rec, video);
  await r.core.save();
  return k.kind === 'album' ? r.ctx.send(201, { ...r.rateHeaders }) : noContent(r);
}

export async function removeFromCollection<R extends Rec>(r: VReq, k: CollectionKind<R>): Promise<void> {
  authenticate(r, k.addScope);
  const rec = find(r, k);
  const video = findVideo(r, r.params[1]!, true);
  if (!k.remove(r.core, rec, video)) throw notFound('video');
  await r.core.save();
  return noContent(r);
}
