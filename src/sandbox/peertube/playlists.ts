// This file is channels and playlists: GET /video-channels/{handle}[/video-playlists], POST /video-playlists,
// GET /video-playlists/{id}[/videos] and POST /video-playlists/{id}/videos (a video may be added twice: PeerTube does
// not refuse it, so a careful client asks first). Sources: server/core/controllers/api/video-channels/index.ts,
// controllers/api/video-playlist.ts, middlewares/validators/videos/video-playlists.ts.
import { readForm } from './body.js';
import { LIMITS, PLAYLIST_PRIVACIES } from './constants.js';
import { invalidParams, notFound, PtError } from './errors.js';
import { channelJson, playlistJson, videoJson } from './format.js';
import { authenticate, optionalAuthenticate } from './oauth.js';
import { originalUrl, type PtReq, page, pagination, sendJson } from './request.js';
import type { ChannelRec, PlaylistRec } from './state.js';
import { sortBy, sortParam } from './users.js';
import { newUuid, parseIdParam, uuidToShort } from './uuid.js';
import {
  Checks,
  exists,
  isIdValid,
  isImageFileValid,
  isLength,
  toIntOrNull,
  toValueOrNull,
} from './validate.js';
import { findVideo } from './videos.js';

/** A channel by handle: `name` or `name@host` of this instance. */
function findChannel(r: PtReq): ChannelRec {
  const handle = r.params.handle!;
  const [name, host] = handle.split('@');
  const local = host === undefined || host === new URL(r.core.url).host;
  const channel = local ? Object.values(r.core.state.channels).find((c) => c.name === name) : undefined;
  if (!channel) throw new PtError(404, 'Video channel not found');
  return channel;
}

export async function getChannel(r: PtReq): Promise<void> {
  return sendJson(r, 200, channelJson(r.core, findChannel(r)));
}

/** A channel's playlists: public ones, and every one for its owner (listMyPlaylists). */
export async function channelPlaylists(r: PtReq): Promise<void> {
  const user = optionalAuthenticate(r);
  const channel = findChannel(r);
  const range = pagination(r);
  const sort = sortParam(r, ['name', 'displayName', 'createdAt', 'updatedAt'], '-createdAt');
  const type = r.ctx.param('playlistType');
  const search = r.ctx.param('search')?.toLowerCase();
  const mine = user?.id === channel.userId;
  const found = Object.values(r.core.state.playlists).filter(
    (p) =>
      p.channelId === channel.id &&
      (mine || p.privacy === 1) &&
      (type === undefined || String(p.type) === type) &&
      (search === undefined || p.displayName.toLowerCase().includes(search)),
  );
  const { total, data } = page(sortBy(found, sort), range);
  return sendJson(r, 200, { total, data: data.map((p) => playlistJson(r.core, p)) });
}

/** POST /video-playlists (multipart or JSON): displayName, privacy (default private), videoChannelId, description. */
export async function createPlaylist(r: PtReq): Promise<void> {
  const user = authenticate(r);
  const form = await readForm(r.ctx);
  const body = form.fields;
  const c = new Checks({ body });
  c.check('body', 'thumbnailfile', () => isImageFileValid(form.files.thumbnailfile), {
    msg: 'This thumbnail file is not supported or too large. Please, make sure it is of the following type: .jpg, .jpeg',
  });
  c.check('body', 'description', (v) => v === null || isLength(v, LIMITS.playlistDescription), {
    optional: true,
    sanitize: toValueOrNull,
  });
  c.check('body', 'privacy', (v) => PLAYLIST_PRIVACIES[String(v)] !== undefined, {
    optional: true,
    sanitize: toIntOrNull,
  });
  c.check('body', 'videoChannelId', () => true, { optional: true, sanitize: toIntOrNull });
  c.check('body', 'displayName', (v) => exists(v) && isLength(v, LIMITS.playlistName));
  const invalid = c.failure(originalUrl(r));
  if (invalid) throw invalid;
  let channelId: number | null = null;
  if (body.videoChannelId) {
    const channel = r.core.state.channels[String(body.videoChannelId)];
    if (!channel || channel.userId !== user.id) throw new PtError(404, 'Video channel not found');
    channelId = channel.id;
  }
  const privacy = (body.privacy as number | undefined) || 3;
  if (channelId === null && (privacy === 1 || privacy === 2))
    throw new PtError(400, 'Cannot set "public" or "unlisted" a playlist that is not assigned to a channel.');
  const now = r.core.now();
  const playlist: PlaylistRec = {
    id: ++r.core.state.seq.playlist,
    uuid: newUuid(),
    ownerId: user.id,
    channelId,
    displayName: String(body.displayName),
    description: (body.description as string | null | undefined) ?? null,
    privacy,
    type: 1,
    createdAt: now,
    updatedAt: now,
    elements: [],
  };
  r.core.state.playlists[playlist.id] = playlist;
  await r.core.save();
  const { id, uuid } = playlist;
  return sendJson(r, 200, { videoPlaylist: { id, shortUUID: uuidToShort(uuid), uuid } });
}

