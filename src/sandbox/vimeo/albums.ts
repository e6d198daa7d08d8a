// This file is the showcase kind of collection: /me/albums, api.yaml Albums\* and the `album` schema.
import { type CollectionKind, videosConnection } from './collections.js';
import type { VimeoCore } from './core.js';
import { isoSeconds } from './fields.js';
import { type Json, MEDIA } from './request.js';
import type { AlbumRec } from './state.js';

const PRIVACY = ['anybody', 'embed_only', 'password'];

function albumResource(core: VimeoCore, a: AlbumRec): Json {
  const user = core.user(a.owner);
  const uri = `/users/${user.id}/albums/${a.id}`;
  return {
    uri,
    name: a.name,
    description: a.description,
    link: `${core.url}/showcase/${a.id}`,
    created_time: isoSeconds(a.createdAt),
    modified_time: isoSeconds(a.modifiedAt),
    duration: 0,
    privacy: { view: a.privacy, ...(a.password ? { password: a.password } : {}) },
    sort: 'added_last',
    layout: 'player',
    theme: 'standard',
    resource_key: `${a.id}${user.id}`,
    metadata: { connections: { videos: videosConnection(uri, a.items.length) } },
    user: { uri: `/users/${user.id}`, name: user.displayName },
  };
}

export const ALBUMS: CollectionKind<AlbumRec> = {
  kind: 'album',
  segment: 'albums',
  media: MEDIA.album,
  addScope: 'edit',
  records: (core) => core.state.albums,
  resource: albumResource,
  apply: (rec, body, creating) => {
    const problems: [string, string][] = [];
    const known = [
      'name',
      'description',
      'privacy',
      'password',
      'brand_color',
      'hide_nav',
      'layout',
      'review_mode',
      'sort',
      'theme',
    ];
    for (const key of Object.keys(body))
      if (!known.includes(key)) problems.push([key, 'is not a field of this method']);
    if ('name' in body || creating) {
      if (typeof body.name !== 'string' || body.name.trim() === '') problems.push(['name', 'is required']);
      else rec.name = body.name;
    }
    if ('description' in body) {
      if (body.description !== null && typeof body.description !== 'string')
        problems.push(['description', 'must be a string']);
      else rec.description = (body.description as string | null) || null;
    }
    if ('password' in body) {
      if (typeof body.password !== 'string' || body.password === '')
        problems.push(['password', 'must be a non-empty string']);
      else rec.password = body.password;
    }
    if ('privacy' in body) {
      if (!PRIVACY.includes(body.privacy as string))
        problems.push(['privacy', `must be one of ${PRIVACY.join(', ')}`]);
      else rec.privacy = body.privacy as string;
    }
    // api.yaml create_album: "The album's password. Required only if privacy is password."
    if (rec.privacy === 'password' && !rec.password)
      problems.push(['password', 'is required when privacy is password']);
    return problems;
  },
  blank: (owner, now) => ({
    owner,
    name: '',
    description: null,
    privacy: 'anybody',
    createdAt: now,
    modifiedAt: now,
    items: [],
  }),
  videoIds: (_core, rec) => rec.items.map((i) => i.videoId),
  add: (core, rec, video) => {
    if (!rec.items.some((i) => i.videoId === video.id))
      rec.items.push({ videoId: video.id, addedAt: core.now() });
  },
  remove: (_core, rec, video) => {
    const before = rec.items.length;
    rec.items = rec.items.filter((i) => i.videoId !== video.id);
    return rec.items.length < before;
  },
  sorts: {
    alphabetical: (a) => a.name.toLowerCase(),
    date: (a) => a.createdAt,
    duration: () => 0,
    videos: (a) => a.items.length,
  },
  defaultSort: 'date',
};
