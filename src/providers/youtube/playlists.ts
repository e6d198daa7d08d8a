// This file lists the user's playlists, finds one by id or exact title (creating it on request) and adds videos once.
import { ExitCode, VuploadError } from '../../errors.js';
import type { ApiCaller } from './api.js';

export interface PlaylistSummary {
  id: string;
  title: string;
  privacyStatus?: string;
  itemCount?: number;
}

/** A safety stop: 200 pages of 50 is more playlists than a channel may have. */
const MAX_PAGES = 200;

/** playlists.list mine=true, every page (1 unit a page). */
export async function listPlaylists(api: ApiCaller): Promise<PlaylistSummary[]> {
  const result: PlaylistSummary[] = [];
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const data = await api.call('playlists.list', 'list your playlists', (options) =>
      api.yt.playlists.list(
        {
          part: ['snippet', 'status', 'contentDetails'],
          mine: true,
          maxResults: 50,
          ...(pageToken ? { pageToken } : {}),
        },
        options,
      ),
    );
    for (const item of data.items ?? []) {
      const summary: PlaylistSummary = { id: item.id ?? '', title: item.snippet?.title ?? '' };
      if (item.status?.privacyStatus) summary.privacyStatus = item.status.privacyStatus;
      if (typeof item.contentDetails?.itemCount === 'number')
        summary.itemCount = item.contentDetails.itemCount;
      result.push(summary);
    }
    pageToken = data.nextPageToken ?? undefined;
    if (!pageToken) break;
  }
  return result;
}

/** playlists.insert (50 units); private unless told otherwise. */
export async function createPlaylist(
  api: ApiCaller,
  title: string,
  privacyStatus = 'private',
): Promise<PlaylistSummary> {
  const data = await api.call('playlists.insert', `create the playlist "${title}"`, (options) =>
    api.yt.playlists.insert(
      { part: ['snippet', 'status'], requestBody: { snippet: { title }, status: { privacyStatus } } },
      options,
    ),
  );
  return {
    id: data.id ?? '',
    title: data.snippet?.title ?? title,
    privacyStatus: data.status?.privacyStatus ?? privacyStatus,
  };
}

/** Serialises a piece of work across processes (e.g. under a lock file); the YouTube layer only calls it. */
export type Exclusive = <T>(work: () => Promise<T>) => Promise<T>;

/** The playlist with id `idOrTitle`, else the one titled so; several with that title is an error (exit 1). */
function pick(mine: PlaylistSummary[], idOrTitle: string): PlaylistSummary | undefined {
  const byId = mine.find((p) => p.id === idOrTitle);
  if (byId) return byId;
  const byTitle = mine.filter((p) => p.title === idOrTitle);
  if (byTitle.length > 1) {
    throw new VuploadError(
      'playlistAmbiguous',
      ExitCode.api,
      `${byTitle.length} of your playlists are titled "${idOrTitle}" (${byTitle.map((p) => p.id).join(', ')}).`,
      { hint: 'Give the playlist id instead of the title.' },
    );
  }
  return byTitle[0];
}

/**
 * Finds one of the user's playlists: an exact id first, then an exact title. Several playlists with that title, or
 * none (unless `create`), is an error (exit 1) telling the user what to do. With `exclusive`, a missing playlist is
 * created inside it after the title is resolved once more: two runs that both found nothing create it once, because
 * the second sees the first one's playlist when its turn comes.
 */
export async function resolvePlaylist(
  api: ApiCaller,
  idOrTitle: string,
  options: {
    create?: boolean;
    /** How the command that asks creates a missing playlist (its flags differ), for the not-found hint. */
    createHint?: string;
    privacyStatus?: string;
    exclusive?: Exclusive;
  } = {},
): Promise<PlaylistSummary & { created: boolean }> {
  const found = pick(await listPlaylists(api), idOrTitle);
  if (found) return { ...found, created: false };
  if (!options.create) {
    throw new VuploadError(
      'playlistNotFound',
      ExitCode.api,
      `None of your playlists has the id or title "${idOrTitle}".`,
      {
        hint: `${options.createHint ? `${options.createHint}, or see` : 'See'} \`vupload playlist list\` for the exact titles.`,
      },
    );
  }
  const { exclusive } = options;
  if (!exclusive) return { ...(await createPlaylist(api, idOrTitle, options.privacyStatus)), created: true };
  return exclusive(async () => {
    const meanwhile = pick(await listPlaylists(api), idOrTitle);
    if (meanwhile) return { ...meanwhile, created: false };
    return { ...(await createPlaylist(api, idOrTitle, options.privacyStatus)), created: true };
  });
}

/**
 * The id of an item of `playlistId` that holds `videoId`, or undefined (playlistItems.list with the videoId filter,
 * 1 unit). The items are checked again here, so a server that ignored the filter cannot make a stranger count.
 */
export async function findPlaylistItem(
  api: ApiCaller,
  videoId: string,
  playlistId: string,
): Promise<string | undefined> {
  const data = await api.call(
    'playlistItems.list',
    `check whether playlist ${playlistId} holds video ${videoId}`,
    (options) =>
      api.yt.playlistItems.list({ part: ['id', 'snippet'], playlistId, videoId, maxResults: 50 }, options),
  );
  return data.items?.find((item) => item.snippet?.resourceId?.videoId === videoId)?.id ?? undefined;
}

/** playlistItems.insert (50 units): appends the video; returns the playlist item's id. */
export async function addToPlaylist(
  api: ApiCaller,
  videoId: string,
  playlistId: string,
): Promise<{ id: string }> {
  const data = await api.call(
    'playlistItems.insert',
    `add video ${videoId} to playlist ${playlistId}`,
    (options) =>
      api.yt.playlistItems.insert(
        {
          part: ['snippet'],
          requestBody: { snippet: { playlistId, resourceId: { kind: 'youtube#video', videoId } } },
        },
        options,
      ),
  );
  return { id: data.id ?? '' };
}

/**
 * Adds the video unless the playlist holds it already (a run killed between the insert and its journal record, then
 * run again): `added` says which. A playlist may hold a video twice, so only asking first prevents a duplicate.
 */
export async function addToPlaylistOnce(
  api: ApiCaller,
  videoId: string,
  playlistId: string,
): Promise<{ id: string; added: boolean }> {
  const existing = await findPlaylistItem(api, videoId, playlistId);
  if (existing !== undefined) return { id: existing, added: false };
  return { ...(await addToPlaylist(api, videoId, playlistId)), added: true };
}