/** doesVideoPlaylistExist: 400 when the route segment is no id, 404 when there is no such playlist. */
function lookupPlaylist(r: PtReq): { playlist: PlaylistRec; byUuid: boolean } {
  const param = r.params.playlistId!;
  const parsed = parseIdParam(param);
  if (!parsed) {
    const msg = 'Should have a valid playlist id (id, short UUID or UUID)';
    throw invalidParams([{ location: 'params', path: 'playlistId', value: param, msg }], originalUrl(r));
  }
  const playlist =
    'id' in parsed
      ? r.core.state.playlists[parsed.id]
      : Object.values(r.core.state.playlists).find((x) => x.uuid === parsed.uuid);
  if (!playlist) throw notFound('Video playlist');
  return { playlist, byUuid: 'uuid' in parsed };
}

/** videoPlaylistsGetValidator: unlisted ones only by UUID, private ones only for their owner. */
function findPlaylist(r: PtReq): PlaylistRec {
  const { playlist: p, byUuid } = lookupPlaylist(r);
  if (p.privacy === 2 && !byUuid) throw notFound('Playlist');
  if (p.privacy === 3 && optionalAuthenticate(r)?.id !== p.ownerId)
    throw new PtError(403, 'Cannot get this private video playlist.');
  return p;
}

export async function getPlaylist(r: PtReq): Promise<void> {
  return sendJson(r, 200, playlistJson(r.core, findPlaylist(r)));
}

/** The elements: {id, position, startTimestamp, stopTimestamp, type, video}; a video the caller may not see is null. */
export async function playlistVideos(r: PtReq): Promise<void> {
  const p = findPlaylist(r);
  const range = pagination(r);
  const user = optionalAuthenticate(r);
  const elements = p.elements.map((e, i) => {
    const v = e.videoId === null ? undefined : r.core.state.videos[e.videoId];
    const base = {
      id: e.id,
      position: i + 1,
      startTimestamp: e.startTimestamp,
      stopTimestamp: e.stopTimestamp,
    };
    if (!v) return { ...base, type: 1, video: null };
    const visible = v.privacy !== 3 || v.userId === user?.id;
    return visible
      ? { ...base, type: 0, video: videoJson(r.core, v, 'list') }
      : { ...base, type: 2, video: null };
  });
  return sendJson(r, 200, page(elements, range));
}

/** POST /video-playlists/{id}/videos with JSON {videoId, startTimestamp?, stopTimestamp?}. */
export async function addToPlaylist(r: PtReq): Promise<void> {
  const user = authenticate(r);
  const body = (await readForm(r.ctx)).fields;
  const c = new Checks({ body, params: r.params });
  c.check('params', 'playlistId', (v) => parseIdParam(String(v)) !== undefined);
  c.check('body', 'videoId', (v) => exists(v) && parseIdParam(String(v)) !== undefined, {
    msg: 'Should have a valid video id/uuid/short uuid',
  });
  for (const k of ['startTimestamp', 'stopTimestamp'])
    c.check('body', k, (v) => isIdValid(v) && Number(v) >= 0, { optional: true });
  const invalid = c.failure(originalUrl(r));
  if (invalid) throw invalid;
  const p = lookupPlaylist(r).playlist;
  const v = findVideo(r, String(body.videoId), 'videoId');
  if (p.ownerId !== user.id) throw new PtError(403, 'Cannot manage video playlist of another user');
  const element = {
    id: ++r.core.state.seq.element,
    videoId: v.id,
    startTimestamp: (body.startTimestamp as number | undefined) || null,
    stopTimestamp: (body.stopTimestamp as number | undefined) || null,
  };
  p.elements.push(element);
  p.updatedAt = r.core.now();
  await r.core.save();
  return sendJson(r, 200, { videoPlaylistElement: { id: element.id } });
}
