// This file lists the user's playlists, finds one by id or exact title (creating it on request) and adds videos to it.
import { ExitCode, VuploadError } from '../errors.js';
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

/**
 * Finds one of the user's playlists: an exact id first, then an exact title. Several playlists with that title, or
 * none (unless `create`), is an error (exit 1) telling the user what to do.
 */
export async function resolvePlaylist(
  api: ApiCaller,
  idOrTitle: string,
  options: { create?: boolean; privacyStatus?: string } = {},
): Promise<PlaylistSummary & { created: boolean }> {
  const mine = await listPlaylists(api);
  const byId = mine.find((p) => p.id === idOrTitle);
  if (byId) return { ...byId, created: false };
  const byTitle = mine.filter((p) => p.title === idOrTitle);
  if (byTitle.length === 1) return { ...byTitle[0]!, created: false };
  if (byTitle.length > 1) {
    throw new VuploadError(
      'playlistAmbiguous',
      ExitCode.api,
      `${byTitle.length} of your playlists are titled "${idOrTitle}" (${byTitle.map((p) => p.id).join(', ')}).`,
      { hint: 'Give the playlist id instead of the title.' },
    );
  }
  if (options.create)
    return { ...(await createPlaylist(api, idOrTitle, options.privacyStatus)), created: true };
  throw new VuploadError(
    'playlistNotFound',
    ExitCode.api,
    `None of your playlists has the id or title "${idOrTitle}".`,
    { hint: 'Add --create-playlist to create it, or see `vupload playlist list` for the exact titles.' },
  );
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
