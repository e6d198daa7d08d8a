// This file is the folder kind of collection: /me/projects (also /me/folders), api.yaml Projects\* and `project`.
// A video is in at most one folder: adding it to another moves it (`parent_folder` in the video schema).
import { type CollectionKind, videosConnection } from './collections.js';
import type { VimeoCore } from './core.js';
import { isoSeconds } from './fields.js';
import { type Json, MEDIA } from './request.js';
import type { ProjectRec } from './state.js';

export function projectResource(core: VimeoCore, p: ProjectRec): Json {
  const user = core.user(p.owner);
  const uri = `/users/${user.id}/projects/${p.id}`;
  const total = Object.values(core.state.videos).filter((v) => v.projectId === p.id).length;
  return {
    uri,
    name: p.name,
    created_time: isoSeconds(p.createdAt),
    modified_time: isoSeconds(p.modifiedAt),
    resource_key: `${p.id}${user.id}`,
    metadata: { connections: { videos: videosConnection(uri, total) } },
    user: { uri: `/users/${user.id}`, name: user.displayName },
  };
}

export const PROJECTS: CollectionKind<ProjectRec> = {
  kind: 'project',
  segment: 'projects',
  media: MEDIA.project,
  addScope: 'interact',
  records: (core) => core.state.projects,
  resource: projectResource,
  apply: (rec, body) => {
    const problems: [string, string][] = [];
    for (const key of Object.keys(body))
      if (key !== 'name') problems.push([key, 'is not a field of this method']);
    if (typeof body.name !== 'string' || body.name.trim() === '') problems.push(['name', 'is required']);
    else rec.name = body.name;
    return problems;
  },
  blank: (owner, now) => ({ owner, name: '', createdAt: now, modifiedAt: now }),
  videoIds: (core, rec) =>
    Object.values(core.state.videos)
      .filter((v) => v.projectId === rec.id)
      .sort((a, b) => (a.projectAddedAt ?? 0) - (b.projectAddedAt ?? 0))
      .map((v) => v.id),
  add: (core, rec, video) => {
    if (video.projectId === rec.id) return;
    video.projectId = rec.id;
    video.projectAddedAt = core.now();
  },
  remove: (_core, rec, video) => {
    if (video.projectId !== rec.id) return false;
    delete video.projectId;
    delete video.projectAddedAt;
    return true;
  },
  sorts: {
    date: (p) => p.createdAt,
    default: (p) => p.createdAt,
    modified_time: (p) => p.modifiedAt,
    name: (p) => p.name.toLowerCase(),
  },
  defaultSort: 'date',
};
